// One Linux run that asked for its denials: which source sees which class
// here, the landlock flag that makes the kernel log denials after execve
// (set only for such runs), and the collection once the tree is gone.
import { readFileSync } from "node:fs";
import type { DenialLog } from "../../../denials/log.ts";
import { limitDenials, type LimitFacts } from "../../../denials/limits.ts";
import type { DenialClass } from "../../../denials/types.ts";
import type { Limits } from "../../../policy/types.ts";
import { openAuditSession, type AuditSession } from "./audit-feed.ts";
import { acquireAudit, releaseAudit } from "./audit-switch.ts";

/** LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (ABI 7): without it the kernel logs only denials of the program that restricted itself, never the command it execs. */
export const LOG_NEW_EXEC_ON = 1 << 1;

/** Classes landlock's audit records carry. */
const LANDLOCK_CLASSES: readonly DenialClass[] = ["fs", "net", "signal", "ptrace", "ipc"];

export type LinuxExplain = {
  /** Landlock restrict flags to add for this run. */
  readonly restrictFlags: number;
  /** The spawned child's pid (under cordon-init, the command is its child). */
  started(pid: number, underInit: boolean): void;
  /** After the tree is gone: the last records, the limits hit, the audit hold released. */
  finish(limits: Limits, facts: LimitFacts): Promise<void>;
};

/** The children of `pid` (cordon-init's one child is the command, started before cordon-init's execve). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function beginExplain(log: DenialLog, landlock: { readonly applied: boolean; readonly abi: number }): LinuxExplain {
  let session: AuditSession | undefined;
  let held = false;
  const notVisible = (reason: string) => {
    for (const c of LANDLOCK_CLASSES) log.source({ class: c, visible: false, reason });
  };
  if (!landlock.applied) notVisible("landlock is not applied to this run");
  else if (landlock.abi < 7) notVisible(`landlock ABI ${landlock.abi} < 7 writes no audit records`);
  else {
    const audit = acquireAudit();
    held = true;
    if (!audit.on) notVisible(audit.reason);
    else {
      const s = openAuditSession(log);
      if (typeof s === "string") notVisible(s);
      else {
        session = s;
        const by = `landlock audit records (audit ${audit.by === "host" ? "on by the host" : "turned on by cordon while runs ask for denials"})`;
        for (const c of LANDLOCK_CLASSES) log.source({ class: c, visible: true, by });
      }
    }
  }
  log.source({ class: "limit", visible: true, by: "cordon's limit verdicts and the cgroup's counters" });
  return {
    restrictFlags: session ? LOG_NEW_EXEC_ON : 0,
    started(pid, underInit) {
      session?.add(underInit ? [pid, ...childrenOf(pid)] : [pid]);
    },
    async finish(limits, facts) {
      try {
        await session?.end();
      } finally {
        if (held) releaseAudit();
      }
      for (const { denial, count } of limitDenials(limits, facts)) log.add(denial, count);
    },
  };
}
