// What an OpenBSD plan enforces, per requested guarantee.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { egressNotEnforced } from "../egress-elsewhere.ts";
import { carveRows, pinsOf, reachedCarve } from "../carve.ts";

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
  out.push(...carveRows(policy.fs, (guarantee, reached) => (reached ? openbsdCarve(guarantee, policy) : { guarantee, status: "enforced", by: unveil })));

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

/**
 * A carve-out beneath a grant is unveiled as the more specific path, which
 * unveil honours; but the directories between it and its write grant cannot
 * be kept from being renamed (a directory unveiled without "c" could not have
 * files made in it), and whether a hard link made in a writable directory to
 * a carve-out's file is refused is not established.
 */
function openbsdCarve(guarantee: "fs.deny-confined" | "fs.protected-paths", policy: ResolvedPolicy): GuaranteeReport {
  const reached = reachedCarve(guarantee === "fs.deny-confined" ? { ...policy.fs, protected: [] } : { ...policy.fs, denyRead: [], denyWrite: [] });
  const pins = pinsOf([...reached.denyRead, ...reached.readOnly], policy.fs.write);
  const reasons = [
    ...(pins.length ? [`the directories between a write grant and a carve-out can be renamed away and made anew (${pins.join(", ")})`] : []),
    "a hard link made in a writable directory to a carve-out's file is not known to be refused",
  ];
  return { guarantee, status: "partial", by: ["unveil: the carve-out unveiled as the more specific path (none, or rx)"], reason: reasons.join("; ") };
}
