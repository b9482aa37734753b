# The inside probe, sockets: the supervisor's unix (pathname and abstract), TCP
# and UDP listeners, name squatting, socketpair, netlink route and sock_diag.
#
# Part of the inside probe (see inside.py, whose cfg, nonce, libc, attempt and
# helpers it uses); probe-source.ts joins the parts into one program.


def unix_stream():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(2)
        s.connect(cfg["unixStream"])
        s.sendall(nonce.encode())
    finally:
        s.close()
    return "connected and sent to the outside pathname socket"


attempt("sock.unix.path.stream", "socket(AF_UNIX, SOCK_STREAM) + connect(<canary path>)", unix_stream)


def unix_dgram():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        s.sendto(nonce.encode(), cfg["unixDgram"])
    finally:
        s.close()
    return "sent a datagram to the outside pathname socket"


attempt("sock.unix.path.dgram", "socket(AF_UNIX, SOCK_DGRAM) + sendto(<canary path>)", unix_dgram)


def abstract_connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(2)
        s.connect("\0" + cfg["abstract"])
        s.sendall(nonce.encode())
    finally:
        s.close()
    return "connected and sent to the outside abstract socket"


attempt("sock.unix.abstract.connect", "connect(@<canary name>)", abstract_connect)


def abstract_bind():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind("\0cordon-audit-" + nonce + "-squat")
    finally:
        s.close()
    return "bound an abstract name (name squatting)"


attempt("sock.unix.abstract.bind", "bind(@cordon-audit-N-squat)", abstract_bind)


def socketpair():
    a, b = socket.socketpair()
    a.send(b"x")
    got = b.recv(1)
    a.close()
    b.close()
    return "socketpair works (%r)" % got


attempt("sock.unix.pair", "socketpair(AF_UNIX)", socketpair)


def tcp():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(2)
        s.connect(("127.0.0.1", cfg["tcpPort"]))
        s.sendall(nonce.encode())
    finally:
        s.close()
    return "connected to the outside TCP listener on 127.0.0.1:%d" % cfg["tcpPort"]


attempt("net.tcp", "connect(127.0.0.1:<canary port>)", tcp)


def udp_send():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.sendto(nonce.encode(), ("127.0.0.1", cfg["udpPort"]))
    finally:
        s.close()
    return "sendto 127.0.0.1:%d returned success" % cfg["udpPort"]


attempt("net.udp.send", "sendto(127.0.0.1:<canary port>, UDP)", udp_send)


def udp_bind():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    finally:
        s.close()
    return "bound UDP 127.0.0.1:%d" % port


attempt("net.udp.bind", "bind(127.0.0.1:0, UDP)", udp_bind)


def netlink_route():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)  # NETLINK_ROUTE
    try:
        s.settimeout(2)
        # RTM_GETLINK dump: nlmsghdr(len, type 18, flags REQUEST|DUMP, seq, pid) + ifinfomsg
        s.send(struct.pack("=LHHLL", 32, 18, 0x301, 1, 0) + struct.pack("=BxHiII", 0, 0, 0, 0, 0))
        links = 0
        done = False
        while not done:
            data = s.recv(65536)
            off = 0
            while off + 16 <= len(data):
                ln, typ = struct.unpack_from("=LH", data, off)
                if typ == 3 or typ == 2:  # NLMSG_DONE / NLMSG_ERROR
                    done = True
                    break
                if typ == 16:
                    links += 1
                off += (ln + 3) & ~3
                if ln == 0:
                    done = True
                    break
    finally:
        s.close()
    return "RTM_GETLINK listed %d network interfaces" % links


attempt("net.netlink.route", "socket(AF_NETLINK, NETLINK_ROUTE) + RTM_GETLINK dump", netlink_route)


def sock_diag():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)  # NETLINK_SOCK_DIAG
    try:
        s.settimeout(2)
        # unix_diag_req: family AF_UNIX, protocol 0, pad, states all, ino 0, show UDIAG_SHOW_NAME, cookie
        req = struct.pack("=BBHIIIII", socket.AF_UNIX, 0, 0, 0xFFFFFFFF, 0, 1, 0, 0)
        s.send(struct.pack("=LHHLL", 16 + len(req), 20, 0x301, 1, 0) + req)  # SOCK_DIAG_BY_FAMILY
        blob = b""
        count = 0
        while True:
            data = s.recv(65536)
            if not data:
                break
            blob += data
            off = 0
            stop = False
            while off + 16 <= len(data):
                ln, typ = struct.unpack_from("=LH", data, off)
                if typ in (2, 3) or ln == 0:
                    stop = True
                    break
                count += 1
                off += (ln + 3) & ~3
            if stop:
                break
    finally:
        s.close()
    seen = cfg["unixStream"].encode() in blob
    return "listed %d unix sockets of the host; the canary's path is %s" % (count, "visible" if seen else "not among them")


attempt("net.netlink.sock_diag", "socket(AF_NETLINK, NETLINK_SOCK_DIAG) + unix dump", sock_diag)
