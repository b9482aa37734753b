// Every guarantee id a plan reports (lib/report.ts GuaranteeReport.guarantee),
// as data: its family, what it means when reported enforced, and which
// aspects of the properties P01-P24 (./properties.ts) it covers. The marks of
// `cordon probe` and docs/security-model.md are computed from this table
// (./marks.ts). A guarantee holds for the whole process tree: the command and
// everything it starts, whatever they try.
//
// A plan reporting an id missing here fails test/unit/guarantee-registry.test.ts,
// which names the id to add.
import type { AspectOf, PropertyId } from "./properties.ts";

export type Family = "fs" | "net" | "ipc" | "proc" | "privileges" | "kernel" | "tty" | "tree" | "limits" | "handles" | "ui" | "identity";

/** Aspects per property; the type checks each aspect name against its property. */
export type Links = { readonly [P in PropertyId]?: readonly AspectOf<P>[] };

export type GuaranteeInfo = {
  readonly family: Family;
  /** What holds when a plan reports it enforced, in one line. */
  readonly meaning: string;
  /** Aspects it covers fully when enforced. */
  readonly covers: Links;
  /** Aspects it covers only in part: they count as partial at most, however it is enforced. */
  readonly partly?: Links;
};

/** Confinement that holds for every descendant, which nothing inside can lift (P08). */
const TREE_WIDE = { P08: ["inherited and irremovable"] } as const;

