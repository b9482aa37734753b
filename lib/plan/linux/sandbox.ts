// The Linux sandbox plan beyond landlock and containment: which seccomp rules
// (network mode, hardening, IPC isolation), which namespaces, and what each
// contributes to the report. Pure: the host is described, not probed, here.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { compileSeccomp, HARDENING, IPC_ISOLATION, networkRules, type Arch, type CompiledFilter } from "./seccomp/index.ts";

export type SandboxHost = {
  readonly arch: Arch | undefined;
  /** seccomp filter mode with the errno action (/proc/sys/kernel/seccomp/actions_avail). */
  readonly seccomp: boolean;
  /** The caller may create namespaces directly (root) — user namespaces are not needed for IPC/UTS. */
  readonly privileged: boolean;
};

export type SandboxPlan = {
  readonly seccomp?: CompiledFilter;
  /**
   * Namespaces for clone3. `procfs`: pid + mount namespaces with a fresh /proc
   * that shows only the sandbox, readable inside it (landlock grants it in the child).
   */
  readonly namespaces: { readonly ipc: boolean; readonly procfs: boolean };
  readonly report: readonly GuaranteeReport[];
};

export function planSandbox(policy: Pick<ResolvedPolicy, "net">, host: SandboxHost): SandboxPlan {
  const report: GuaranteeReport[] = [{ guarantee: "privileges.no-new-privs", status: "enforced", by: ["PR_SET_NO_NEW_PRIVS"] }];
  const net = policy.net;
  const seccompOk = host.seccomp && host.arch !== undefined;
  const why = host.arch === undefined ? "seccomp filters are compiled for x86_64 and aarch64 only" : "seccomp filter mode is not available";
  const seccomp = seccompOk
    ? compileSeccomp({ defaultAction: "allow", rules: [...networkRules(net), ...IPC_ISOLATION, ...HARDENING] }, host.arch!)
    : undefined;
  const bySeccomp = (guarantee: string, what: string, extra: string[] = []): GuaranteeReport =>
    seccompOk ? { guarantee, status: "enforced", by: [`seccomp ${what}`, ...extra] } : { guarantee, status: extra.length ? "partial" : "not-enforced", by: extra, reason: why };

  if (net === "none") report.push(bySeccomp("net.none", "socket() family allow-list (AF_UNIX, AF_NETLINK)"));
  else if (net !== "all") report.push(bySeccomp("net.udp-closed", "socket() IP types other than TCP"));
  const ipcNs = host.privileged;
  report.push(bySeccomp("ipc.sysv-closed", "SysV IPC and POSIX mqueue calls", ipcNs ? ["ipc namespace"] : []));
  report.push(bySeccomp("ipc.keyring-closed", "add_key/request_key/keyctl"));
  report.push(bySeccomp("tty.injection-closed", "ioctl TIOCSTI/TIOCLINUX"));
  report.push(bySeccomp("kernel.surface-reduced", "ptrace, bpf, perf, userfaultfd, io_uring, mount, kexec, modules"));
  // A private /proc: programs (Bun among them) need /proc/self, and the host's
  // /proc would list every process. Without it /proc stays outside the grants.
  const procfs = host.privileged;
  report.push(
    procfs
      ? { guarantee: "proc.private", status: "enforced", by: ["pid namespace", "mount namespace", "fresh procfs"] }
      : { guarantee: "proc.private", status: "partial", by: ["landlock (no /proc grant)"], reason: "no pid namespace without privilege here: /proc is denied entirely, so programs that read /proc/self fail" },
  );
  return { ...(seccomp ? { seccomp } : {}), namespaces: { ipc: ipcNs, procfs }, report };
}
