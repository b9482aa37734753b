// The channels `cordon audit` checks on Linux: one row per way a sandboxed
// process could reach state outside its grants or leave state behind. Each
// names its class, whether what it reaches persists, the outside counter that
// proves a receipt (two-sided rows), what blocks it in cordon's default
// sandbox (by the errno observed) and what would close it when it is open.
// Pure data; the inside probe (probes/inside*.py, host-state.py) uses the same ids.
import { by, type Blocker } from "./blocker.ts";

/** F files, M metadata, N named IPC, K keyrings, O other processes, T terminal, X kernel facilities, G global counters, I inherited. */
export type ChannelClass = "F" | "M" | "N" | "K" | "O" | "T" | "X" | "G" | "I";

/** Outside counters the supervisor keeps (canaries.ts); a two-sided row is reachable only if its counter moved. */
export type ReceiptKey =
  | "unixStream"
  | "unixDgram"
  | "abstract"
  | "tcp"
  | "udp"
  | "shm"
  | "msg"
  | "sem"
  | "mq"
  | "found";

export type Channel = {
  readonly id: string;
  readonly os: "linux" | "win32" | "darwin";
  readonly class: ChannelClass;
  readonly title: string;
  /** Whether the state it reaches outlives the sandbox. */
  readonly persistent: boolean;
  /** The outside counter that must move for "reachable". */
  readonly receipt?: ReceiptKey;
  /** Reachable on purpose (the private TMPDIR, a write grant, socketpair, route queries). */
  readonly byDesign?: boolean;
  /** Which mechanism an errno (or a cause the probe names) points to when the row is blocked. */
  readonly blockedBy: Readonly<Record<string, Blocker>>;
  /** What would close the channel where it is open. */
  readonly closeWith: string;
  /** Tried by the supervisor itself rather than by the inside probe (the report-file rows). */
  readonly side?: "host";
};

import { darwinChannels, windowsChannels } from "./channels-other.ts";
import { hostStateChannels } from "./channels-host.ts";

const SC_IPC = "seccomp (ipc-isolation preset)";
const SC_HARD = "seccomp (hardening preset)";
const LL_FS = "landlock (no rule for this path)";
const SC_UNIX = "seccomp (socket(AF_UNIX) refused)";
const SC_NET = "seccomp (no-network socket() allow-list)";
const PIDNS = "pid namespace with a private /proc";
const SC_XATTR = "seccomp (xattr writes refused: file capabilities, ACLs)";

const ch = (c: Omit<Channel, "os">): Channel => ({ os: "linux", ...c });