export const GUARANTEES = {
  "fs.read-confined": {
    family: "fs",
    meaning: "files, directories and device nodes outside the grants cannot be read or listed",
    covers: { P01: ["read"], P18: ["device read"], ...TREE_WIDE },
  },
  "fs.no-setid-files": {
    family: "fs",
    meaning: "no set-uid or set-gid file and no file capability can be made (nothing planted for others to run with more privilege)",
    covers: {},
    partly: { P06: ["privileges"] },
  },
  "fs.deny-confined": {
    family: "fs",
    meaning: "beneath the grants, a denied read is neither read nor written and a denied write is not written (deny wins)",
    covers: {},
    partly: { P01: ["read", "write"] },
  },
  "fs.protected-paths": {
    family: "fs",
    meaning: "inside write grants a repository's hooks and config stay read-only unless granted by their own path",
    covers: {},
    partly: { P01: ["write"] },
  },
  "fs.write-confined": {
    family: "fs",
    meaning: "nothing outside the write grants can be written, created, removed, renamed or linked",
    covers: { P01: ["write"], P18: ["device write"], ...TREE_WIDE },
  },
  "fs.exec-confined": {
    family: "fs",
    meaning: "only files beneath the grants can be executed",
    covers: { P01: ["execute"], ...TREE_WIDE },
  },
  "fs.outside-invisible": {
    family: "fs",
    meaning: "the file tree holds only the grants: nothing else can even be named",
    covers: { P01: ["read", "write", "execute"], P18: ["device read", "device write"], P21: ["files"] },
  },
  "fs.ioctl-dev-confined": {
    family: "fs",
    meaning: "device ioctls are refused on device files unless a write grant covers them",
    covers: {},
    partly: { P07: ["per-handle rights"] },
  },
  "net.none": {
    family: "net",
    meaning: "no IP networking at all: TCP, UDP and raw sockets, v4 and v6",
    covers: { P02: ["tcp connect", "tcp bind", "udp bind", "udp send", "other sockets"], ...TREE_WIDE },
  },
  "net.hosts-only": {
    family: "net",
    meaning: "IP traffic leaves only to the granted hosts and ports, relayed by cordon to the address resolved for that connect (this host's own and loopback, link-local and metadata addresses only where named); lookups are answered by cordon for granted names only and never forwarded; no other TCP, no UDP and no raw packet leaves",
    covers: { P02: ["tcp connect", "udp send", "other sockets"], ...TREE_WIDE },
  },
  "net.tcp-connect-confined": {
    family: "net",
    meaning: "TCP connects only to the granted ports",
    covers: { P02: ["tcp connect"] },
  },
  "net.tcp-bind-confined": {
    family: "net",
    meaning: "TCP binds only to the granted ports",
    covers: { P02: ["tcp bind"] },
  },
  "net.tcp-listen-confined": {
    family: "net",
    meaning: "listen() cannot open an ungranted port (on an unbound socket the kernel would bind one itself)",
    covers: {},
    partly: { P02: ["tcp bind"] },
  },
  "net.netlink-route-only": {
    family: "net",
    meaning: "netlink sockets other than NETLINK_ROUTE (uevent, audit, xfrm, netfilter, connector, generic...) cannot be opened",
    covers: {},
    partly: { P03: ["system services"], P20: ["system call allow-list"] },
  },
  "net.udp-closed": {
    family: "net",
    meaning: "no IP socket other than TCP can be made (UDP, raw, SCTP...)",
    covers: { P02: ["udp bind", "udp send", "other sockets"] },
  },
  "net.udp-bind-confined": {
    family: "net",
    meaning: "no UDP port can be bound",
    covers: { P02: ["udp bind"] },
  },
  "net.udp-send-confined": {
    family: "net",
    meaning: "no UDP datagram can be sent to an address (connect or sendto)",
    covers: { P02: ["udp send"] },
  },
  "ipc.sysv-closed": {
    family: "ipc",
    meaning: "System V IPC and POSIX message queues of the host cannot be reached",
    covers: { P03: ["System V and POSIX IPC"], P21: ["IPC objects"] },
  },
  "ipc.unix-outside-closed": {
    family: "ipc",
    meaning: "unix sockets made outside the sandbox (pathname or abstract) cannot be connected to",
    covers: { P03: ["pathname sockets", "abstract sockets", "system services"] },
    partly: { P24: ["descriptors passed in"] },
  },
  "ipc.abstract-unix-scoped": {
    family: "ipc",
    meaning: "abstract unix sockets made outside the sandbox cannot be connected to",
    covers: { P03: ["abstract sockets"] },
  },
  "ipc.unix-path-confined": {
    family: "ipc",
    meaning: "pathname unix sockets can be connected to only beneath the grants",
    covers: { P03: ["pathname sockets", "system services"] },
    partly: { P24: ["descriptors passed in"] },
  },
  "ipc.signal-scoped": {
    family: "ipc",
    meaning: "signals reach only processes of the sandbox",
    covers: { P04: ["signals"] },
  },
  "ipc.keyring-closed": {
    family: "ipc",
    meaning: "the kernel keyrings (the caller's keys) cannot be used or changed",
    covers: {},
    partly: { P06: ["ambient identity"] },
  },
  "proc.outside-hidden": {
    family: "proc",
    meaning: "processes outside the sandbox cannot be listed or inspected",
    covers: { P05: ["other processes hidden"], P21: ["process ids"] },
  },
  "proc.mitigations": {
    family: "proc",
    meaning: "process mitigation policies are set at creation (win32k lockdown, code integrity...)",
    covers: {},
    partly: { P20: ["system call allow-list"] },
  },
  "proc.no-children": {
    family: "proc",
    meaning: "the command cannot create any process",
    covers: { P13: ["processes"] },
  },
  "privileges.no-new-privs": {
    family: "privileges",
    meaning: "nothing executed gains privilege (set-id bits and file capabilities have no effect)",
    covers: { P06: ["privileges"] },
  },
  "privileges.no-capabilities": {
    family: "privileges",
    meaning: "no capability is held or can be regained, root included",
    covers: { P06: ["privileges"] },
  },
  "kernel.surface-reduced": {
    family: "kernel",
    meaning: "system calls a CI command never needs are refused (ptrace, bpf, perf, io_uring, mount, kexec, modules...)",
    covers: { P20: ["system call allow-list"], P04: ["debugging and memory access"] },
  },
  "kernel.no-user-namespaces": {
    family: "kernel",
    meaning: "no new user namespace can be made (the usual door to more kernel surface)",
    covers: {},
    partly: { P20: ["system call allow-list"] },
  },
  "tty.injection-closed": {
    family: "tty",
    meaning: "no input can be pushed into a terminal (TIOCSTI, TIOCLINUX)",
    covers: { P06: ["terminal"] },
  },
  "tree.kill": {
    family: "tree",
    meaning: "every process of the tree is killed at the end, also those that left its session or group",
    covers: { P09: ["every descendant tracked"], P10: ["whole domain killed"] },
  },
  "tree.exit": {
    family: "tree",
    meaning: "the end of the whole tree is known (its last process), not only the command's",
    covers: { P09: ["every descendant tracked"] },
  },
  "limits.memory": {
    family: "limits",
    meaning: "the memory of the whole tree stays within the limit",
    covers: { P11: ["memory bound"] },
  },
  "limits.pids": {
    family: "limits",
    meaning: "the tree never has more live processes than the limit",
    covers: { P13: ["processes"] },
  },
  "limits.cpuSeconds": {
    family: "limits",
    meaning: "the tree is stopped once it used the CPU time given",
    covers: { P14: ["total CPU time"] },
  },
  "limits.cpuRate": {
    family: "limits",
    meaning: "the tree uses at most the given share of the CPUs at any time",
    covers: { P14: ["CPU per period"] },
  },
  "limits.timeoutMs": {
    family: "limits",
    meaning: "the whole tree is killed once the wall-clock limit passes",
    covers: { P10: ["whole domain killed"] },
  },
  "limits.openFiles": {
    family: "limits",
    meaning: "no process holds more open files than the limit (per process, not per tree)",
    covers: {},
    partly: { P13: ["open handles"] },
  },
  "limits.fileSize": {
    family: "limits",
    meaning: "no file is written past the size limit",
    covers: {},
  },
  "handles.listed-only": {
    family: "handles",
    meaning: "the command inherits only the handles listed (its stdio), nothing else of the caller's",
    covers: { P06: ["inherited handles"] },
  },
  "ui.confined": {
    family: "ui",
    meaning: "no access to the desktop, clipboard, global atoms or other processes' windows",
    covers: {},
    partly: { P06: ["ambient identity"] },
  },
  "identity.account": {
    family: "identity",
    meaning: "the tree runs as a dedicated account, not as the caller",
    covers: {},
    partly: { P06: ["ambient identity"] },
  },
} as const satisfies Record<string, GuaranteeInfo>;

