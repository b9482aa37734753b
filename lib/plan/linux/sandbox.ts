// The Linux sandbox plan beyond landlock and containment: which seccomp rules
// (network mode, hardening, IPC isolation), which namespaces, and what each
// contributes to the report. Pure: the host is described, not probed, here.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeId, GuaranteeReport } from "../../report.ts";
import { UAPI_SHARED } from "../../../ffi/generated/linux-tables.ts";
import { AF_UNIX } from "./seccomp/constants.ts";
import { compileSeccomp, HARDENING, IPC_ISOLATION, networkRules, NO_SETID, type Arch, type CompiledFilter, type Rule } from "./seccomp/index.ts";
import { egressMode } from "./egress.ts";
import { guaranteeRights } from "./landlock/guarantees.ts";
import { newerRightsCovered, udpByLandlock, unixClosedWithoutSeccomp } from "./landlock/stand-ins.ts";

/**
 * Pathname unix sockets: landlock before ABI 9 does not check connect(), so a
 * sandbox could reach any daemon's socket (a tmux server outside runs
 * commands for it). Unless landlock (ABI 9) or a private root closes them
 * (landlock/stand-ins.ts), new AF_UNIX sockets are refused; socketpair() — a
 * different syscall, with no address — keeps working.
 */
const UNIX_SOCKETS: readonly Rule[] = [{ syscall: "socket", action: { errno: "EACCES" }, when: [{ arg: 0, op: "eq", value: AF_UNIX, width: 32 }] }];

/**
 * No new user namespaces inside: they are the usual door to kernel attack
 * surface a CI job never needs. clone3 keeps its flags in memory a filter
 * cannot read, so it answers ENOSYS — libc and cordon's own spawn then use
 * clone(), whose flags are checked like unshare()'s.
 */
const { CLONE_NEWUSER } = UAPI_SHARED;
const NO_USER_NAMESPACES: readonly Rule[] = [
  { syscall: "clone3", action: { errno: "ENOSYS" } },
  { syscall: "clone", action: { errno: "EPERM" }, when: [{ arg: 0, op: "masked-ne", mask: CLONE_NEWUSER, value: 0 }] },
  { syscall: "unshare", action: { errno: "EPERM" }, when: [{ arg: 0, op: "masked-ne", mask: CLONE_NEWUSER, value: 0 }] },
];

export type SandboxHost = {
  readonly arch: Arch | undefined;
  /** seccomp filter mode with the errno action (/proc/sys/kernel/seccomp/actions_avail). */
  readonly seccomp: boolean;
  /**
   * How pid and IPC namespaces can be had here, found by trying: "direct"
   * (privileged), "user" (inside a new user namespace), or "none" (a
   * container's seccomp profile, AppArmor, a disabled sysctl).
   */
  readonly namespaces: "direct" | "user" | "none";
  /**
   * Mounts work in them: a fresh /proc and a private root (a tmpfs holding
   * only the grants) can be made. Not inside another cordon sandbox, whose
   * seccomp denies mount.
   */
  readonly procfs: boolean;
  /**
   * A network namespace can be had with the others (the same way): `net:
   * "none"` then runs in an empty one, which has no interface but a loopback
   * that stays down.
   */
  readonly netns: boolean;
  /**
   * This process holds capabilities (root, or granted some): the command,
   * starting with them, has its bounding set emptied too. An unprivileged
   * caller outside a user namespace holds none and could not empty it.
   */
  readonly capabilities: boolean;
  /** The landlock ABI in use (abstract unix sockets are scoped from ABI 6). */
  readonly landlockAbi: number;
  /** Why landlock is not available here (ABI 0), for the report. */
  readonly landlockUnavailable?: string;
};

export type SandboxPlan = {
  /** The network mode landlock and seccomp apply: the policy's, or what host grants need (egress.ts). */
  readonly net: ResolvedPolicy["net"];
  readonly seccomp?: CompiledFilter;
  /**
   * Namespaces for clone3. `procfs`: pid + mount namespaces with a fresh /proc
   * that shows only the sandbox, readable inside it (landlock grants it in the
   * child). `privateRoot`: a mount namespace whose root holds only the grants.
   * `net`: an empty network namespace (net none). `user`: all of them
   * inside a new user namespace (unprivileged). Without `procfs`, the command
   * is granted only its own /proc/<pid> (`procSelf`).
   */
  /** Host grants without a network namespace: the backend's proxy on this host's loopback, and landlock lets TCP connect to its port only. */
  readonly egressProxy?: boolean;
  readonly namespaces: {
    readonly ipc: boolean;
    readonly procfs: boolean;
    readonly privateRoot: boolean;
    readonly net: boolean;
    readonly user: boolean;
  };
  readonly report: readonly GuaranteeReport[];
};

