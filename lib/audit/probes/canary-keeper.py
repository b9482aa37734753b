# The outside half of cordon audit on Linux: plants canaries for the inside
# probe to reach, counts what arrives, and removes everything. Runs as the
# caller, outside the sandbox, with python3 (SysV IPC, POSIX mqueues and
# keyrings have no Bun API). Every object is named or keyed with the run's
# nonce; nothing else on the host is touched.
#
# Protocol: argv[1] is a JSON config; the keeper prints one JSON line when
# ready, then answers lines on stdin: "count" (receipts so far), "scan <json>"
# (look for and remove objects the sandbox may have left), "teardown" (remove
# everything, print what was removed, exit). EOF on stdin means teardown.
import ctypes, errno, json, os, select, socket, struct, sys

cfg = json.loads(sys.argv[1])
nonce = cfg["nonce"]
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
ARCH = os.uname().machine
KEYCTL = {"x86_64": (248, 250), "aarch64": (217, 219)}.get(ARCH)
IPC_CREAT, IPC_EXCL, IPC_RMID, IPC_STAT, GETVAL = 0o1000, 0o2000, 0, 2, 12


def fn(name, restype=ctypes.c_int, argtypes=None):
    f = getattr(libc, name)
    f.restype = restype
    if argtypes:
        f.argtypes = argtypes
    return f


def err():
    e = ctypes.get_errno()
    return OSError(e, os.strerror(e))


shmget, shmctl, msgget, msgctl, semget, semctl = (fn(n) for n in ("shmget", "shmctl", "msgget", "msgctl", "semget", "semctl"))
shmat = fn("shmat", ctypes.c_void_p, [ctypes.c_int, ctypes.c_void_p, ctypes.c_int])
shmdt = fn("shmdt", ctypes.c_int, [ctypes.c_void_p])
mq_open, mq_close, mq_unlink, mq_getattr = (fn(n) for n in ("mq_open", "mq_close", "mq_unlink", "mq_getattr"))

made = {}
removed = []


def plant():
    sid = shmget(cfg["shmKey"], 4096, IPC_CREAT | IPC_EXCL | 0o600)
    if sid < 0:
        raise err()
    made["shm"] = sid
    q = msgget(cfg["msgKey"], IPC_CREAT | IPC_EXCL | 0o600)
    if q < 0:
        raise err()
    made["msg"] = q
    s = semget(cfg["semKey"], 1, IPC_CREAT | IPC_EXCL | 0o600)
    if s < 0:
        raise err()
    made["sem"] = s
    attr = struct.pack("llll", 0, 4, 64, 0)
    m = mq_open(cfg["mqName"].encode(), os.O_CREAT | os.O_EXCL | os.O_RDONLY | os.O_NONBLOCK, 0o600, ctypes.c_char_p(attr))
    if m < 0:
        raise err()
    made["mq"] = m
    path = "/dev/shm/" + cfg["posixShm"]
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    os.write(fd, b"canary")
    os.close(fd)
    made["posixShm"] = path
    if KEYCTL:
        kid = libc.syscall(ctypes.c_long(KEYCTL[0]), ctypes.c_char_p(b"user"), ctypes.c_char_p(cfg["keyDesc"].encode()), ctypes.c_char_p(b"canary"), ctypes.c_long(6), ctypes.c_long(-4))
        if kid < 0:
            raise err()
        made["key"] = kid


socks = {}
counts = {"unixStream": 0, "unixDgram": 0, "abstract": 0, "tcp": 0, "udp": 0}


def listen():
    us = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    us.bind(cfg["unixStream"])
    us.listen(8)
    socks["unixStream"] = us
    ud = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ud.bind(cfg["unixDgram"])
    socks["unixDgram"] = ud
    ab = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ab.bind("\0" + cfg["abstract"])
    ab.listen(8)
    socks["abstract"] = ab
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    t.listen(8)
    socks["tcp"] = t
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    socks["udp"] = u


def pump(timeout):
    ready, _, _ = select.select(list(socks.values()), [], [], timeout)
    for s in ready:
        name = [k for k, v in socks.items() if v is s][0]
        if s.type == socket.SOCK_STREAM:
            c, _ = s.accept()
            c.close()
        else:
            s.recv(4096)
        counts[name] += 1
    return bool(ready)


