// Named rule sets. Each is a deny-list meant for a policy whose default is
// "allow"; the reason for every entry is next to it (docs/assumptions/linux-seccomp.md
// names the test that checks each). Errnos: EACCES for socket(), the one
// socket(2) documents for "not permitted to create a socket of this type";
// ENOSYS for io_uring, which programs probe and fall back from; EPERM otherwise.
import {
  AF_INET,
  AF_INET6,
  AF_NETLINK,
  AF_UNIX,
  IPPROTO_TCP,
  NETLINK_ROUTE,
  SOCK_STREAM,
  SOCK_TYPE_MASK,
  TIOCLINUX,
  TIOCSTI,
} from "./constants.ts";
import type { Action, ArgCondition, Rule } from "./policy.ts";
import { NO_SETID } from "./setid.ts";

const EPERM: Action = { errno: "EPERM" };
const EACCES: Action = { errno: "EACCES" };
const ENOSYS: Action = { errno: "ENOSYS" };

function deny(names: readonly string[], action: Action = EPERM): Rule[] {
  return names.map((syscall) => ({ syscall, action }));
}

// socket(domain, type, protocol): all three are `int` to the kernel, so only the low half counts.
const domain = (op: "eq" | "ne", value: number): ArgCondition => ({ arg: 0, op, value, width: 32 });
const protocol = (op: "eq" | "ne", value: number): ArgCondition => ({ arg: 2, op, value, width: 32 });
const typeIsNot = (value: number): ArgCondition => ({ arg: 1, op: "masked-ne", mask: SOCK_TYPE_MASK, value, width: 32 });

/** io_uring submits socket, connect, openat... as ring operations that no syscall filter sees. */
const IO_URING = deny(["io_uring_setup", "io_uring_enter", "io_uring_register"], ENOSYS);

/**
 * No IP networking: socket() only for AF_UNIX and AF_NETLINK (route queries
 * such as getaddrinfo's AI_ADDRCONFIG need it; changing routes needs
 * CAP_NET_ADMIN). An allow-list of families, so AF_INET/AF_INET6 of every type
 * (TCP, UDP, raw, SCTP) and the other ways off the machine (AF_PACKET,
 * AF_VSOCK, AF_BLUETOOTH...) are all refused. io_uring is closed because its
 * IORING_OP_SOCKET creates sockets without socket().
 */
export const NO_NETWORK: readonly Rule[] = [
  { syscall: "socket", action: EACCES, when: [domain("ne", AF_UNIX), domain("ne", AF_NETLINK)] },
  ...IO_URING,
];

/**
 * TCP only (for the port allow-list mode, whose ports landlock checks):
 * AF_INET/AF_INET6 sockets only of type SOCK_STREAM with protocol 0 or
 * IPPROTO_TCP. UDP, raw and packet sockets are refused, and so are SCTP and
 * MPTCP stream sockets, which landlock's TCP rules do not cover. Other
 * families as in NO_NETWORK.
 */
export const TCP_ONLY: readonly Rule[] = [
  { syscall: "socket", action: EACCES, when: [domain("ne", AF_UNIX), domain("ne", AF_NETLINK), domain("ne", AF_INET), domain("ne", AF_INET6)] },
  ...[AF_INET, AF_INET6].flatMap((family): Rule[] => [
    { syscall: "socket", action: EACCES, when: [domain("eq", family), typeIsNot(SOCK_STREAM)] },
    { syscall: "socket", action: EACCES, when: [domain("eq", family), protocol("ne", 0), protocol("ne", IPPROTO_TCP)] },
  ]),
  ...IO_URING,
];

/**
 * No listening sockets, for the port allow-list mode without a bind grant:
 * listen() on an unbound TCP socket binds it to an ephemeral port on every
 * address without the bind hook landlock checks, and then accepts inbound
 * connections. listen() shows no address family, so AF_UNIX servers are
 * refused too (a bind grant lifts this).
 */
export const NO_LISTEN: readonly Rule[] = [{ syscall: "listen", action: EACCES }];