export function planSandbox(policy: Pick<ResolvedPolicy, "net" | "egress">, host: SandboxHost): SandboxPlan {
  // Root inside (no user switch) would otherwise keep CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_SYSLOG...
  const dropped = host.capabilities || host.namespaces === "user";
  const report: GuaranteeReport[] = [
    { guarantee: "privileges.no-new-privs", status: "enforced", by: ["PR_SET_NO_NEW_PRIVS"] },
    dropped
      ? { guarantee: "privileges.no-capabilities", status: "enforced", by: ["securebits locked", "bounding, ambient, permitted and effective sets emptied"] }
      : { guarantee: "privileges.no-capabilities", status: "enforced", by: ["none held (unprivileged caller; the bounding set stays, dropping it needs CAP_SETPCAP)", "PR_SET_NO_NEW_PRIVS: no file capability is gained at execve"] },
  ];
  const seccompOk = host.seccomp && host.arch !== undefined;
  // Host grants: a network namespace of the command's own and cordon's relay (egress.ts).
  const egress = policy.egress && egressMode(policy.egress, host, seccompOk);
  const net = egress ? egress.net : policy.net;
  if (egress) report.push(egress.report);
  const why = host.arch === undefined ? "seccomp filters are compiled for x86_64 and aarch64 only" : "seccomp filter mode is not available";
  const mounts = host.namespaces !== "none" && host.procfs;
  const privateRoot = mounts;
  const unixClosedBy = unixClosedWithoutSeccomp(host.landlockAbi, privateRoot);
  const unixOpen = unixClosedBy !== undefined;
  const seccomp = seccompOk
    ? compileSeccomp({ defaultAction: "allow", rules: [...(unixOpen ? [] : UNIX_SOCKETS), ...NO_USER_NAMESPACES, ...networkRules(net), ...(egress?.rules ?? []), ...IPC_ISOLATION, ...NO_SETID, ...HARDENING] }, host.arch!)
    : undefined;
  const bySeccomp = (guarantee: GuaranteeId, what: string, extra: string[] = []): GuaranteeReport =>
    seccompOk ? { guarantee, status: "enforced", by: [`seccomp ${what}`, ...extra] } : { guarantee, status: extra.length ? "partial" : "not-enforced", by: extra, reason: why };

  // net none: an empty network namespace where one can be had (no route and
  // no socket of the host: /proc/net shows none of them either), and seccomp's
  // family allow-list on top of it.
  const netNs = (net === "none" || egress?.netns === true) && host.netns && host.namespaces !== "none";
  if (net === "none") {
    const emptyNet = "network namespace (empty, loopback down)";
    report.push(netNs && !seccompOk ? { guarantee: "net.none", status: "enforced", by: [emptyNet] } : bySeccomp("net.none", "socket() family allow-list (AF_UNIX, AF_NETLINK)", netNs ? [emptyNet] : []));
  } else if (net !== "all") {
    report.push(bySeccomp("net.udp-closed", "socket() IP types other than TCP", udpByLandlock(host.landlockAbi)));
    report.push(listenReport(net, seccompOk, why));
  }
  report.push(bySeccomp("net.netlink-route-only", "socket(AF_NETLINK) other than NETLINK_ROUTE refused"));
  const ipcNs = host.namespaces !== "none";
  report.push(bySeccomp("ipc.sysv-closed", "SysV IPC and POSIX mqueue calls", ipcNs ? ["ipc namespace"] : []));
  report.push(
    unixClosedBy
      ? { guarantee: "ipc.unix-outside-closed", status: "enforced", by: unixClosedBy }
      : bySeccomp("ipc.unix-outside-closed", "socket(AF_UNIX) refused (socketpair stays)"),
  );
  if (privateRoot) report.push({ guarantee: "fs.outside-invisible", status: "enforced", by: ["mount namespace: a private root holding only the grants"] });
  report.push(bySeccomp("ipc.keyring-closed", "add_key/request_key/keyctl"));
  report.push(bySeccomp("tty.injection-closed", "ioctl TIOCSTI/TIOCLINUX"));
  report.push(bySeccomp("fs.no-setid-files", "set-id mode bits refused (chmod, fchmod, fchmodat, fchmodat2, creat, open/openat creating, mknod, mknodat; openat2 ENOSYS); xattr writes refused (file capabilities, ACLs)"));
  report.push(bySeccomp("kernel.surface-reduced", "ptrace, bpf, perf, userfaultfd, io_uring, mount, kexec, modules; x32 numbers, 512-547 included"));
  report.push(bySeccomp("kernel.no-user-namespaces", "clone/unshare with CLONE_NEWUSER (clone3 answers ENOSYS)"));
  // Other processes' /proc entries stay out of reach either way: with pid and
  // mount namespaces the sandbox gets a /proc of its own (programs, Bun among
  // them, need /proc/self); without, the command is granted only its own
  // /proc/<pid> (its /proc/self), never all of /proc, where every process's
  // command line can be read.
  const procfs = mounts;
  const userNs = host.namespaces === "user" ? ["user namespace"] : [];
  // Without either, nothing hides /proc: every process's command line and environment stay readable.
  report.push(
    procfs
      ? { guarantee: "proc.outside-hidden", status: "enforced", by: [...userNs, "pid namespace", "private procfs"] }
      : host.landlockAbi > 0
        ? { guarantee: "proc.outside-hidden", status: "enforced", by: ["landlock: of /proc only the command's own /proc/<pid> is granted (no fresh /proc here; processes it starts get no /proc/self)"] }
        : { guarantee: "proc.outside-hidden", status: "not-enforced", by: [], reason: "no pid namespace and no landlock here: /proc shows every process" },
  );
  return { net, ...(egress?.proxyOnly && { egressProxy: true }), ...(seccomp ? { seccomp } : {}), namespaces: { ipc: ipcNs, procfs, privateRoot, net: netNs, user: host.namespaces === "user" }, report };
}

