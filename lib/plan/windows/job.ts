// The job object of a sandbox: the whole process tree's container and its
// limits. Every sandbox gets KILL_ON_JOB_CLOSE (the tree dies with the last
// handle, including when cordon itself dies), DIE_ON_UNHANDLED_EXCEPTION (a
// crash ends the process instead of waiting on an error-report dialog) and
// no BREAKAWAY_OK (no child may leave the job).
import type { Limits } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { JOB_OBJECT_CPU_RATE_CONTROL, JOB_OBJECT_LIMIT, JOB_OBJECT_UILIMIT } from "./constants.ts";
import { needing, notEnforced, type Gaps } from "./rows.ts";

export type JobPlan = {
  readonly limitFlags: number;
  readonly activeProcessLimit?: number;
  readonly jobMemoryLimit?: bigint;
  /** 100 ns units of user-mode time for the whole job (the kernel ends the job past it). */
  readonly perJobUserTime?: bigint;
  /** 100 ns units of user plus kernel time for the whole job: polled from its accounting, then the tree is ended. */
  readonly cpuTimeLimit?: bigint;
  /** JOB_OBJECT_UILIMIT_* */
  readonly uiRestrictions: number;
  /** Hard cap in 1/100 of a percent of all CPUs (JOB_OBJECT_CPU_RATE_CONTROL_HARD_CAP). */
  readonly cpuRate?: { readonly controlFlags: number; readonly value: number };
  /** TerminateJobObject after this many ms. */
  readonly timeoutMs?: number;
};

/** Every UI restriction: a CI command needs no clipboard, desktop, atoms or other processes' windows. */
export const allUiRestrictions = Object.values(JOB_OBJECT_UILIMIT).reduce((a, b) => a | b, 0);

const killBy = ["job object (born inside: PROC_THREAD_ATTRIBUTE_JOB_LIST)", "no BREAKAWAY_OK", "TerminateJobObject", "KILL_ON_JOB_CLOSE"];

export function planJob(limits: Limits, gaps: Gaps, cpuRatePercent?: number): { job: JobPlan; report: GuaranteeReport[] } {
  let flags = JOB_OBJECT_LIMIT.KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT.DIE_ON_UNHANDLED_EXCEPTION;
  const report: GuaranteeReport[] = [
    needing(gaps, ["job"], { guarantee: "tree.kill", status: "enforced", by: killBy }),
    needing(gaps, ["job-port"], { guarantee: "tree.exit", status: "enforced", by: ["job completion port: JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO"] }),
    needing(gaps, ["job-ui"], { guarantee: "ui.confined", status: "enforced", by: ["JOBOBJECT_BASIC_UI_RESTRICTIONS (all JOB_OBJECT_UILIMIT_*)"] }),
  ];
  const job: { -readonly [K in keyof JobPlan]: JobPlan[K] } = { limitFlags: 0, uiRestrictions: allUiRestrictions };

  if (limits.memory !== undefined) {
    flags |= JOB_OBJECT_LIMIT.JOB_MEMORY;
    job.jobMemoryLimit = BigInt(limits.memory);
    report.push(needing(gaps, ["job-memory"], { guarantee: "limits.memory", status: "enforced", by: ["JOB_OBJECT_LIMIT_JOB_MEMORY (committed memory of the whole job)"] }));
  }
  if (limits.pids !== undefined) {
    flags |= JOB_OBJECT_LIMIT.ACTIVE_PROCESS;
    job.activeProcessLimit = limits.pids;
    report.push(needing(gaps, ["job-processes"], { guarantee: "limits.pids", status: "enforced", by: ["JOB_OBJECT_LIMIT_ACTIVE_PROCESS"] }));
  }
  if (limits.cpuSeconds !== undefined) {
    const limit = BigInt(limits.cpuSeconds) * 10_000_000n;
    flags |= JOB_OBJECT_LIMIT.JOB_TIME;
    job.perJobUserTime = limit;
    job.cpuTimeLimit = limit;
    report.push(cpuRow(gaps));
  }
  if (limits.timeoutMs !== undefined) {
    job.timeoutMs = limits.timeoutMs;
    // Windows has no signals: a graceful first signal (killSignal, killAfterMs) cannot be sent, and the row says so.
    const graceful = limits.killSignal !== undefined || limits.killAfterMs !== undefined ? ["no first signal on Windows: killSignal and killAfterMs have no effect, the tree is ended at once"] : [];
    report.push(needing(gaps, ["job"], { guarantee: "limits.timeoutMs", status: "enforced", by: ["timer", "TerminateJobObject", ...graceful] }));
  }
  if (limits.openFiles !== undefined) report.push(notEnforced("limits.openFiles", "Windows has no per-process handle quota a caller can set"));
  if (limits.fileSize !== undefined) report.push(notEnforced("limits.fileSize", "Windows has no per-process file size limit; NTFS quotas are per user and volume"));
  if (cpuRatePercent !== undefined) {
    const value = Math.max(1, Math.min(10_000, Math.round(cpuRatePercent * 100)));
    // A host that refuses the rate control (Wine) would fail the whole spawn: not set there.
    if (gaps["job-cpu-rate"] === undefined) job.cpuRate = { controlFlags: JOB_OBJECT_CPU_RATE_CONTROL.ENABLE | JOB_OBJECT_CPU_RATE_CONTROL.HARD_CAP, value };
    report.push(needing(gaps, ["job-cpu-rate"], { guarantee: "limits.cpuRate", status: "enforced", by: ["JOB_OBJECT_CPU_RATE_CONTROL_HARD_CAP"] }));
  }
  job.limitFlags = flags;
  return { job, report };
}

/**
 * The job's user-time limit is the kernel's own but leaves kernel time out;
 * the poll of the job's accounting counts both and ends the tree past the
 * limit (overshoot: one poll interval).
 */
function cpuRow(gaps: Gaps): GuaranteeReport {
  const time = gaps["job-time"] === undefined;
  const accounting = gaps["job-accounting"] === undefined;
  const by = [...(time ? ["JOB_OBJECT_LIMIT_JOB_TIME (user time)"] : []), ...(accounting ? ["job accounting polled (user + kernel time), then TerminateJobObject"] : [])];
  if (accounting) return { guarantee: "limits.cpuSeconds", status: "enforced", by };
  if (time) return { guarantee: "limits.cpuSeconds", status: "partial", by, reason: `kernel time is not counted: ${gaps["job-accounting"]}` };
  return needing(gaps, ["job-time", "job-accounting"], { guarantee: "limits.cpuSeconds", status: "enforced", by });
}