/** Kernel facilities a CI job never needs and that widen the attack surface or reach other processes. */
export const HARDENING: readonly Rule[] = [
  // Reading and writing other processes' memory and registers.
  ...deny(["ptrace", "process_vm_readv", "process_vm_writev"]),
  // Loading programs into the kernel; kernel and hardware event counters.
  ...deny(["bpf", "perf_event_open"]),
  // Page-fault handling in user space: the classic tool for widening kernel race windows.
  ...deny(["userfaultfd"]),
  // Kernel keyrings outlive the process and are shared per user and session.
  ...deny(["add_key", "request_key", "keyctl"]),
  // Replacing the kernel, loading modules.
  ...deny(["kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module"]),
  // Mount table changes (possible inside a user namespace the job creates).
  ...deny([
    "mount", "umount2", "pivot_root", "move_mount", "open_tree", "open_tree_attr",
    "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
  ]),
  ...IO_URING,
  // Machine administration: swap, reboot, process accounting, quotas, the clock, the kernel log.
  ...deny(["swapon", "swapoff", "reboot", "acct", "quotactl", "quotactl_fd", "settimeofday", "clock_settime", "syslog"]),
  // Opening files by handle bypasses path checks (the "shocker" container escape).
  ...deny(["open_by_handle_at"]),
  // x86 port I/O and a.out loading (x86_64 only; dropped on aarch64). vhangup hangs up the shared terminal.
  ...deny(["iopl", "ioperm", "uselib", "vhangup"]),
];

/** Channels between the sandbox and the rest of the machine that landlock leaves open. */
export const IPC_ISOLATION: readonly Rule[] = [
  // SysV IPC objects are machine-wide (per IPC namespace) and persist after exit.
  ...deny(["shmget", "shmat", "shmctl", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semctl"]),
  // POSIX message queues likewise, including deleting someone else's.
  ...deny(["mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr"]),
  ...deny(["add_key", "request_key", "keyctl"]),
  // Typing into the controlling terminal; the request is `unsigned int`, so compare the low half only.
  { syscall: "ioctl", action: EPERM, when: [{ arg: 1, op: "eq", value: TIOCSTI, width: 32 }] },
  { syscall: "ioctl", action: EPERM, when: [{ arg: 1, op: "eq", value: TIOCLINUX, width: 32 }] },
  ...IO_URING,
  ...deny(["userfaultfd", "perf_event_open", "bpf"]),
  // Netlink route only (getaddrinfo's AI_ADDRCONFIG, interface lists; changes
  // need CAP_NET_ADMIN). The other families are host channels: sock_diag lists
  // every socket with peers and owners, KOBJECT_UEVENT the host's device events,
  // AUDIT, XFRM, NETFILTER, CONNECTOR (process events), GENERIC (taskstats...).
  { syscall: "socket", action: EACCES, when: [domain("eq", AF_NETLINK), protocol("ne", NETLINK_ROUTE)] },
];

export const PRESETS = {
  "no-network": NO_NETWORK,
  "tcp-only": TCP_ONLY,
  hardening: HARDENING,
  "ipc-isolation": IPC_ISOLATION,
  "no-listen": NO_LISTEN,
  "no-setid": NO_SETID,
} as const satisfies Record<string, readonly Rule[]>;

export type PresetName = keyof typeof PRESETS;

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(name: unknown): name is PresetName {
  return typeof name === "string" && Object.hasOwn(PRESETS, name);
}

/**
 * Rules for a network mode: `none` → no-network, a port list → tcp-only (and
 * no-listen unless it grants a bind), `all` → nothing.
 */
export function networkRules(net: "none" | "all" | { readonly connect?: readonly number[]; readonly bind?: readonly number[] }): readonly Rule[] {
  if (net === "none") return NO_NETWORK;
  if (net === "all") return [];
  return net.bind?.length ? TCP_ONLY : [...NO_LISTEN, ...TCP_ONLY];
}
