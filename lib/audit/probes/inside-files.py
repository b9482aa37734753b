# The inside probe, files: creating in shared, outside and granted directories,
# reading an outside canary, metadata and flock on canaries, inotify and
# fanotify marks outside every grant, /proc/self and cgroup knobs.
#
# Part of the inside probe (see inside.py, whose cfg, nonce, libc, attempt and
# helpers it uses); probe-source.ts joins the parts into one program.


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
