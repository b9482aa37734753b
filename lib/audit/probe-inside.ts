// The Python source of the inside half of `cordon audit` on Linux (python3, run as the sandboxed command).
// Kept as a string (newer probes live in probes/*.py; probe-source.ts joins
// them into one program passed to python3 -c). It must contain no backquote
// and no dollar-brace sequence.
export const probeInsideSource = String.raw`# The inside half of cordon audit on Linux: run by python3 inside the
# sandbox under audit. It tries each channel once, on objects named with the
# run's nonce or planted by the supervisor, and prints one JSON line per
# attempt: {"id", "ok": true|false|null, "call", "errno", "detail"}.
# ok=true: the call succeeded; false: it failed with errno; null: the channel
# is absent here. It never reads foreign contents, never signals, never
# writes outside cordon-owned names, and removes what it creates unless the
# row exists to see whether an object outlives the sandbox (the supervisor's
# scan removes those).
import ctypes, ctypes.util, errno, json, os, socket, struct, sys

cfg = json.loads(sys.argv[1])
nonce = cfg["nonce"]
libc = ctypes.CDLL(None, use_errno=True)
ARCH = os.uname().machine
NR = {
    "x86_64": {"add_key": 248, "request_key": 249, "keyctl": 250, "userfaultfd": 323, "perf_event_open": 298, "bpf": 321, "io_uring_setup": 425, "pidfd_open": 434, "execveat": 322},
    "aarch64": {"add_key": 217, "request_key": 218, "keyctl": 219, "userfaultfd": 282, "perf_event_open": 241, "bpf": 280, "io_uring_setup": 425, "pidfd_open": 434, "execveat": 281},
}.get(ARCH, {})
libc.syscall.restype = ctypes.c_long


def emit(id, ok, call, err=None, detail="", **extra):
    name = errno.errorcode.get(err, str(err)) if err else None
    row = {"id": id, "ok": ok, "call": call, "errno": name, "detail": detail}
    row.update({k: v for k, v in extra.items() if v is not None})
    print(json.dumps(row), flush=True)


class Partial(Exception):
    """The call succeeded, but only in part (the message says which part)."""


def sys_call(name, *args):
    if name not in NR:
        raise OSError(errno.ENOSYS, "no syscall number for " + ARCH)
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(NR[name]), *args)
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r


def cfunc(name, restype=ctypes.c_int):
    f = getattr(libc, name)
    f.restype = restype
    return f


def check(r, bad=-1):
    if r == bad:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r


def attempt(id, call, fn):
    """Run fn(); it returns a detail string or (detail, data) (success), or None (channel absent).
    An OSError may carry a "cause" attribute naming the mechanism more precisely than its errno."""
    try:
        got = fn()
        detail, data = got if isinstance(got, tuple) else (got, None)
        if detail is None:
            emit(id, None, call, None, "not present here")
        else:
            emit(id, True, call, None, detail, data=data)
    except Partial as p:
        emit(id, True, call, None, str(p), partial=True)
    except OSError as e:
        emit(id, False, call, e.errno, e.strerror or "", cause=getattr(e, "cause", None), data=getattr(e, "data", None))
    except Exception as e:  # the probe itself failed: reported as such
        print(json.dumps({"id": id, "ok": None, "call": call, "errno": None, "detail": "probe error: %r" % (e,), "error": True}), flush=True)


# ---- files ----------------------------------------------------------------

def create_in(directory):
    def go():
        if not directory:
            return None
        p = os.path.join(directory, "cordon-audit-" + nonce)
        fd = os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        return "created " + p + " (left for the supervisor to confirm and remove)"
    return go


attempt("fs.tmp", "open(/tmp/cordon-audit-N, O_CREAT|O_EXCL)", create_in("/tmp"))
attempt("fs.var_tmp", "open(/var/tmp/cordon-audit-N, O_CREAT|O_EXCL)", create_in("/var/tmp"))
attempt("fs.dev_shm", "open(/dev/shm/cordon-audit-N, O_CREAT|O_EXCL)", create_in("/dev/shm"))
attempt("fs.home", "open($HOME/cordon-audit-N, O_CREAT|O_EXCL)", create_in(cfg.get("home")))
attempt("fs.outside.create", "open(<outside>/cordon-audit-N, O_CREAT|O_EXCL)", create_in(cfg["outsideDir"]))


def tmpdir_create():
    d = os.environ.get("TMPDIR")
    if not d:
        return None
    p = os.path.join(d, "cordon-audit-" + nonce)
    with open(p, "w") as f:
        f.write("x")
    os.unlink(p)
    return "created and removed " + p


attempt("fs.tmpdir.private", "open($TMPDIR/cordon-audit-N, O_CREAT)", tmpdir_create)


def write_grant():
    d = cfg.get("writeDir")
    if not d:
        return None
    p = os.path.join(d, "cordon-audit-" + nonce)
    fd = os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    return "created " + p + " (left for the supervisor to confirm and remove)"


attempt("fs.write-grant", "open(<write grant>/cordon-audit-N, O_CREAT|O_EXCL)", write_grant)


def read_outside():
    with open(cfg["outsideFile"], "rb") as f:
        n = len(f.read())
    return "read %d bytes of the outside canary" % n


attempt("fs.outside.read", "open(<outside canary>, O_RDONLY)", read_outside)


def metadata(path, op):
    def go():
        st = os.stat(path)
        if op == "chmod":
            os.chmod(path, st.st_mode & 0o7777)
            return "chmod to the same mode %o succeeded" % (st.st_mode & 0o7777)
        if op == "utimes":
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
            return "utimensat to the same times succeeded"
        name = "user.cordon-audit-" + nonce
        os.setxattr(path, name, b"1")
        os.removexattr(path, name)
        return "setxattr + removexattr " + name + " succeeded"
    return go


for op in ("chmod", "utimes", "xattr"):
    attempt("fs.meta.%s.outside" % op, "%s(<outside canary>)" % op, metadata(cfg["outsideFile"], op))
    attempt("fs.meta.%s.read-granted" % op, "%s(<read-only granted canary>)" % op, metadata(cfg["roFile"], op))


def flock_ro():
    import fcntl
    fd = os.open(cfg["roFile"], os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
    return "flock(LOCK_EX) on a read-only granted file succeeded"


attempt("fs.flock.read-granted", "flock(<read-only granted canary>, LOCK_EX)", flock_ro)


def inotify_outside():
    init = cfunc("inotify_init1")
    add = cfunc("inotify_add_watch")
    fd = check(init(os.O_CLOEXEC))
    try:
        wd = check(add(fd, cfg["outsideDir"].encode(), 0x00000100 | 0x00000200))  # IN_CREATE | IN_DELETE
        return "inotify watch %d on a directory outside every grant" % wd
    finally:
        os.close(fd)


attempt("fs.notify.inotify", "inotify_add_watch(<outside dir>)", inotify_outside)


def fanotify_outside():
    init = cfunc("fanotify_init")
    mark = cfunc("fanotify_mark")
    mark.argtypes = [ctypes.c_int, ctypes.c_uint, ctypes.c_uint64, ctypes.c_int, ctypes.c_char_p]
    FAN_CLASS_NOTIF, FAN_REPORT_FID, FAN_MARK_ADD, FAN_CREATE, FAN_EVENT_ON_CHILD = 0, 0x200, 1, 0x100, 0x08000000
    fd = check(init(FAN_CLASS_NOTIF | FAN_REPORT_FID, os.O_RDONLY))
    try:
        check(mark(fd, FAN_MARK_ADD, FAN_CREATE | FAN_EVENT_ON_CHILD, -100, cfg["outsideDir"].encode()))
        return "fanotify inode mark on a directory outside every grant"
    finally:
        os.close(fd)


attempt("fs.notify.fanotify", "fanotify_init(FAN_REPORT_FID) + fanotify_mark(<outside dir>)", fanotify_outside)


def proc_self_knob():
    fd = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
    os.close(fd)
    return "opened /proc/self/oom_score_adj for writing (nothing written)"


attempt("fs.proc.self", "open(/proc/self/oom_score_adj, O_WRONLY)", proc_self_knob)


def cgroup_write():
    lines = open("/proc/self/cgroup").read().split("\n")
    path = [l.split(":", 2)[2] for l in lines if l.startswith("0::")]
    if not path:
        return None
    fd = os.open("/sys/fs/cgroup" + path[0] + "/cgroup.procs", os.O_WRONLY)
    os.close(fd)
    return "opened its own cgroup.procs for writing (nothing written)"


attempt("fs.sys.cgroup", "open(<own cgroup>/cgroup.procs, O_WRONLY)", cgroup_write)


# ---- named IPC ------------------------------------------------------------

shmget = cfunc("shmget")
shmat = cfunc("shmat", ctypes.c_void_p)
shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
shmdt = cfunc("shmdt")
shmdt.argtypes = [ctypes.c_void_p]
msgget = cfunc("msgget")
msgsnd = cfunc("msgsnd")
semget = cfunc("semget")
semop = cfunc("semop")
IPC_CREAT, IPC_EXCL = 0o1000, 0o2000


def shm_canary():
    sid = check(shmget(cfg["shmKey"], 0, 0o600))
    addr = shmat(sid, None, 0)
    if addr in (None, ctypes.c_void_p(-1).value):
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    ctypes.memmove(addr, nonce.encode(), len(nonce))  # the supervisor reads this back
    shmdt(ctypes.c_void_p(addr))
    return "attached the outside segment (key 0x%x) and wrote the nonce into it" % cfg["shmKey"]


attempt("ipc.sysv.shm", "shmget(<canary key>) + shmat", shm_canary)


def msg_canary():
    q = check(msgget(cfg["msgKey"], 0o600))
    body = nonce.encode()
    buf = struct.pack("l", 1) + body
    check(msgsnd(q, ctypes.c_char_p(buf), len(body), 0o4000))  # IPC_NOWAIT
    return "sent one message to the outside queue (key 0x%x)" % cfg["msgKey"]


attempt("ipc.sysv.msg", "msgget(<canary key>) + msgsnd", msg_canary)


def sem_canary():
    s = check(semget(cfg["semKey"], 1, 0o600))
    op = struct.pack("HhH", 0, 1, 0o4000)  # sem_num 0, +1, IPC_NOWAIT
    check(semop(s, ctypes.c_char_p(op), 1))
    return "incremented the outside semaphore (key 0x%x)" % cfg["semKey"]


attempt("ipc.sysv.sem", "semget(<canary key>) + semop(+1)", sem_canary)


def sysv_create():
    sid = check(shmget(cfg["leaveKey"], 4096, IPC_CREAT | IPC_EXCL | 0o600))
    return "created segment id %d with key 0x%x and left it: does it outlive the sandbox?" % (sid, cfg["leaveKey"])


attempt("ipc.sysv.persist", "shmget(<nonce key>, IPC_CREAT|IPC_EXCL), not removed", sysv_create)

mq_open = cfunc("mq_open")
mq_send = cfunc("mq_send")
mq_close = cfunc("mq_close")
mq_unlink = cfunc("mq_unlink")


def mq_canary():
    q = check(mq_open(cfg["mqName"].encode(), os.O_WRONLY | os.O_NONBLOCK))
    try:
        check(mq_send(q, nonce.encode(), len(nonce), 0))
    finally:
        mq_close(q)
    return "sent one message to the outside POSIX queue " + cfg["mqName"]


attempt("ipc.posix.mq", "mq_open(<canary queue>) + mq_send", mq_canary)


def mq_create():
    name = ("/cordon-audit-" + nonce + "-in").encode()
    q = check(mq_open(name, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600, None))
    mq_close(q)
    mq_unlink(name)
    return "created and unlinked its own queue (the supervisor checks it is gone)"


attempt("ipc.posix.mq.create", "mq_open(/cordon-audit-N-in, O_CREAT|O_EXCL)", mq_create)


def posix_shm():
    fd = os.open("/dev/shm/" + cfg["posixShm"], os.O_RDONLY)
    os.close(fd)
    return "opened the outside POSIX shm object (nothing read)"


attempt("ipc.posix.shm", "shm_open(<canary>, O_RDONLY)", posix_shm)


# ---- sockets ----------------------------------------------------------------

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


# ---- keyrings ---------------------------------------------------------------

KEY_SPEC_USER_KEYRING = -4
KEY_SPEC_SESSION_KEYRING = -3


def key_search():
    kid = sys_call("keyctl", ctypes.c_long(10), ctypes.c_long(KEY_SPEC_USER_KEYRING), ctypes.c_char_p(b"user"), ctypes.c_char_p(cfg["keyDesc"].encode()), ctypes.c_long(0))  # KEYCTL_SEARCH
    return "found the outside canary key %d in @u (contents not read)" % kid


attempt("key.user.search", "keyctl(KEYCTL_SEARCH, @u, <canary>)", key_search)


def key_add():
    desc = ("cordon-audit-" + nonce + "-in").encode()
    kid = sys_call("add_key", ctypes.c_char_p(b"user"), ctypes.c_char_p(desc), ctypes.c_char_p(b"1"), ctypes.c_long(1), ctypes.c_long(KEY_SPEC_USER_KEYRING))
    sys_call("keyctl", ctypes.c_long(21), ctypes.c_long(kid))  # KEYCTL_INVALIDATE
    return "added key %d to @u and invalidated it" % kid


attempt("key.user.add", "add_key(user, cordon-audit-N-in, @u)", key_add)


def key_session():
    kid = sys_call("keyctl", ctypes.c_long(0), ctypes.c_long(KEY_SPEC_SESSION_KEYRING), ctypes.c_long(0))  # KEYCTL_GET_KEYRING_ID, no create
    same = kid == cfg.get("sessionKeyring")
    return "session keyring %d (%s the supervisor's)" % (kid, "the same as" if same else "not")


attempt("key.session", "keyctl(KEYCTL_GET_KEYRING_ID, @s)", key_session)


# ---- processes, terminal ----------------------------------------------------

def proc_list():
    pids = [d for d in os.listdir("/proc") if d.isdigit()]
    seen = False
    if str(cfg["victimPid"]) in pids and cfg["victimPid"] != os.getpid():
        try:
            with open("/proc/%d/cmdline" % cfg["victimPid"], "rb") as f:
                seen = nonce.encode() in f.read()
        except OSError:
            pass
    return "/proc lists %d processes; the outside canary process is %s" % (len(pids), "visible" if seen else "not there")


attempt("proc.list", "readdir(/proc)", proc_list)


def proc_other():
    with open("/proc/%d/cmdline" % cfg["victimPid"], "rb") as f:
        n = len(f.read())
    return "read %d bytes of an outside process's cmdline" % n


attempt("proc.other.cmdline", "open(/proc/<outside pid>/cmdline)", proc_other)


def sig_other():
    os.kill(cfg["victimPid"], 0)
    return "kill(<outside pid>, 0) succeeded (no signal sent)"


attempt("sig.other", "kill(<outside pid>, 0)", sig_other)


def tiocsti():
    ioctl = cfunc("ioctl")
    ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p]
    session = "own session" if os.getsid(0) == os.getpid() else "inherited session"
    try:
        fd = os.open("/dev/tty", os.O_RDWR)
        where = "/dev/tty"
    except OSError as e:
        fd = 0
        where = "stdin (no controlling terminal: %s)" % errno.errorcode.get(e.errno, e.errno)
    try:
        r = ioctl(fd, 0x5412, None)  # TIOCSTI with a NULL pointer: EFAULT means it would have been accepted
        e = ctypes.get_errno()
    finally:
        if fd != 0:
            os.close(fd)
    if r == 0 or e == errno.EFAULT:
        return "TIOCSTI on %s reached the terminal driver (EFAULT on a NULL byte); %s" % (where, session)
    if e == errno.ENOTTY:
        raise OSError(e, "TIOCSTI passed every filter but %s is no terminal; %s" % (where, session))
    raise OSError(e, "%s; %s" % (os.strerror(e), session))


attempt("tty.tiocsti", "ioctl(tty, TIOCSTI, NULL)", tiocsti)


# ---- kernel facilities --------------------------------------------------------

def io_uring():
    params = ctypes.create_string_buffer(120)
    fd = sys_call("io_uring_setup", ctypes.c_long(1), params)
    os.close(fd)
    return "io_uring_setup returned a ring (its operations bypass seccomp)"


attempt("kern.io_uring", "io_uring_setup(1)", io_uring)


def uffd():
    fd = sys_call("userfaultfd", ctypes.c_long(os.O_CLOEXEC | 1))  # UFFD_USER_MODE_ONLY
    os.close(fd)
    return "userfaultfd(UFFD_USER_MODE_ONLY) returned an fd"


attempt("kern.userfaultfd", "userfaultfd(UFFD_USER_MODE_ONLY)", uffd)


def perf_self():
    attr = ctypes.create_string_buffer(128)
    struct.pack_into("=IIQ", attr, 0, 1, 128, 0)  # PERF_TYPE_SOFTWARE, size, PERF_COUNT_SW_CPU_CLOCK
    struct.pack_into("=Q", attr, 40, 1 | (1 << 5) | (1 << 6))  # disabled, exclude_kernel, exclude_hv
    fd = sys_call("perf_event_open", attr, ctypes.c_long(0), ctypes.c_long(-1), ctypes.c_long(-1), ctypes.c_long(0))
    os.close(fd)
    return "perf_event_open on itself returned an fd"


attempt("kern.perf", "perf_event_open(self, sw cpu-clock)", perf_self)


def bpf_load():
    insns = struct.pack("=BBhi", 0xB7, 0, 0, 0) + struct.pack("=BBhi", 0x95, 0, 0, 0)  # r0 = 0; exit
    prog = ctypes.create_string_buffer(insns)
    lic = ctypes.create_string_buffer(b"GPL")
    attr = ctypes.create_string_buffer(128)
    struct.pack_into("=IIQQ", attr, 0, 1, 2, ctypes.addressof(prog), ctypes.addressof(lic))  # SOCKET_FILTER
    fd = sys_call("bpf", ctypes.c_long(5), attr, ctypes.c_long(128))  # BPF_PROG_LOAD
    os.close(fd)
    return "loaded a socket-filter BPF program"


attempt("kern.bpf", "bpf(BPF_PROG_LOAD, socket filter)", bpf_load)


def mount_probe():
    mount = cfunc("mount")
    mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
    target = ("/nonexistent-cordon-audit-" + nonce).encode()
    r = mount(b"none", target, b"tmpfs", 0, None)
    e = ctypes.get_errno()
    if r == 0 or e == errno.ENOENT:
        return "mount() got past the permission checks (ENOENT on a target that does not exist)"
    raise OSError(e, os.strerror(e))


attempt("kern.mount", "mount(tmpfs, <missing target>)", mount_probe)


def userns():
    pid = os.fork()
    if pid == 0:
        r = cfunc("unshare")(0x10000000)  # CLONE_NEWUSER
        os._exit(0 if r == 0 else min(ctypes.get_errno(), 250))
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return "a child created a new user namespace"
    raise OSError(code, os.strerror(code))


attempt("kern.userns", "unshare(CLONE_NEWUSER) in a child", userns)


def memfd_exec():
    true = "/bin/true" if os.path.exists("/bin/true") else "/usr/bin/true"
    fd = os.memfd_create("cordon-audit-" + nonce, 0)
    with open(true, "rb") as src:
        os.write(fd, src.read())
    pid = os.fork()
    if pid == 0:
        try:
            os.execve(fd, ["true"], {})
        except OSError as e:
            os._exit(min(e.errno, 250))
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return "executed an in-memory copy of %s (fexecve of a memfd)" % true
    raise OSError(code, os.strerror(code) if code < 250 else "exit %d" % code)


attempt("mem.memfd.exec", "memfd_create + fexecve", memfd_exec)


def sethostname():
    name = socket.gethostname().encode()
    f = cfunc("sethostname")
    f.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    check(f(name, len(name)))
    return "sethostname(<current name>) succeeded"


attempt("uts.sethostname", "sethostname(<its current value>)", sethostname)


# ---- global counters and listings ------------------------------------------------

def read_listing(path, needle=None):
    def go():
        with open(path) as f:
            text = f.read()
        lines = [l for l in text.split("\n") if l.strip()]
        extra = ""
        if needle is not None:
            extra = "; the canary is %s" % ("visible" if needle in text else "not there")
        return "%s readable (%d lines)%s" % (path, len(lines), extra)
    return go


def kallsyms():
    with open("/proc/kallsyms") as f:
        first = f.readline().split()
    if not first:
        return None
    if int(first[0], 16) == 0:
        raise OSError(0, "readable, but every address reads as zero")
    return "kernel symbol addresses readable (first: %s)" % first[2]


attempt("kern.kallsyms", "read /proc/kallsyms", kallsyms)
attempt("g.loadavg", "read /proc/loadavg", read_listing("/proc/loadavg"))
attempt("g.key-users", "read /proc/key-users", read_listing("/proc/key-users"))
attempt("g.sysvipc", "read /proc/sysvipc/shm", read_listing("/proc/sysvipc/shm", "%10d" % cfg["shmKey"]))
attempt("g.net.unix", "read /proc/net/unix", read_listing("/proc/net/unix", cfg["unixStream"]))


def inherited_fds():
    fds = sorted(int(x) for x in os.listdir("/proc/self/fd"))
    return "open fds: %s" % " ".join(map(str, fds))


attempt("inherit.fds", "readdir(/proc/self/fd)", inherited_fds)


def secret_env():
    import re
    names = [k for k in os.environ if re.search(r"TOKEN|SECRET|PASSW|CREDENTIAL|API_?KEY|PRIVATE", k, re.I)]
    if not names:
        raise OSError(0, "no secret-looking variable names")
    return "%d secret-looking variable names inherited (values not read)" % len(names)


attempt("inherit.env", "scan environ names", secret_env)
`;