export const linuxChannels: readonly Channel[] = [
  ch({ id: "fs.tmp", class: "F", title: "create a file in /tmp", persistent: true, receipt: "found", blockedBy: { EACCES: by(LL_FS, "landlock"), EROFS: by("read-only mount", "mount-namespace") }, closeWith: "landlock write rules (no rule for /tmp)" }),
  ch({ id: "fs.var_tmp", class: "F", title: "create a file in /var/tmp", persistent: true, receipt: "found", blockedBy: { EACCES: by(LL_FS, "landlock"), EROFS: by("read-only mount", "mount-namespace") }, closeWith: "landlock write rules" }),
  ch({ id: "fs.dev_shm", class: "F", title: "create a file in /dev/shm", persistent: true, receipt: "found", blockedBy: { EACCES: by(LL_FS, "landlock") }, closeWith: "landlock write rules; /dev granted file by file" }),
  ch({ id: "fs.home", class: "F", title: "create a file in $HOME", persistent: true, receipt: "found", blockedBy: { EACCES: by(LL_FS, "landlock") }, closeWith: "landlock write rules" }),
  ch({ id: "fs.outside.create", class: "F", title: "create a file in a directory outside every grant", persistent: true, receipt: "found", blockedBy: { EACCES: by(LL_FS, "landlock") }, closeWith: "landlock write rules" }),
  ch({ id: "fs.outside.read", class: "F", title: "read a file outside every grant", persistent: false, blockedBy: { EACCES: by(LL_FS, "landlock") }, closeWith: "landlock read rules" }),
  ch({ id: "fs.tmpdir.private", class: "F", title: "write the sandbox's private TMPDIR", persistent: false, byDesign: true, blockedBy: { EACCES: by(LL_FS, "landlock") }, closeWith: "by design: cordon removes it after exit" }),
  ch({ id: "fs.write-grant", class: "F", title: "create a file beneath a write grant", persistent: true, byDesign: true, receipt: "found", blockedBy: { EACCES: by(LL_FS, "landlock") }, closeWith: "by design: the policy grants it" }),
  ch({ id: "fs.meta.chmod.outside", class: "M", title: "chmod a file outside every grant", persistent: true, blockedBy: { EACCES: by("landlock path walk (no rule for the directory)", "landlock") }, closeWith: "landlock metadata rights (proposed ABI 13) or seccomp on path-based chmod" }),
  ch({ id: "fs.meta.chmod.read-granted", class: "M", title: "chmod a file granted read-only", persistent: true, blockedBy: { EPERM: by("seccomp", "seccomp"), EROFS: by("read-only bind mount", "mount-namespace") }, closeWith: "landlock metadata rights (proposed ABI 13), a read-only bind mount, or a different uid owning the file" }),
  ch({ id: "fs.meta.utimes.outside", class: "M", title: "set the times of a file outside every grant", persistent: true, blockedBy: { EACCES: by("landlock path walk (no rule for the directory)", "landlock") }, closeWith: "landlock metadata rights (proposed ABI 13)" }),
  ch({ id: "fs.meta.utimes.read-granted", class: "M", title: "set the times of a file granted read-only", persistent: true, blockedBy: { EPERM: by("seccomp", "seccomp"), EROFS: by("read-only bind mount", "mount-namespace") }, closeWith: "landlock metadata rights (proposed ABI 13), a read-only bind mount, or a different uid owning the file" }),
  ch({ id: "fs.meta.xattr.outside", class: "M", title: "set a user.* xattr on a file outside every grant", persistent: true, blockedBy: { EACCES: by("landlock path walk (no rule for the directory)", "landlock"), ENOTSUP: by(SC_XATTR, "seccomp", "capabilities") }, closeWith: "landlock metadata rights (proposed ABI 13)" }),
  ch({ id: "fs.meta.xattr.read-granted", class: "M", title: "set a user.* xattr on a file granted read-only", persistent: true, blockedBy: { EPERM: by("seccomp", "seccomp"), EROFS: by("read-only bind mount", "mount-namespace"), ENOTSUP: by(SC_XATTR, "seccomp", "capabilities") }, closeWith: "landlock metadata rights (proposed ABI 13), a read-only bind mount, or a different uid owning the file" }),
  ch({ id: "fs.flock.read-granted", class: "M", title: "take an exclusive flock on a file granted read-only", persistent: false, blockedBy: { EPERM: by("seccomp", "seccomp") }, closeWith: "nothing practical (seccomp cannot tell files apart); a private copy of the file" }),
  ch({ id: "fs.notify.inotify", class: "F", title: "inotify watch on a directory outside every grant", persistent: false, blockedBy: { EACCES: by("landlock path walk", "landlock"), EPERM: by("seccomp", "seccomp") }, closeWith: "seccomp deny of inotify_init*, or a mount namespace that hides the path" }),
  ch({ id: "fs.notify.fanotify", class: "F", title: "fanotify mark on a directory outside every grant", persistent: false, blockedBy: { EPERM: by("no CAP_SYS_ADMIN / seccomp", "seccomp", "capabilities"), EACCES: by("landlock path walk", "landlock"), EINVAL: by("kernel without FAN_REPORT_FID", "kernel") }, closeWith: "seccomp deny of fanotify_init, or dropping CAP_SYS_ADMIN" }),
  ch({ id: "fs.proc.self", class: "F", title: "open /proc/self knobs for writing", persistent: false, blockedBy: { EACCES: by("landlock (/proc granted read-only)", "landlock") }, closeWith: "landlock: /proc read-only" }),
  ch({ id: "fs.sys.cgroup", class: "F", title: "open its own cgroup.procs for writing", persistent: true, blockedBy: { EACCES: by("landlock (/sys not granted)", "landlock") }, closeWith: "landlock: /sys not granted" }),
  ch({ id: "ipc.sysv.shm", class: "N", title: "attach and write a SysV shm segment created outside", persistent: true, receipt: "shm", blockedBy: { EPERM: by(SC_IPC, "seccomp"), ENOENT: by("IPC namespace (key not there)", "ipc-namespace") }, closeWith: "IPC namespace or seccomp deny of shm*" }),
  ch({ id: "ipc.sysv.msg", class: "N", title: "send to a SysV message queue created outside", persistent: true, receipt: "msg", blockedBy: { EPERM: by(SC_IPC, "seccomp"), ENOENT: by("IPC namespace (key not there)", "ipc-namespace") }, closeWith: "IPC namespace or seccomp deny of msg*" }),
  ch({ id: "ipc.sysv.sem", class: "N", title: "change a SysV semaphore created outside", persistent: true, receipt: "sem", blockedBy: { EPERM: by(SC_IPC, "seccomp"), ENOENT: by("IPC namespace (key not there)", "ipc-namespace") }, closeWith: "IPC namespace or seccomp deny of sem*" }),
  ch({ id: "ipc.sysv.persist", class: "N", title: "create a SysV segment that outlives the sandbox", persistent: true, receipt: "found", blockedBy: { EPERM: by(SC_IPC, "seccomp") }, closeWith: "IPC namespace (objects die with it) or seccomp deny of shmget" }),
  ch({ id: "ipc.posix.mq", class: "N", title: "send to a POSIX message queue created outside", persistent: true, receipt: "mq", blockedBy: { EPERM: by(SC_IPC, "seccomp"), EACCES: by("landlock (mqueue fs)", "landlock"), ENOENT: by("IPC namespace (queue not there)", "ipc-namespace") }, closeWith: "IPC namespace or seccomp deny of mq_*" }),
  ch({ id: "ipc.posix.mq.create", class: "N", title: "create a POSIX message queue", persistent: true, blockedBy: { EPERM: by(SC_IPC, "seccomp"), EACCES: by("landlock (mqueue fs; the queue may still be created)", "landlock") }, closeWith: "IPC namespace or seccomp deny of mq_*" }),
  ch({ id: "ipc.posix.shm", class: "N", title: "open a POSIX shm object created outside", persistent: true, blockedBy: { EACCES: by("landlock (/dev/shm not granted)", "landlock") }, closeWith: "landlock: /dev granted file by file" }),
  ch({ id: "sock.unix.path.stream", class: "N", title: "connect to a pathname unix socket outside (a daemon's)", persistent: false, receipt: "unixStream", blockedBy: { EACCES: by(SC_UNIX, "seccomp") }, closeWith: "seccomp deny of socket(AF_UNIX), landlock RESOLVE_UNIX (ABI 9) or a mount namespace" }),
  ch({ id: "sock.unix.path.dgram", class: "N", title: "send a datagram to a pathname unix socket outside", persistent: false, receipt: "unixDgram", blockedBy: { EACCES: by(SC_UNIX, "seccomp") }, closeWith: "seccomp deny of socket(AF_UNIX), landlock RESOLVE_UNIX (ABI 9) or a mount namespace" }),
  ch({ id: "sock.unix.abstract.connect", class: "N", title: "connect to an abstract unix socket outside", persistent: false, receipt: "abstract", blockedBy: { EACCES: by(SC_UNIX, "seccomp"), EPERM: by("landlock abstract-socket scope", "landlock"), ECONNREFUSED: by("network namespace", "network-namespace") }, closeWith: "landlock abstract-socket scope (ABI 6) or a network namespace" }),
  ch({ id: "sock.unix.abstract.bind", class: "N", title: "bind an abstract unix name (squatting)", persistent: false, blockedBy: { EACCES: by(SC_UNIX, "seccomp") }, closeWith: "seccomp deny of socket(AF_UNIX) or a network namespace" }),
  ch({ id: "sock.unix.pair", class: "N", title: "socketpair inside the sandbox", persistent: false, byDesign: true, blockedBy: { EPERM: by("seccomp", "seccomp") }, closeWith: "by design: a pair connects only its own two ends" }),
  ch({ id: "net.tcp", class: "N", title: "TCP connect to a loopback listener outside", persistent: false, receipt: "tcp", blockedBy: { EACCES: by(`${SC_NET} or landlock TCP rules`, "landlock", "seccomp"), ECONNREFUSED: by("network namespace", "network-namespace"), ENETUNREACH: by("network namespace", "network-namespace") }, closeWith: "landlock TCP rules, seccomp, or a network namespace" }),
  ch({ id: "net.udp.send", class: "N", title: "UDP datagram to a loopback listener outside", persistent: false, receipt: "udp", blockedBy: { EACCES: by(SC_NET, "seccomp"), ENETUNREACH: by("network namespace", "network-namespace") }, closeWith: "seccomp deny of UDP sockets or a network namespace" }),
  ch({ id: "net.udp.bind", class: "N", title: "bind a UDP port", persistent: false, blockedBy: { EACCES: by(SC_NET, "seccomp") }, closeWith: "seccomp deny of UDP sockets or a network namespace" }),
  ch({ id: "net.netlink.route", class: "G", title: "list the host's network interfaces over netlink", persistent: false, byDesign: true, blockedBy: { EACCES: by("seccomp (AF_NETLINK refused)", "seccomp") }, closeWith: "a network namespace (kept open: name resolution asks for interfaces)" }),
  ch({ id: "net.netlink.sock_diag", class: "G", title: "list every unix socket of the host over sock_diag", persistent: false, blockedBy: { EACCES: by(`${SC_IPC}: NETLINK_SOCK_DIAG refused`, "seccomp") }, closeWith: "seccomp deny of NETLINK_SOCK_DIAG or a network namespace" }),
  ch({ id: "key.user.search", class: "K", title: "find a key planted in the user keyring outside", persistent: true, blockedBy: { EPERM: by(`${SC_HARD}: keyctl`, "seccomp"), ENOKEY: by("user namespace (own @u)", "user-namespace") }, closeWith: "seccomp deny of keyctl/add_key/request_key" }),
  ch({ id: "key.user.add", class: "K", title: "add a key to the user keyring", persistent: true, blockedBy: { EPERM: by(`${SC_HARD}: add_key`, "seccomp") }, closeWith: "seccomp deny of add_key" }),
  ch({ id: "key.session", class: "K", title: "share the session keyring with the caller", persistent: true, blockedBy: { EPERM: by(`${SC_HARD}: keyctl`, "seccomp") }, closeWith: "seccomp deny of keyctl, or a fresh session keyring" }),
  ch({ id: "proc.list", class: "O", title: "list the host's processes in /proc", persistent: false, blockedBy: { EACCES: by("landlock (/proc not granted)", "landlock") }, closeWith: PIDNS }),
  ch({ id: "proc.other.cmdline", class: "O", title: "read an outside process's cmdline", persistent: false, blockedBy: { ENOENT: by(PIDNS, "pid-namespace"), EACCES: by("landlock (/proc not granted)", "landlock") }, closeWith: PIDNS }),
  ch({ id: "sig.other", class: "O", title: "probe an outside process with kill(pid, 0)", persistent: false, blockedBy: { ESRCH: by("pid namespace", "pid-namespace"), EPERM: by("landlock signal scope", "landlock") }, closeWith: "landlock signal scope (ABI 6) or a pid namespace" }),
  ch({ id: "tty.tiocsti", class: "T", title: "push input into the controlling terminal (TIOCSTI)", persistent: true, blockedBy: { EPERM: by(`${SC_IPC}: ioctl TIOCSTI`, "seccomp"), EIO: by("setsid (not the controlling terminal)", "process-group") }, closeWith: "seccomp deny of TIOCSTI/TIOCLINUX and setsid; dev.tty.legacy_tiocsti=0 on the host" }),
  ch({ id: "kern.io_uring", class: "X", title: "set up io_uring (its operations bypass seccomp)", persistent: false, blockedBy: { ENOSYS: by("seccomp (io_uring denied)", "seccomp"), EPERM: by("kernel.io_uring_disabled", "kernel") }, closeWith: "seccomp deny of io_uring_*, or kernel.io_uring_disabled=2" }),
  ch({ id: "kern.userfaultfd", class: "X", title: "userfaultfd with UFFD_USER_MODE_ONLY", persistent: false, blockedBy: { EPERM: by(`${SC_HARD}: userfaultfd`, "seccomp") }, closeWith: "seccomp deny of userfaultfd" }),
  ch({ id: "kern.perf", class: "X", title: "perf_event_open on itself", persistent: false, blockedBy: { EPERM: by(`${SC_HARD}: perf_event_open`, "seccomp"), EACCES: by("kernel.perf_event_paranoid", "kernel") }, closeWith: "seccomp deny of perf_event_open" }),
  ch({ id: "kern.bpf", class: "X", title: "load a BPF program", persistent: false, blockedBy: { EPERM: by(`${SC_HARD}: bpf (or kernel.unprivileged_bpf_disabled)`, "seccomp", "kernel") }, closeWith: "seccomp deny of bpf; kernel.unprivileged_bpf_disabled" }),
  ch({ id: "kern.mount", class: "X", title: "reach mount() past its permission checks", persistent: true, blockedBy: { EPERM: by(`${SC_HARD}: mount`, "seccomp") }, closeWith: "seccomp deny of mount and the new mount API" }),
  ch({ id: "kern.userns", class: "X", title: "create a user namespace", persistent: false, blockedBy: { EPERM: by("seccomp or user.max_user_namespaces", "seccomp", "kernel"), ENOSPC: by("user.max_user_namespaces", "kernel"), EINVAL: by("nested too deep", "kernel") }, closeWith: "seccomp deny of unshare/clone with CLONE_NEWUSER, or user.max_user_namespaces=0" }),
  ch({ id: "mem.memfd.exec", class: "X", title: "execute an in-memory copy of a binary (memfd)", persistent: false, blockedBy: { EACCES: by("landlock execute rules", "landlock"), EPERM: by("seccomp", "seccomp") }, closeWith: "vm.memfd_noexec=2 on the host, or seccomp deny of memfd_create/execveat" }),
  ch({ id: "uts.sethostname", class: "G", title: "set the hostname (to its current value)", persistent: true, blockedBy: { EPERM: by("capabilities dropped (no CAP_SYS_ADMIN), or seccomp", "seccomp", "capabilities") }, closeWith: "a UTS namespace, seccomp deny of sethostname, or running as a non-root uid" }),
  ch({ id: "kern.kallsyms", class: "X", title: "read kernel symbol addresses (/proc/kallsyms)", persistent: false, blockedBy: { EACCES: by("landlock (/proc not granted)", "landlock") }, closeWith: "kernel.kptr_restrict=2 on the host (addresses read as zero), or a /proc that hides kallsyms" }),
  ch({ id: "g.loadavg", class: "G", title: "read host-wide load and task counts (/proc/loadavg)", persistent: false, blockedBy: { EACCES: by("landlock (/proc not granted)", "landlock") }, closeWith: "nothing practical: the counters are global (a VM per job)" }),
  ch({ id: "g.key-users", class: "G", title: "read per-uid key usage (/proc/key-users)", persistent: false, blockedBy: { EACCES: by("landlock (/proc not granted)", "landlock"), ENOENT: by("kernel without keys", "kernel") }, closeWith: "nothing practical: the key quota is per uid across namespaces" }),
  ch({ id: "g.sysvipc", class: "G", title: "see outside SysV objects in /proc/sysvipc", persistent: false, blockedBy: { EACCES: by("landlock (/proc not granted)", "landlock") }, closeWith: "an IPC namespace" }),
  ch({ id: "g.net.unix", class: "G", title: "see the host's unix socket paths in /proc/net/unix", persistent: false, blockedBy: { EACCES: by("landlock (/proc not granted)", "landlock") }, closeWith: "a network namespace" }),
  ch({ id: "inherit.fds", class: "I", title: "inherit open file descriptors from the caller", persistent: false, blockedBy: {}, closeWith: "close_range before exec" }),
  ch({ id: "inherit.env", class: "I", title: "inherit secret-looking environment variables", persistent: false, blockedBy: {}, closeWith: "the default environment (the base set; secret-looking names pass only when named exactly), or inheritEnv: false" }),
  ...hostStateChannels,
];

/** The channels of an OS: probed on Linux; listed, with what closes them, on Windows and macOS. */
export function channelsFor(os: string): readonly Channel[] {
  if (os === "linux") return linuxChannels;
  if (os === "win32") return windowsChannels;
  if (os === "darwin") return darwinChannels;
  return [];
}
