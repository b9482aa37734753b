# The inside probe, global counters and listings (kallsyms, loadavg, key-users,
# SysV and unix socket tables) and what the command inherits (fds, env names).
#
# Part of the inside probe (see inside.py, whose cfg, nonce, libc, attempt and
# helpers it uses); probe-source.ts joins the parts into one program.


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