export type GuaranteeId = keyof typeof GUARANTEES;

export function isGuaranteeId(id: string): id is GuaranteeId {
  return Object.hasOwn(GUARANTEES, id);
}

/** The registry entry of `id`, or undefined for an id nobody registered. */
export function guaranteeInfo(id: string): GuaranteeInfo | undefined {
  return isGuaranteeId(id) ? GUARANTEES[id] : undefined;
}

export const guaranteeIds = Object.keys(GUARANTEES) as GuaranteeId[];

/**
 * The mechanisms a plan's guarantees and the audit's verdicts name, as data:
 * which OS has it and what it is. A report row says in `by` how, in words;
 * code that must know which mechanism holds a guarantee asks the plan (or a
 * row's typed `mechanisms`), never the words.
 */
export const MECHANISMS = {
  landlock: { os: "linux", meaning: "landlock rulesets: file access, TCP ports and scopes per path, applied to the whole tree" },
  seccomp: { os: "linux", meaning: "a seccomp-bpf filter on system calls and their arguments" },
  "no-new-privs": { os: "linux", meaning: "PR_SET_NO_NEW_PRIVS: execve gains no privilege" },
  capabilities: { os: "linux", meaning: "capability sets emptied (or none held), securebits locked" },
  "mount-namespace": { os: "linux", meaning: "a mount namespace: a private root, read-only binds, a /dev of its own" },
  "pid-namespace": { os: "linux", meaning: "a pid namespace with a /proc of its own" },
  "ipc-namespace": { os: "linux", meaning: "an IPC namespace: SysV objects and POSIX queues of its own" },
  "network-namespace": { os: "linux", meaning: "a network namespace of its own (empty, or with cordon's relay)" },
  "user-namespace": { os: "linux", meaning: "a user namespace: ids mapped, capabilities only over its own namespaces" },
  cgroup: { os: "linux", meaning: "a cgroup per sandbox: limits, accounting, kill of the whole tree" },
  rlimit: { os: "unix", meaning: "setrlimit: per-process limits" },
  "process-group": { os: "unix", meaning: "a session and process group of the command's own" },
  timer: { os: "any", meaning: "cordon's wall-clock timer" },
  relay: { os: "any", meaning: "cordon's egress relay: every connection decided by the caller" },
  "file-permissions": { os: "unix", meaning: "the file's owner and mode bits, for the uid the tree runs as" },
  kernel: { os: "any", meaning: "the kernel itself: a feature missing, a knob set, a bit cleared" },
  cordon: { os: "any", meaning: "cordon's own handling outside the sandbox (the report file)" },
  seatbelt: { os: "darwin", meaning: "a Seatbelt (sandbox_init) profile" },
  pledge: { os: "openbsd", meaning: "pledge(2) promises" },
  unveil: { os: "openbsd", meaning: "unveil(2) paths" },
  capsicum: { os: "freebsd", meaning: "Capsicum capability mode" },
  racct: { os: "freebsd", meaning: "rctl/racct resource limits" },
  account: { os: "any", meaning: "a dedicated account the tree runs as" },
  appcontainer: { os: "win32", meaning: "an AppContainer: its own object namespace, ACLs, network isolation" },
  "integrity-level": { os: "win32", meaning: "low integrity level: no write up" },
  "job-object": { os: "win32", meaning: "a job object: limits, UI restrictions, kill of the whole tree" },
  "restricted-token": { os: "win32", meaning: "a restricted token" },
  dacl: { os: "win32", meaning: "discretionary ACLs on files, registry keys and objects" },
  wfp: { os: "win32", meaning: "Windows Filtering Platform filters" },
  tcc: { os: "darwin", meaning: "TCC: privacy consent attributed to the responsible process" },
} as const satisfies Record<string, { readonly os: "linux" | "unix" | "darwin" | "freebsd" | "openbsd" | "win32" | "any"; readonly meaning: string }>;

export type Mechanism = keyof typeof MECHANISMS;

export const mechanismIds = Object.keys(MECHANISMS) as Mechanism[];
