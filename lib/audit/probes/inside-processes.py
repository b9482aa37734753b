# The inside probe, processes and the terminal: /proc listing, an outside
# process's cmdline, kill(pid, 0), TIOCSTI.
#
# Part of the inside probe (see inside.py, whose cfg, nonce, libc, attempt and
# helpers it uses); probe-source.ts joins the parts into one program.


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
