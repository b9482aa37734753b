# The inside probe, kernel facilities: io_uring, userfaultfd, perf, bpf, mount,
# user namespaces, memfd exec, sethostname.
#
# Part of the inside probe (see inside.py, whose cfg, nonce, libc, attempt and
# helpers it uses); probe-source.ts joins the parts into one program.


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
