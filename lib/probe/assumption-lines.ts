// Which assumption (a "- " line of docs/assumptions/*.md, each naming the
// tests behind it) stands behind a guarantee a planner reports, per OS: a
// phrase that appears in exactly one such line. Quoting the line, not its
// number, keeps docs/security-model.md stable while those files grow;
// test/unit/security-model.test.ts checks that every phrase is found once.
import type { GuaranteeId } from "../guarantees/registry.ts";
import type { Os } from "./described.ts";

export const ASSUMPTION_DOCS: Readonly<Record<Os, readonly string[]>> = {
  linux: ["docs/assumptions/linux.md", "docs/assumptions/linux-landlock.md", "docs/assumptions/linux-seccomp.md", "docs/assumptions/linux-cgroups.md", "docs/assumptions/linux-audit.md"],
  windows: ["docs/assumptions/windows.md"],
  darwin: ["docs/assumptions/macos.md"],
  freebsd: ["docs/assumptions/freebsd.md"],
  openbsd: ["docs/assumptions/openbsd.md"],
};

type Phrases = Readonly<Partial<Record<GuaranteeId, string>>>;

const sysvKeysIoctl = "SysV shm/msg/sem, POSIX mqueues, keyrings, io_uring";
const linuxRlimits = "RLIMIT_CORE is 0 always; RLIMIT_NOFILE and RLIMIT_FSIZE";
const macRlimits = "`RLIMIT_CPU` is per process (`partial`)";
const windowsNoQuota = "Windows has no caller-set per-process handle quota";
const capsicumExec = "Capability mode allows exec only through `fexecve`";
const jails = "Jails (`jail(2)`/`jail_attach`";

