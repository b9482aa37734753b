// The job object of a sandbox: the whole process tree's container and its
// limits. Every sandbox gets KILL_ON_JOB_CLOSE (the tree dies with the last
// handle, including when cordon itself dies), DIE_ON_UNHANDLED_EXCEPTION (a
// crash ends the process instead of waiting on an error-report dialog) and
// no BREAKAWAY_OK (no child may leave the job).
import type { Limits } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { JOB_OBJECT_CPU_RATE_CONTROL, JOB_OBJECT_LIMIT, JOB_OBJECT_UILIMIT } from "./constants.ts";

export type JobPlan = {
  readonly limitFlags: number;
  readonly activeProcessLimit?: number;
  readonly jobMemoryLimit?: bigint;
  /** 100 ns units of user-mode time for the whole job. */
  readonly perJobUserTime?: bigint;
  /** JOB_OBJECT_UILIMIT_* */
  readonly uiRestrictions: number;
  /** Hard cap in 1/100 of a percent of all CPUs (JOB_OBJECT_CPU_RATE_CONTROL_HARD_CAP). */
  readonly cpuRate?: { readonly controlFlags: number; readonly value: number };
  /** TerminateJobObject after this many ms. */
  readonly timeoutMs?: number;
};

/** Every UI restriction: a CI command needs no clipboard, desktop, atoms or other processes' windows. */
export const allUiRestrictions = Object.values(JOB_OBJECT_UILIMIT).reduce((a, b) => a | b, 0);

export function planJob(limits: Limits, cpuRatePercent?: number): { job: JobPlan; report: GuaranteeReport[] } {
  let flags = JOB_OBJECT_LIMIT.KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT.DIE_ON_UNHANDLED_EXCEPTION;
  const report: GuaranteeReport[] = [
    { guarantee: "tree.kill", status: "enforced", by: ["job object (born inside: PROC_THREAD_ATTRIBUTE_JOB_LIST)", "no BREAKAWAY_OK", "TerminateJobObject", "KILL_ON_JOB_CLOSE"] },
    { guarantee: "tree.exit", status: "enforced", by: ["job completion port: JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO"] },
    { guarantee: "ui.confined", status: "enforced", by: ["JOBOBJECT_BASIC_UI_RESTRICTIONS (all JOB_OBJECT_UILIMIT_*)"] },
  ];
  const job: { -readonly [K in keyof JobPlan]: JobPlan[K] } = { limitFlags: 0, uiRestrictions: allUiRestrictions };

  if (limits.memory !== undefined) {
    flags |= JOB_OBJECT_LIMIT.JOB_MEMORY;
    job.jobMemoryLimit = BigInt(limits.memory);
    report.push({ guarantee: "limits.memory", status: "enforced", by: ["JOB_OBJECT_LIMIT_JOB_MEMORY (committed memory of the whole job)"] });
  }
  if (limits.pids !== undefined) {
    flags |= JOB_OBJECT_LIMIT.ACTIVE_PROCESS;
    job.activeProcessLimit = limits.pids;
    report.push({ guarantee: "limits.pids", status: "enforced", by: ["JOB_OBJECT_LIMIT_ACTIVE_PROCESS"] });
  }
  if (limits.cpuSeconds !== undefined) {
    flags |= JOB_OBJECT_LIMIT.JOB_TIME;
    job.perJobUserTime = BigInt(limits.cpuSeconds) * 10_000_000n;
    report.push({
      guarantee: "limits.cpuSeconds",
      status: "partial",
      by: ["JOB_OBJECT_LIMIT_JOB_TIME"],
      reason: "the job limit counts user-mode time only; time spent in the kernel on the tree's behalf is not counted",
    });
  }
  if (limits.timeoutMs !== undefined) {
    job.timeoutMs = limits.timeoutMs;
    report.push({ guarantee: "limits.timeoutMs", status: "enforced", by: ["timer", "TerminateJobObject"] });
  }
  if (limits.openFiles !== undefined) {
    report.push({ guarantee: "limits.openFiles", status: "not-enforced", by: [], reason: "Windows has no per-process handle quota a caller can set" });
  }
  if (limits.fileSize !== undefined) {
    report.push({ guarantee: "limits.fileSize", status: "not-enforced", by: [], reason: "Windows has no per-process file size limit; NTFS quotas are per user and volume" });
  }
  if (cpuRatePercent !== undefined) {
    const value = Math.max(1, Math.min(10_000, Math.round(cpuRatePercent * 100)));
    job.cpuRate = { controlFlags: JOB_OBJECT_CPU_RATE_CONTROL.ENABLE | JOB_OBJECT_CPU_RATE_CONTROL.HARD_CAP, value };
    report.push({ guarantee: "limits.cpuRate", status: "enforced", by: ["JOB_OBJECT_CPU_RATE_CONTROL_HARD_CAP"] });
  }
  job.limitFlags = flags;
  return { job, report };
}
