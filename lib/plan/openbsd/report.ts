// What an OpenBSD plan enforces, per requested guarantee.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { egressNotEnforced } from "../egress-elsewhere.ts";

export function openbsdReport(policy: ResolvedPolicy, dedicatedUid: boolean): GuaranteeReport[] {
  const unveil = ["unveil", "pledge execpromises (keep the unveil list across execve)"];
  const out: GuaranteeReport[] = [
    { guarantee: "fs.read-confined", status: "enforced", by: unveil },
    { guarantee: "fs.write-confined", status: "enforced", by: [...unveil, "pledge without wpath/cpath when nothing is writable"] },
    { guarantee: "fs.exec-confined", status: "enforced", by: unveil },
    { guarantee: "ipc.signal-scoped", status: "not-enforced", by: [], reason: "the proc promise, which fork needs, lets a process signal every process of its uid" },
  ];
  if (policy.net === "none") out.push({ guarantee: "net.none", status: "enforced", by: ["pledge without inet and dns"] });
  else if (policy.net !== "all") {
    const reason = "pledge allows or forbids all of inet; it has no port filter";
    out.push({ guarantee: "net.tcp-connect-confined", status: "not-enforced", by: [], reason });
    out.push({ guarantee: "net.tcp-bind-confined", status: "not-enforced", by: [], reason });
  }
  out.push({ guarantee: "tree.kill", status: "partial", by: ["process group"], reason: "OpenBSD has no reaper: a descendant that calls setsid leaves the group" });

  const limits = policy.limits;
  if (limits.memory !== undefined) out.push({ guarantee: "limits.memory", status: "partial", by: ["RLIMIT_DATA"], reason: "per process only" });
  if (limits.pids !== undefined) {
    out.push(
      dedicatedUid
        ? { guarantee: "limits.pids", status: "enforced", by: ["RLIMIT_NPROC of the dedicated uid"] }
        : { guarantee: "limits.pids", status: "not-enforced", by: [], reason: "RLIMIT_NPROC counts every process of the uid" },
    );
  }
  if (limits.cpuSeconds !== undefined) out.push({ guarantee: "limits.cpuSeconds", status: "partial", by: ["RLIMIT_CPU"], reason: "per process" });
  if (limits.timeoutMs !== undefined) out.push({ guarantee: "limits.timeoutMs", status: "partial", by: ["timer", "process group"], reason: "the tree is killed by process group only" });
  if (limits.openFiles !== undefined) out.push({ guarantee: "limits.openFiles", status: "enforced", by: ["RLIMIT_NOFILE"] });
  if (limits.fileSize !== undefined) out.push({ guarantee: "limits.fileSize", status: "enforced", by: ["RLIMIT_FSIZE"] });
  return [...out, ...egressNotEnforced(policy, "OpenBSD")];
}
