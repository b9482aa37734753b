// What a FreeBSD plan enforces, per requested guarantee.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeId, GuaranteeReport } from "../../report.ts";
import { carveRows } from "../carve.ts";
import { dedicatedUid } from "../darwin/dedicated.ts";
import { egressNotEnforced } from "../egress-elsewhere.ts";

export type FreebsdHost = {
  /** Running as root (rctl rules, setuid to a dedicated uid, jails). */
  readonly root: boolean;
  /** Resource accounting answers (kern.racct.enable=1); otherwise rctl is unavailable. */
  readonly racct: boolean;
  /** The caller's uid: a policy user equal to it is not a dedicated uid. */
  readonly callerUid?: number;
};

const noPathConfinement =
  "FreeBSD confines paths with Capsicum, which an unmodified program cannot run under (no open by path, exec only through fexecve), or with a jail, which needs root";
const noNetConfinement = "FreeBSD confines the network with Capsicum (same limit) or a jail without addresses, which needs root";

export function freebsdReport(policy: ResolvedPolicy, host: FreebsdHost): GuaranteeReport[] {
  const out: GuaranteeReport[] = [];
  const no = (guarantee: GuaranteeId, reason: string) => out.push({ guarantee, status: "not-enforced", by: [], reason });
  no("fs.read-confined", noPathConfinement);
  no("fs.write-confined", noPathConfinement);
  no("fs.exec-confined", noPathConfinement);
  no("ipc.signal-scoped", "signals are confined only in capability mode or a jail");
  out.push(...carveRows(policy.fs, (guarantee) => ({ guarantee, status: "not-enforced", by: [], reason: noPathConfinement })));
  if (policy.net === "none") no("net.none", noNetConfinement);
  else if (policy.net !== "all") {
    no("net.tcp-connect-confined", noNetConfinement);
    no("net.tcp-bind-confined", noNetConfinement);
  }

  const reaper = { status: "enforced", by: ["procctl PROC_REAP_KILL (subtree)"] } as const;
  out.push({ guarantee: "tree.kill", ...reaper });
  const dedicated = dedicatedUid(policy, host.callerUid) !== undefined;
  const rctl = dedicated && host.root && host.racct;
  const rctlMissing = !host.racct ? "racct is disabled (kern.racct.enable=0 at boot)" : !host.root ? "rctl needs root" : "rctl pools a tree only under a dedicated uid";

  const limits = policy.limits;
  if (limits.memory !== undefined) {
    out.push(
      rctl
        ? { guarantee: "limits.memory", status: "enforced", by: ["rctl user memoryuse", "RLIMIT_AS"] }
        : { guarantee: "limits.memory", status: "partial", by: ["RLIMIT_AS"], reason: `per process only: ${rctlMissing}` },
    );
  }
  if (limits.pids !== undefined) {
    out.push(
      dedicated
        ? { guarantee: "limits.pids", status: "enforced", by: rctl ? ["RLIMIT_NPROC", "rctl user maxproc"] : ["RLIMIT_NPROC of the dedicated uid"] }
        : { guarantee: "limits.pids", status: "not-enforced", by: [], reason: "RLIMIT_NPROC counts every process of the uid; without a dedicated uid it would count the caller's own processes" },
    );
  }
  if (limits.cpuSeconds !== undefined) {
    out.push({ guarantee: "limits.cpuSeconds", status: "partial", by: ["RLIMIT_CPU"], reason: "per process: each process of the tree has its own CPU budget" });
  }
  if (limits.timeoutMs !== undefined) out.push({ guarantee: "limits.timeoutMs", status: "enforced", by: ["timer", ...reaper.by] });
  if (limits.openFiles !== undefined) out.push({ guarantee: "limits.openFiles", status: "enforced", by: ["RLIMIT_NOFILE"] });
  if (limits.fileSize !== undefined) out.push({ guarantee: "limits.fileSize", status: "enforced", by: ["RLIMIT_FSIZE"] });
  return [...out, ...egressNotEnforced(policy, "FreeBSD")];
}