def receipts():
    while pump(0):
        pass
    out = dict(counts)
    if "shm" in made:
        addr = shmat(made["shm"], None, 0o10000)  # SHM_RDONLY
        if addr not in (None, ctypes.c_void_p(-1).value):
            out["shm"] = 1 if ctypes.string_at(addr, len(nonce)) == nonce.encode() else 0
            shmdt(ctypes.c_void_p(addr))
    if "msg" in made:
        buf = ctypes.create_string_buffer(256)
        if msgctl(made["msg"], IPC_STAT, buf) == 0:
            # struct msqid64_ds on 64-bit: ipc_perm (48) + 3 times (24) + cbytes, qnum
            out["msg"] = struct.unpack_from("Q", buf, 48 + 24 + 8)[0]
    if "sem" in made:
        out["sem"] = semctl(made["sem"], 0, GETVAL)
    if "mq" in made:
        a = ctypes.create_string_buffer(64)
        if mq_getattr(made["mq"], a) == 0:
            out["mq"] = struct.unpack_from("llll", a.raw)[3]
    return out


def scan(spec):
    """Objects the sandbox may have left: SysV keys, mqueue names, user keys. Found ones are removed."""
    found = []
    for key in spec.get("shmKeys", []):
        sid = shmget(key, 0, 0)
        if sid >= 0:
            shmctl(sid, IPC_RMID, None)
            found.append({"kind": "sysv-shm", "name": "key 0x%x" % key, "removed": True})
    for name in spec.get("mqNames", []):
        m = mq_open(name.encode(), os.O_RDONLY | os.O_NONBLOCK)
        if m >= 0:
            mq_close(m)
            found.append({"kind": "posix-mq", "name": name, "removed": mq_unlink(name.encode()) == 0})
    for desc in spec.get("keyDescs", []):
        if not KEYCTL:
            break
        kid = libc.syscall(ctypes.c_long(KEYCTL[1]), ctypes.c_long(10), ctypes.c_long(-4), ctypes.c_char_p(b"user"), ctypes.c_char_p(desc.encode()), ctypes.c_long(0))
        if kid >= 0:
            ok = libc.syscall(ctypes.c_long(KEYCTL[1]), ctypes.c_long(21), ctypes.c_long(kid)) == 0
            found.append({"kind": "key", "name": desc, "removed": ok})
    return found


def teardown():
    for k, s in socks.items():
        s.close()
    for p in (cfg["unixStream"], cfg["unixDgram"]):
        try:
            os.unlink(p)
            removed.append(p)
        except FileNotFoundError:
            pass
    if "shm" in made and shmctl(made["shm"], IPC_RMID, None) == 0:
        removed.append("sysv-shm")
    if "msg" in made and msgctl(made["msg"], IPC_RMID, None) == 0:
        removed.append("sysv-msg")
    if "sem" in made and semctl(made["sem"], 0, IPC_RMID) == 0:
        removed.append("sysv-sem")
    if "mq" in made:
        mq_close(made["mq"])
        if mq_unlink(cfg["mqName"].encode()) == 0:
            removed.append("posix-mq")
    if "posixShm" in made:
        try:
            os.unlink(made["posixShm"])
            removed.append("posix-shm")
        except FileNotFoundError:
            pass
    if "key" in made and libc.syscall(ctypes.c_long(KEYCTL[1]), ctypes.c_long(21), ctypes.c_long(made["key"])) == 0:
        removed.append("key")


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


try:
    listen()
    plant()
except OSError as e:
    teardown()
    say({"error": "%s: %s" % (errno.errorcode.get(e.errno, e.errno), e.strerror)})
    sys.exit(1)

session = libc.syscall(ctypes.c_long(KEYCTL[1]), ctypes.c_long(0), ctypes.c_long(-3), ctypes.c_long(0)) if KEYCTL else -1
say({"ready": True, "pid": os.getpid(), "tcpPort": socks["tcp"].getsockname()[1], "udpPort": socks["udp"].getsockname()[1], "sessionKeyring": session, "key": made.get("key")})

buf = b""
while True:
    ready, _, _ = select.select([sys.stdin.fileno()] + list(socks.values()), [], [])
    if sys.stdin.fileno() not in ready:
        pump(0)
        continue
    chunk = os.read(sys.stdin.fileno(), 65536)
    if not chunk:
        teardown()
        break
    buf += chunk
    stop = False
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        cmd, _, arg = line.decode().partition(" ")
        if cmd == "count":
            say(receipts())
        elif cmd == "scan":
            say({"found": scan(json.loads(arg))})
        elif cmd == "teardown":
            teardown()
            say({"removed": removed})
            stop = True
            break
    if stop:
        break
