// Runs a python3 op list in a child whose only confinement is a compiled
// seccomp filter (installed by the spawn spine after no_new_privs), and
// returns each op's outcome: "ok" or the errno name it failed with. Raw
// syscalls go through libc's syscall(3) with the numbers of this arch, so the
// filter sees exactly the arguments given (high halves included).
import { existsSync, readFileSync } from "node:fs";
import { SYSCALLS_AARCH64, SYSCALLS_X86_64 } from "../../ffi/generated/linux-tables.ts";
import type { Arch } from "../../lib/plan/linux/seccomp/index.ts";

export const PYTHON = "/usr/bin/python3";

export const hostArch: Arch | undefined = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : undefined;

/** Why the kernel tests cannot run here, or undefined. */
export function seccompUnmet(): string | undefined {
  if (process.platform !== "linux") return undefined; // linuxRequirement reports the OS itself
  if (!hostArch) return `seccomp filters are compiled for x86_64 and aarch64, this is ${process.arch}`;
  if (!existsSync(PYTHON)) return `${PYTHON} (the fixture) is missing`;
  try {
    const actions = readFileSync("/proc/sys/kernel/seccomp/actions_avail", "utf8");
    if (!/\berrno\b/.test(actions) || !/\bkill_process\b/.test(actions)) return `seccomp actions_avail lacks errno or kill_process: ${actions.trim()}`;
  } catch {
    return "no /proc/sys/kernel/seccomp/actions_avail: kernel without seccomp filters";
  }
  return undefined;
}

