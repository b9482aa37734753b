// What a macOS plan enforces, per requested guarantee.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeId, GuaranteeReport } from "../../report.ts";
import { carveRows } from "../carve.ts";
import { dedicatedUid } from "./dedicated.ts";
import { darwinEgressReport } from "./egress.ts";

export type DarwinHost = {
  /** Set when the caller already runs under Seatbelt (sandbox_check on itself); the reason to report. */
  readonly enclosingSandbox?: string;
  /** The caller's uid: a policy user equal to it is not a dedicated uid. */
  readonly callerUid?: number;
  /** Host grants: the loopback port of the proxy the backend started for them (plan/darwin/egress.ts). */
  readonly egressProxyPort?: number;
};

const nested = (host: DarwinHost) =>
  host.enclosingSandbox === undefined ? undefined : `Seatbelt cannot nest: ${host.enclosingSandbox}`;

export function darwinReport(policy: ResolvedPolicy, host: DarwinHost): GuaranteeReport[] {
  const blocked = nested(host);
  const seatbelt = (guarantee: GuaranteeId, by: string): GuaranteeReport =>
    blocked === undefined
      ? { guarantee, status: "enforced", by: [by] }
      : { guarantee, status: "not-enforced", by: [], reason: blocked };

  const out: GuaranteeReport[] = [
    seatbelt("fs.read-confined", "seatbelt file-read*"),
    seatbelt("fs.write-confined", "seatbelt file-write*"),
    seatbelt("fs.exec-confined", "seatbelt process-exec"),
    seatbelt("ipc.signal-scoped", "seatbelt signal (target same-sandbox)"),
    ...carveRows(policy.fs, (guarantee, reached) => {
      if (!reached) return seatbelt(guarantee, "seatbelt: no grant reaches a denied path");
      if (blocked !== undefined) return { guarantee, status: "not-enforced", by: [], reason: blocked };
      return {
        guarantee,
        status: "partial",
        by: ["seatbelt require-not filters on the grants (reads, writes, exec)", "the directories between a write grant and a carve-out not writable themselves (no rename)"],
        reason: "Seatbelt matches paths: whether it refuses a hard link made in a write grant to a carve-out's file (the same file by an allowed path) is not established",
      };
    }),
  ];
  const net = policy.net;
  // Host grants give policy.net "none"; with the proxy the command has a way out, reported as net.hosts-only instead.
  const egressProxy = policy.egress !== undefined && host.egressProxyPort !== undefined;
  if (net === "none" && !egressProxy) out.push(seatbelt("net.none", "seatbelt (deny default) network*"));
  else if (net !== "all") {
    out.push(seatbelt("net.tcp-connect-confined", "seatbelt network-outbound (remote tcp)"));
    out.push(seatbelt("net.tcp-bind-confined", "seatbelt network-bind (local tcp)"));
  }

  const dedicated = dedicatedUid(policy, host.callerUid) !== undefined;
  out.push(
    dedicated
      ? { guarantee: "tree.kill", status: "enforced", by: ["killpg", "kill every process of the dedicated uid"] }
      : {
          guarantee: "tree.kill",
          status: "partial",
          by: ["killpg", "kqueue EVFILT_PROC NOTE_FORK", "proc_listchildpids sweep"],
          reason: "a descendant that calls setsid and whose parent has exited leaves the group and the sweep; run under a dedicated uid to kill it too",
        },
  );

  const limits = policy.limits;
  if (limits.memory !== undefined) {
    out.push({
      guarantee: "limits.memory",
      status: "not-enforced",
      by: [],
      reason: "macOS does not enforce RLIMIT_AS and has no memory accounting for a process tree",
    });
  }
  if (limits.pids !== undefined) {
    out.push(
      dedicated
        ? { guarantee: "limits.pids", status: "enforced", by: ["RLIMIT_NPROC of the dedicated uid"] }
        : {
            guarantee: "limits.pids",
            status: "not-enforced",
            by: [],
            reason: "RLIMIT_NPROC counts every process of the uid; without a dedicated uid it would count the caller's own processes",
          },
    );
  }
  if (limits.cpuSeconds !== undefined) {
    out.push({ guarantee: "limits.cpuSeconds", status: "partial", by: ["RLIMIT_CPU"], reason: "per process: each process of the tree has its own CPU budget" });
  }
  if (limits.openFiles !== undefined) out.push({ guarantee: "limits.openFiles", status: "enforced", by: ["RLIMIT_NOFILE"] });
  if (limits.fileSize !== undefined) out.push({ guarantee: "limits.fileSize", status: "enforced", by: ["RLIMIT_FSIZE"] });
  if (limits.timeoutMs !== undefined) {
    const kill = out.find((g) => g.guarantee === "tree.kill")!;
    out.push({ ...kill, guarantee: "limits.timeoutMs", by: ["timer", ...kill.by] });
  }
  return [...out, ...darwinEgressReport(policy, host.egressProxyPort, blocked)];
}