export const ASSUMPTION_PHRASES: Readonly<Record<Os, Phrases>> = {
  linux: {
    "fs.read-confined": "Reads and directory listings outside every grant fail",
    "fs.write-confined": "Writes, creation and open-for-write outside every grant fail",
    "fs.exec-confined": "execve of a binary outside every grant fails",
    "fs.outside-invisible": "a tmpfs pivoted to `/` and holding only bind mounts of the grants",
    "fs.ioctl-dev-confined": "IOCTL_DEV (ABI 5) is checked on devices opened after the restriction",
    "net.none": "seccomp `socket()` family allow-list (AF_UNIX, AF_NETLINK)",
    "net.tcp-connect-confined": "With CONNECT_TCP handled (ABI 4)",
    "net.tcp-bind-confined": "With BIND_TCP handled, bind to a port without a rule fails",
    "net.udp-closed": "A TCP socket is socket(AF_INET/AF_INET6, SOCK_STREAM, 0 or IPPROTO_TCP)",
    "net.udp-bind-confined": "UDP bind and connect-send (ABI 10) are handled with no rule",
    "net.udp-send-confined": "They report as their own guarantees (`ipc.unix-path-confined`",
    "ipc.sysv-closed": sysvKeysIoctl,
    "ipc.keyring-closed": sysvKeysIoctl,
    "kernel.surface-reduced": sysvKeysIoctl,
    "tty.injection-closed": "A `TIOCSTI` request with a NULL pointer fails",
    "net.netlink-route-only": "A netlink family is socket(AF_NETLINK, *, protocol) with protocol an int",
    "fs.no-setid-files": "A set-id bit reaches a file only through a mode argument a filter can read",
    "kernel.no-user-namespaces": "and `clone()` with CLONE_NEWUSER in their flags are refused",
    "ipc.unix-outside-closed": "Landlock before ABI 9 does not check `connect()` on pathname unix sockets",
    "ipc.abstract-unix-scoped": "LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (ABI 6)",
    "ipc.unix-path-confined": "RESOLVE_UNIX (ABI 9) is checked on `connect()`",
    "ipc.signal-scoped": "LANDLOCK_SCOPE_SIGNAL (ABI 6)",
    "proc.outside-hidden": "the command is pid 1 and `/proc` lists only its namespace",
    "privileges.no-new-privs": "drop every group and cannot be undone, with no_new_privs set",
    "privileges.no-capabilities": "Capabilities: securebits locked before the bounding",
    "tree.kill": "cgroup v2 `cgroup.kill` kills a 100-process tree",
    "limits.memory": "memory: touching more than the limit is an OOM kill",
    "limits.pids": "pids: fork fails with EAGAIN once `pids.max` is reached",
    "limits.cpuSeconds": "CPU seconds: the whole tree's CPU time (cgroup) passing the limit",
    "limits.timeoutMs": "wall clock: the whole tree is killed",
    "limits.openFiles": linuxRlimits,
    "limits.fileSize": linuxRlimits,
  },
  windows: {
    "fs.read-confined": "An AppContainer child (package SID granted read on one directory",
    "fs.write-confined": "The policy's grants confine the command's files (AppContainer + DACL grants)",
    "net.none": "The AppContainer is the identity with and without elevation",
    "net.tcp-connect-confined": "Ports: elevated, the AppContainer gets the network capabilities and WFP filters",
    "net.tcp-bind-confined": "Ports: elevated, the AppContainer gets the network capabilities and WFP filters",
    "net.udp-closed": "Ports: elevated, the AppContainer gets the network capabilities and WFP filters",
    "identity.account": "NetUserAdd creates a standard account",
    "tree.kill": "Grandchildren join the job by default",
    "tree.exit": "The tree is not finished while a descendant outlives the command",
    "ui.confined": "The job's limits, UI restrictions, CPU cap",
    "limits.cpuRate": "The job's limits, UI restrictions, CPU cap",
    "limits.memory": "`JOB_OBJECT_LIMIT_JOB_MEMORY` makes an allocation past the job's limit fail",
    "limits.pids": "`JOB_OBJECT_LIMIT_ACTIVE_PROCESS` makes a second process creation fail",
    "limits.cpuSeconds": "CPU seconds map to `JOB_OBJECT_LIMIT_JOB_TIME`",
    "limits.timeoutMs": "The plan's timeout ends the whole tree",
    "limits.openFiles": windowsNoQuota,
    "limits.fileSize": windowsNoQuota,
    "handles.listed-only": "With `PROC_THREAD_ATTRIBUTE_HANDLE_LIST`, an inheritable handle left off the list",
    "proc.mitigations": "Mitigation policies given at creation are in force in the child",
  },
  darwin: {
    "fs.read-confined": "A read outside every grant fails, a read inside succeeds",
    "fs.write-confined": "A write outside every grant fails, a write inside succeeds",
    "fs.exec-confined": "Nothing can be executed without a grant",
    "net.none": "`net: \"none\"` allows no network operation",
    "net.tcp-connect-confined": "`net: \"none\"` allows no network operation",
    "net.tcp-bind-confined": "`net: \"none\"` allows no network operation",
    "ipc.signal-scoped": "Signals reach only processes of the same sandbox",
    "tree.kill": "**Limit: orphans escape the process group.**",
    "limits.timeoutMs": "Workaround for the deadline: with `user` set",
    "limits.memory": "**Limit: `RLIMIT_AS` is not enforced**",
    "limits.pids": "**Limit: `RLIMIT_NPROC` counts every process of the real uid**",
    "limits.cpuSeconds": macRlimits,
    "limits.openFiles": macRlimits,
    "limits.fileSize": macRlimits,
  },
  freebsd: {
    "fs.read-confined": capsicumExec,
    "fs.write-confined": capsicumExec,
    "fs.exec-confined": capsicumExec,
    "ipc.signal-scoped": jails,
    "net.none": jails,
    "net.tcp-connect-confined": jails,
    "net.tcp-bind-confined": jails,
    "tree.kill": "`tree.kill` and `limits.timeoutMs` are therefore `enforced`",
    "limits.timeoutMs": "`tree.kill` and `limits.timeoutMs` are therefore `enforced`",
    "limits.memory": "`RLIMIT_AS` (= `RLIMIT_VMEM`) is enforced per process",
    "limits.pids": "`RLIMIT_NPROC` counts per real uid, as on macOS",
  },
  openbsd: {
    "fs.read-confined": "Read grants are unveiled `rx`, write grants `rwxc`",
    "fs.write-confined": "Read grants are unveiled `rx`, write grants `rwxc`",
    "fs.exec-confined": "**execve drops the unveil list unless execpromises are set**",
    "net.none": "pledge has no port filter",
    "net.tcp-connect-confined": "pledge has no port filter",
    "net.tcp-bind-confined": "pledge has no port filter",
    "ipc.signal-scoped": "The `proc` promise that fork needs also lets a process signal",
    "tree.kill": "The `proc` promise that fork needs also lets a process signal",
    "limits.memory": "OpenBSD has no `RLIMIT_AS`; `RLIMIT_DATA` bounds each process's heap",
  },
};

/** Document path → its lines. */
export type AssumptionDocs = ReadonlyMap<string, readonly string[]>;

export type Assumption = {
  readonly doc: string;
  /** The phrase that locates the line. */
  readonly quote: string;
  /** 1-based line number, when the documents were at hand. */
  readonly line?: number;
};

/** The assumption line behind guarantee `id` on `os`, or undefined when no assumption names it. */
export function assumptionFor(os: Os, id: GuaranteeId, docs: AssumptionDocs): Assumption | undefined {
  const quote = ASSUMPTION_PHRASES[os][id];
  if (quote === undefined) return undefined;
  for (const doc of ASSUMPTION_DOCS[os]) {
    const i = (docs.get(doc) ?? []).findIndex((l) => l.startsWith("- ") && l.includes(quote));
    if (i >= 0) return { doc, quote, line: i + 1 };
  }
  // Without the documents (an installed package) the phrase still says where to look.
  return { doc: ASSUMPTION_DOCS[os].join(" or "), quote };
}