const OPS = String.raw`
import ctypes, errno, json, os, socket, stat, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR = json.loads(sys.argv[2])
U64 = (1 << 64) - 1
def call(nr, *args):
    conv = [a if isinstance(a, ctypes.Array) or a is None else ctypes.c_ulong(a & U64) for a in args]
    r = libc.syscall(ctypes.c_long(nr), *conv)
    if r == -1:
        e = ctypes.get_errno(); raise OSError(e, os.strerror(e))
    return r
def sys_(name, *args): return call(NR[name], *args)
def closing(fd): os.close(fd)
def sock(family, type_, proto=0): closing(sys_("socket", family, type_, proto))
def pair():
    a, b = socket.socketpair(); a.sendall(b"x"); assert b.recv(1) == b"x"; a.close(); b.close()
def files():
    path = "/tmp/cordon-seccomp-%d" % os.getpid()
    with open(path, "w") as f: f.write("data")
    with open(path) as f: assert f.read() == "data"
    os.unlink(path)
def shm():
    i = sys_("shmget", 0, 4096, 0o600); sys_("shmctl", i, 0, 0)
def msg():
    i = sys_("msgget", 0, 0o600); sys_("msgctl", i, 0, 0)
def sem():
    i = sys_("semget", 0, 1, 0o600); sys_("semctl", i, 0, 0)
def mq():
    name = ctypes.create_string_buffer(b"cordon-seccomp-%d" % os.getpid())
    closing(sys_("mq_open", name, os.O_CREAT | os.O_RDWR | os.O_EXCL, 0o600, 0)); sys_("mq_unlink", name)
def mq_unlink():
    sys_("mq_unlink", ctypes.create_string_buffer(b"cordon-seccomp-absent"))
def uring(): closing(sys_("io_uring_setup", 4, ctypes.create_string_buffer(120)))
def bpf(): sys_("bpf", 0, ctypes.create_string_buffer(128), 128)
def perf(): closing(sys_("perf_event_open", ctypes.create_string_buffer(128), 0, -1, -1, 0))
def uffd(): closing(sys_("userfaultfd", os.O_CLOEXEC))
def keyctl(): sys_("keyctl", 0, -3, 0)  # KEYCTL_GET_KEYRING_ID of the session keyring
def request_key(): sys_("request_key", ctypes.create_string_buffer(b"user"), ctypes.create_string_buffer(b"cordon-absent"), None, 0)
def ptrace(): sys_("ptrace", 2, os.getpid(), 0, 0)  # PTRACE_PEEKDATA on ourselves: ESRCH if allowed
def mount(): sys_("mount", None, None, None, 0, None)
def vm_read(): sys_("process_vm_readv", os.getpid(), None, 0, None, 0, 0)
def ioctl(req):
    r, w = os.pipe()
    try: sys_("ioctl", r, req, ctypes.create_string_buffer(8))
    finally: os.close(r); os.close(w)
made = []
def fresh():
    path = "/tmp/cordon-seccomp-%d-%d" % (os.getpid(), len(made)); made.append(path); return path
def existing():
    path = fresh(); os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644)); return path
def c(path): return ctypes.create_string_buffer(path.encode())
def applied(path, mode):
    # "ok" only if the kernel really set the bits asked for.
    got = stat.S_IMODE(os.lstat(path).st_mode)
    if got & 0o7000 != mode & 0o7000: raise OSError(errno.EBADE, "mode %o, asked %o" % (got, mode))
def chmod_(mode): p = existing(); sys_("chmod", c(p), mode); applied(p, mode)
def fchmod_(mode):
    p = existing(); fd = os.open(p, os.O_RDONLY)
    try: sys_("fchmod", fd, mode)
    finally: os.close(fd)
    applied(p, mode)
def fchmodat_(mode): p = existing(); sys_("fchmodat", -100, c(p), mode); applied(p, mode)
def fchmodat2_(mode): p = existing(); sys_("fchmodat2", -100, c(p), mode, 0); applied(p, mode)
def creat_(mode): p = fresh(); closing(sys_("creat", c(p), mode)); applied(p, mode)
def openat_(flags, mode):
    p = fresh() if flags & os.O_CREAT else existing(); closing(sys_("openat", -100, c(p), flags, mode))
    if flags & os.O_CREAT: applied(p, mode)
def tmpfile_(mode): closing(sys_("openat", -100, c("/tmp"), os.O_TMPFILE | os.O_RDWR, mode))
def mknodat_(mode): p = fresh(); sys_("mknodat", -100, c(p), stat.S_IFREG | mode, 0); applied(p, mode)
def openat2_():
    how = ctypes.create_string_buffer(struct.pack("QQQ", os.O_RDONLY | os.O_CLOEXEC, 0, 0), 24)
    closing(sys_("openat2", -100, c("/tmp"), how, 24))
def setxattr_(name):
    p = existing(); sys_("setxattr", c(p), c(name), ctypes.create_string_buffer(b"\x01\x00\x00\x02" + b"\x00" * 16, 20), 20, 0)
def fsetxattr_(name):
    fd = os.open(existing(), os.O_RDONLY)
    try: sys_("fsetxattr", fd, c(name), ctypes.create_string_buffer(b"1"), 1, 0)
    finally: os.close(fd)
def xattr_read():
    p = existing(); os.listxattr(p)
    try: os.getxattr(p, "user.cordon-absent")
    except OSError as e:
        if e.errno != errno.ENODATA: raise
def listen_():
    s = socket.socket()
    try: sys_("listen", s.fileno(), 1)
    finally: s.close()
def netlink_bind(proto, groups):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
    try: s.bind((0, groups))
    finally: s.close()
def getppid(*args): sys_("getppid", *args)
def raw(nr, *args): call(nr, *args)
ops = {
    "socket": sock, "socketpair": pair, "files": files, "shm": shm, "msg": msg, "sem": sem, "mq": mq,
    "mq_unlink": mq_unlink, "io_uring": uring, "bpf": bpf, "perf": perf, "userfaultfd": uffd,
    "keyctl": keyctl, "request_key": request_key, "ptrace": ptrace, "mount": mount, "process_vm_readv": vm_read,
    "ioctl": ioctl, "getppid": getppid, "raw": raw,
    "chmod": chmod_, "fchmod": fchmod_, "fchmodat": fchmodat_, "fchmodat2": fchmodat2_, "creat": creat_, "openat": openat_,
    "tmpfile": tmpfile_, "mknodat": mknodat_, "openat2": openat2_, "setxattr": setxattr_, "fsetxattr": fsetxattr_,
    "xattr_read": xattr_read, "listen": listen_, "netlink_bind": netlink_bind,
}
out = []
for op, *args in json.loads(sys.argv[1]):
    try:
        ops[op](*args); out.append("ok")
    except OSError as e:
        out.append(errno.errorcode.get(e.errno, str(e.errno)))
    sys.stdout.flush()
for path in made:
    try: os.unlink(path)
    except FileNotFoundError: pass
print(json.dumps(out))
`;

export type Op = [string, ...(number | string)[]];

export type Outcome = { readonly results: string[]; readonly code: number; readonly signal: string | number | null; readonly stderr: string };

/** Runs `ops` in a child with `filter` installed (none if undefined). */
export async function underFilter(ops: readonly Op[], filter: Uint8Array | undefined): Promise<Outcome> {
  const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
  const table = hostArch === "aarch64" ? SYSCALLS_AARCH64 : SYSCALLS_X86_64;
  const proc = spawnLinux([PYTHON, "-c", OPS, JSON.stringify(ops), JSON.stringify(table)], {
    env: { PATH: "/usr/bin:/bin" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    ...(filter ? { seccomp: { filter, flags: 0 } } : {}),
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout as ReadableStream).text(),
    new Response(proc.stderr as ReadableStream).text(),
    proc.exited,
  ]);
  const results = code === 0 ? (JSON.parse(stdout) as string[]) : [];
  return { results, code, signal: proc.signalCode, stderr };
}
