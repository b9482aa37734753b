// Job objects and their completion ports (cordon_windows_job.h).
import { windows, type Handle } from "./windows.ts";
import { check } from "./status.ts";

/** JOB_OBJECT_MSG_* (winnt.h): what a job's completion port reports. */
export const JOB_MSG = {
  END_OF_JOB_TIME: 1,
  END_OF_PROCESS_TIME: 2,
  ACTIVE_PROCESS_LIMIT: 3,
  ACTIVE_PROCESS_ZERO: 4,
  NEW_PROCESS: 6,
  EXIT_PROCESS: 7,
  ABNORMAL_EXIT_PROCESS: 8,
  PROCESS_MEMORY_LIMIT: 9,
  JOB_MEMORY_LIMIT: 10,
  NOTIFICATION_LIMIT: 11,
} as const;

/** Posted by cordon itself to wake a waiter (job.zig's wake_message). */
export const WAKE_MESSAGE = 0xc0d0;

export type JobLimits = {
  /** JOB_OBJECT_LIMIT_* */
  readonly limitFlags: number;
  readonly activeProcessLimit?: number;
  readonly processMemoryLimit?: bigint;
  readonly jobMemoryLimit?: bigint;
  /** 100 ns units. */
  readonly perProcessUserTime?: bigint;
  readonly perJobUserTime?: bigint;
};

export type JobEvent = { readonly message: number; readonly key: bigint; readonly value: bigint };

/** A new job with its own completion port associated. */
export function createJob(): { job: Handle; port: Handle } {
  const out = new BigUint64Array(2);
  check("CreateJobObjectW", "win32", windows().cordon_windows_job_create(out, out));
  return { job: out[0]!, port: out[1]! };
}

const LIMITS_SIZE = 40;

function encodeLimits(l: JobLimits): Uint8Array {
  const buf = new Uint8Array(LIMITS_SIZE);
  const v = new DataView(buf.buffer);
  v.setUint32(0, l.limitFlags, true);
  v.setUint32(4, l.activeProcessLimit ?? 0, true);
  v.setBigUint64(8, l.processMemoryLimit ?? 0n, true);
  v.setBigUint64(16, l.jobMemoryLimit ?? 0n, true);
  v.setBigInt64(24, l.perProcessUserTime ?? 0n, true);
  v.setBigInt64(32, l.perJobUserTime ?? 0n, true);
  return buf;
}

export function setJobLimits(job: Handle, limits: JobLimits): void {
  const buf = encodeLimits(limits);
  check("SetInformationJobObject(ExtendedLimit)", "win32", windows().cordon_windows_job_set_limits(job, buf, buf));
}

/** The limits as the kernel reports them back. */
export function queryJobLimits(job: Handle): Required<JobLimits> {
  const buf = new Uint8Array(LIMITS_SIZE);
  check("QueryInformationJobObject(ExtendedLimit)", "win32", windows().cordon_windows_job_query_limits(job, buf, buf));
  const v = new DataView(buf.buffer);
  return {
    limitFlags: v.getUint32(0, true),
    activeProcessLimit: v.getUint32(4, true),
    processMemoryLimit: v.getBigUint64(8, true),
    jobMemoryLimit: v.getBigUint64(16, true),
    perProcessUserTime: v.getBigInt64(24, true),
    perJobUserTime: v.getBigInt64(32, true),
  };
}

export function setCpuRate(job: Handle, controlFlags: number, value: number): void {
  check("SetInformationJobObject(CpuRateControl)", "win32", windows().cordon_windows_job_set_cpu_rate(job, controlFlags, value));
}

export function setUiRestrictions(job: Handle, uiClass: number): void {
  check("SetInformationJobObject(BasicUIRestrictions)", "win32", windows().cordon_windows_job_set_ui_restrictions(job, uiClass));
}

/** The UI restriction class the kernel kept for `job`. */
export function queryUiRestrictions(job: Handle): number {
  return check("QueryInformationJobObject(BasicUIRestrictions)", "win32", windows().cordon_windows_job_query_ui_restrictions(job));
}

export function assignProcess(job: Handle, process: Handle): void {
  check("AssignProcessToJobObject", "win32", windows().cordon_windows_job_assign(job, process));
}

export function jobContains(job: Handle, process: Handle): boolean {
  return check("IsProcessInJob", "win32", windows().cordon_windows_job_contains(job, process)) === 1;
}

export function terminateJob(job: Handle, exitCode: number): void {
  check("TerminateJobObject", "win32", windows().cordon_windows_job_terminate(job, exitCode));
}

const ERROR_MORE_DATA = -234;

/** Ids of every process in the job now. */
export function jobProcessIds(job: Handle): number[] {
  for (let slots = 64; ; slots *= 4) {
    const buf = new BigUint64Array(1 + slots);
    const rc = windows().cordon_windows_job_process_ids(job, buf, buf);
    if (rc === ERROR_MORE_DATA || rc === -65538) continue;
    const n = check("QueryInformationJobObject(BasicProcessIdList)", "win32", rc);
    return Array.from(buf.subarray(1, 1 + n), Number);
  }
}

export type JobAccounting = { totalProcesses: number; activeProcesses: number; totalTerminatedProcesses: number; totalUserTime: bigint; totalKernelTime: bigint };

export function jobAccounting(job: Handle): JobAccounting {
  const buf = new Uint8Array(48);
  check("QueryInformationJobObject(BasicAccounting)", "win32", windows().cordon_windows_job_accounting(job, buf, buf));
  const v = new DataView(buf.buffer);
  return {
    totalUserTime: v.getBigInt64(0, true),
    totalKernelTime: v.getBigInt64(8, true),
    totalProcesses: v.getUint32(36, true),
    activeProcesses: v.getUint32(40, true),
    totalTerminatedProcesses: v.getUint32(44, true),
  };
}

/** Blocks this thread up to `timeoutMs` for the port's next message; undefined on timeout. */
export function nextJobEvent(port: Handle, timeoutMs: number): JobEvent | undefined {
  const buf = new Uint8Array(24);
  const got = check("GetQueuedCompletionStatus", "win32", windows().cordon_windows_job_next_event(port, buf, buf, timeoutMs >>> 0));
  if (got === 0) return undefined;
  const v = new DataView(buf.buffer);
  return { message: v.getUint32(0, true), key: v.getBigUint64(8, true), value: v.getBigUint64(16, true) };
}

/** Wakes whoever waits on `port` with (message, value). */
export function postJobEvent(port: Handle, message: number, value: bigint): void {
  check("PostQueuedCompletionStatus", "win32", windows().cordon_windows_job_post(port, message, value));
}
