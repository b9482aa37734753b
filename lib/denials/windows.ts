// Windows denials (a plan, not run yet). Per class, the mechanism that sees
// it and what it needs (docs/assumptions/windows.md, "Denials"):
//   limits   the job's completion port (JOB_OBJECT_MSG_*), unprivileged;
//   fs       an ETW real-time session on Microsoft-Windows-Kernel-File: a
//            create that ends in STATUS_ACCESS_DENIED, by a pid of the job
//            (the port's NEW_PROCESS messages say which), elevated only;
//   net      WFP's classify-drop net events (FwpmNetEventSubscribe) for the
//            run's AppContainer SID, elevated and with the engine collecting;
//   signal/ptrace  OpenProcess refused, from Microsoft-Windows-Kernel-Audit-
//            API-Calls, elevated only.
// Pure: the classes, and the events read as denials.
import type { Limits } from "../policy/types.ts";
import type { DenialInput } from "./log.ts";
import type { DenialSource } from "./types.ts";

/** Completion port messages of a job (winnt.h). */
export const JOB_MSG = { endOfJobTime: 1, activeProcessLimit: 3, processMemoryLimit: 9, jobMemoryLimit: 10 } as const;

/** A limit a job's port reported, as the denial it is. */
export function jobMessageDenial(msg: number, limits: Limits): DenialInput | undefined {
  const mib = (b: number) => `${Math.round(b / 2 ** 20)}M`;
  if ((msg === JOB_MSG.jobMemoryLimit || msg === JOB_MSG.processMemoryLimit) && limits.memory !== undefined)
    return { class: "limit", access: "memory", target: mib(limits.memory), allow: `--memory=${mib(limits.memory * 2)}`, by: "job completion port" };
  if (msg === JOB_MSG.activeProcessLimit && limits.pids !== undefined) return { class: "limit", access: "pids", target: String(limits.pids), allow: `--pids=${limits.pids * 2}`, by: "job completion port" };
  if (msg === JOB_MSG.endOfJobTime && limits.cpuSeconds !== undefined) return { class: "limit", access: "cpu", target: `${limits.cpuSeconds}s`, allow: `--cpu=${limits.cpuSeconds * 2}`, by: "job completion port" };
  return undefined;
}

const STATUS_ACCESS_DENIED = 0xc0000022;
/** ACCESS_MASK bits that a create asks for: what a grant must allow. */
const WRITE_BITS = 0x2 | 0x4 | 0x40000000 | 0x10000; // FILE_WRITE_DATA, FILE_APPEND_DATA, GENERIC_WRITE, DELETE
const EXECUTE_BITS = 0x20 | 0x20000000; // FILE_EXECUTE, GENERIC_EXECUTE

/** A Kernel-File create that failed: the file, the access asked for and the NTSTATUS of its completion. */
export type KernelFileCreate = { readonly path: string; readonly desiredAccess: number; readonly status: number };

export function kernelFileDenial(e: KernelFileCreate): DenialInput | undefined {
  if (e.status >>> 0 !== STATUS_ACCESS_DENIED) return undefined;
  const by = "ETW Microsoft-Windows-Kernel-File";
  if (e.desiredAccess & WRITE_BITS) return { class: "fs", access: "write", target: e.path, allow: `--allow-write=${e.path}`, by };
  if (e.desiredAccess & EXECUTE_BITS) return { class: "fs", access: "exec", target: e.path, allow: `--allow-read=${e.path}`, by };
  return { class: "fs", access: "read", target: e.path, allow: `--allow-read=${e.path}`, by };
}

/** A WFP classify-drop event for the run's SID: the remote address and port, and the layer (connect or listen). */
export type WfpDrop = { readonly remote: string; readonly port: number; readonly direction: "outbound" | "inbound" };

export function wfpDenial(e: WfpDrop): DenialInput {
  const bind = e.direction === "inbound";
  return { class: "net", access: bind ? "bind" : "connect", target: bind ? `tcp port ${e.port}` : `${e.remote}:${e.port}`, allow: `--allow-${bind ? "bind" : "connect"}=${e.port}`, by: "WFP classify-drop net events" };
}

/** What a Windows run would see, per class, elevated or not. */
export function windowsDenialSources(host: { readonly elevated: boolean; readonly netEventsCollected: boolean }): DenialSource[] {
  const admin = "ETW kernel providers need an elevated caller (or the Performance Log Users group)";
  return [
    host.elevated ? { class: "fs", visible: true, by: "ETW Microsoft-Windows-Kernel-File, filtered by the job's pids" } : { class: "fs", visible: false, reason: admin },
    host.elevated && host.netEventsCollected
      ? { class: "net", visible: true, by: "WFP classify-drop net events for the run's AppContainer SID" }
      : { class: "net", visible: false, reason: host.elevated ? "the WFP engine is not collecting net events (FWPM_ENGINE_COLLECT_NET_EVENTS), a host setting cordon leaves alone" : "WFP net events need an elevated caller" },
    host.elevated ? { class: "signal", visible: true, by: "ETW Microsoft-Windows-Kernel-Audit-API-Calls (OpenProcess refused)" } : { class: "signal", visible: false, reason: admin },
    host.elevated ? { class: "ptrace", visible: true, by: "ETW Microsoft-Windows-Kernel-Audit-API-Calls (OpenProcess refused)" } : { class: "ptrace", visible: false, reason: admin },
    { class: "ipc", visible: false, reason: "no event names an object an AppContainer was refused other than files and processes" },
    { class: "syscall", visible: false, reason: "Windows has no syscall filter in cordon's sandbox" },
    { class: "limit", visible: true, by: "the job's completion port (JOB_OBJECT_MSG_*)" },
  ];
}
