// What the Linux native spawn applies in the child, between clone3 and execve,
// with raw syscalls only. Every other Linux mechanism fills one of these slots;
// the order of application in the child is fixed (zig/src/linux/spawn_child.zig,
// documented in ffi/include/cordon_linux_spawn.h).

export type Stdio = "inherit" | "pipe" | "ignore" | number;

export type Rlimit = { readonly resource: number; readonly soft: number; readonly hard: number };

export type LinuxSpawnOptions = {
  /** Full environment of the child (nothing is inherited implicitly). */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly stdin?: Stdio;
  readonly stdout?: Stdio;
  readonly stderr?: Stdio;
  /** Parent fds passed to the child at the given numbers (>= 3). */
  readonly extraFds?: readonly { readonly child: number; readonly parent: number }[];
  /** Resolve argv[0] against PATH of `env` (default true). */
  readonly searchPath?: boolean;
  /** The file to execve, when the caller looked it up itself; argv[0] stays as given. */
  readonly file?: string;
  /** setsid() in the child: own session and process group (default true). */
  readonly newSession?: boolean;
  /** PR_SET_NO_NEW_PRIVS (default true; required by seccomp and landlock unprivileged). */
  readonly noNewPrivs?: boolean;
  /** Lock securebits and empty every capability set (bounding and ambient before the id switch), so uid 0 inside holds no privilege. */
  readonly dropCapabilities?: boolean;
  /** PR_SET_PDEATHSIG signal (default SIGKILL; 0 disables). */
  readonly parentDeathSignal?: number;
  readonly rlimits?: readonly Rlimit[];
  /** setgroups([]) + setresgid + setresuid in the child (where setgroups is denied, a nested user namespace, only a caller with no supplementary groups). */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** CLONE_NEW* flags given to clone3 (user namespaces: see `userNamespace`). */
  readonly cloneNamespaces?: number;
  /** With CLONE_NEWNS|CLONE_NEWPID: private mount propagation and a fresh /proc showing only the sandbox. */
  readonly mountProc?: boolean;
  /**
   * Without mountProc, with landlock.procAccess: those rights beneath the
   * child's own /proc/<pid> only, which is /proc/self for the command (it
   * keeps its pid across execve) but not for anything it starts.
   */
  readonly procSelf?: boolean;
  /**
   * With CLONE_NEWNS: the child's root becomes a tmpfs holding only these
   * paths (parents first): host directories and files bind-mounted at the same
   * path, symlinks recreated, empty directories made. Everything else is gone.
   */
  readonly privateRoot?: readonly import("../../../ffi/linux-spawn.ts").ViewEntry[];
  /**
   * With CLONE_NEWPID: run the command under this cordon-init (pid 1 of the
   * namespace: it reaps orphans and passes signals on, which a command that is
   * pid 1 itself does not). The child starts the command, then execs
   * cordon-init to adopt it; exec errors still arrive as typed errors.
   */
  readonly init?: string;
  /**
   * Instead of CLONE_NEWNET (and never with userNamespace): the network
   * namespace the child joins first, an fd of this process naming a fresh one
   * (netns-pool.ts). The spawn fails (setns, EINVAL) if it is no network namespace.
   */
  readonly joinNetns?: number;
  /** With CLONE_NEWNET or joinNetns: bring the namespace's loopback up (otherwise even 127.0.0.1 is unreachable). */
  readonly loopback?: boolean;
  /** With `loopback`, or with joinNetns of a namespace whose lo is up already (netns-pool.ts): addresses on lo and sockets made in the new namespace, sent on `netns.channel` (the egress relay's). */
  readonly netns?: import("../../../ffi/linux-spawn.ts").NetnsSetup;
  /** clone3 with CLONE_NEWUSER; the child maps `uid`/`gid` inside to the caller's ids (works unprivileged). */
  readonly userNamespace?: { readonly uid: number; readonly gid: number };
  /** cgroup2 directory fd: the child is born in it (clone3 CLONE_INTO_CGROUP). */
  readonly cgroupFd?: number;
  /** fds of cgroup.procs files (v1 hierarchies) the child writes "0" to, joining them before exec. */
  readonly cgroupProcsFds?: readonly number[];
  /**
   * A landlock ruleset fd built in the parent; the child calls landlock_restrict_self(fd, flags).
   * `procAccess` (with mountProc): rights the child grants beneath its fresh /proc first
   * (with procSelf: beneath its own /proc/<pid>);
   * `rootAccess` (with privateRoot): beneath the view's own root.
   */
  readonly landlock?: { readonly rulesetFd: number; readonly restrictFlags: number; readonly procAccess?: number; readonly rootAccess?: number };
  /** A classic BPF program (struct sock_filter[], 8 bytes each, host byte order) for seccomp(SET_MODE_FILTER). */
  readonly seccomp?: { readonly filter: Uint8Array; readonly flags: number };
  /** With seccomp: the filter gets a listener, sent over this socket before execve to a supervisor already serving it (cordon_linux_notify_watch). */
  readonly notifySock?: number;
  /** With init: no command yet; cordon-init waits on this socket (its end) for one (lib/backend/linux/warm.ts). */
  readonly warm?: number;
  /** Wall-clock limit in ms; then `killSignal` (default SIGKILL) is sent through the pidfd. */
  readonly timeout?: number;
  readonly killSignal?: number;
};