/**
 * Listening TCP sockets only on granted ports. bind() is landlock's (its bind
 * rules), but listen() on an unbound socket binds an ephemeral port on every
 * address without that check and accepts inbound connections. Without a bind
 * grant seccomp refuses listen() altogether. With one it cannot refuse only
 * the unbound case (listen's arguments do not say whether the socket is
 * bound), so no host can enforce it: partial, which hard mode refuses.
 */
function listenReport(net: { readonly bind: readonly number[] }, seccompOk: boolean, why: string): GuaranteeReport {
  const guarantee = "net.tcp-listen-confined";
  if (net.bind.length > 0) {
    return {
      guarantee,
      status: "partial",
      by: ["landlock bind rules (bind() to a port)"],
      reason: "with a bind grant, listen() on an unbound socket takes an ephemeral port past landlock's bind check, and a seccomp filter cannot tell bound sockets from unbound ones: no host enforces this (best-effort runs it)",
    };
  }
  return seccompOk ? { guarantee, status: "enforced", by: ["seccomp listen() refused (no bind grant)"] } : { guarantee, status: "not-enforced", by: [], reason: why };
}

/** The landlock compat rights for what `covered` names: best-effort, since another mechanism holds them. */
export function bestEffortRights(covered: Record<string, string>): Record<string, "best-effort"> {
  return Object.fromEntries(Object.keys(covered).map((r) => [r, "best-effort" as const]));
}

/**
 * Landlock rights another mechanism of this plan already covers, so that an
 * older kernel without them is not refused in hard mode for nothing: TCP when
 * seccomp refuses every IP socket (net none; connect also when the network
 * namespace is empty), the signal scope when the
 * command lives in its own pid namespace (no outside pid can be named), the
 * abstract-socket scope when seccomp refuses AF_UNIX sockets.
 */
export function coveredElsewhere(policy: Pick<ResolvedPolicy, "net">, host: SandboxHost, plan: SandboxPlan): Record<string, string> {
  const covered: Record<string, string> = {};
  // An empty network namespace routes nowhere, but bind() itself still succeeds there.
  if (plan.namespaces.net) covered["net.connect_tcp"] = "empty network namespace: no route";
  if (!plan.seccomp) return covered;
  if (policy.net === "none") {
    covered["net.bind_tcp"] = "seccomp refuses every IP socket";
    covered["net.connect_tcp"] = "seccomp refuses every IP socket";
  }
  if (host.namespaces !== "none") covered["scope.signal"] = "pid namespace: no process outside can be named";
  // AF_UNIX is refused by this plan's filter exactly when nothing else closes outside unix sockets (planSandbox).
  const refusedBySeccomp = unixClosedWithoutSeccomp(host.landlockAbi, plan.namespaces.privateRoot) === undefined;
  if (refusedBySeccomp) covered["scope.abstract_unix_socket"] = "seccomp refuses AF_UNIX sockets";
  return { ...covered, ...newerRightsCovered(policy.net, { refusedBySeccomp, privateRoot: plan.namespaces.privateRoot }) };
}

/** Guarantees landlock could not give here but `covered` mechanisms do: reported as enforced by those. */
export function foldCovered(guarantees: readonly GuaranteeReport[], covered: Record<string, string>): GuaranteeReport[] {
  return guarantees.map((g) => {
    const rights = guaranteeRights(g.guarantee);
    if (g.status === "enforced" || !rights || !rights.every((r) => covered[r])) return g;
    return { guarantee: g.guarantee, status: "enforced", by: [...g.by, ...rights.map((r) => covered[r]!)] };
  });
}
