# The inside probe, named IPC: the supervisor's SysV segment, queue and
# semaphore, a SysV segment left behind, POSIX message queues and shm.
#
# Part of the inside probe (see inside.py, whose cfg, nonce, libc, attempt and
# helpers it uses); probe-source.ts joins the parts into one program.


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
