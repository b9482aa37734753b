// What Wine does with each mechanism, measured under Wine 8.0 by
// test/windows/wine.test.ts (one test per line below, titles in
// docs/assumptions/windows.md). Wine reproduces the process-lifetime layer —
// jobs, their completion port, kill-on-close, handle lists — and accepts the
// security layer without enforcing it; the plan reports exactly which.
import type { WindowsMechanism } from "./host.ts";

/** Mechanisms Wine `version` does not provide, each with what was seen. */
export function wineGaps(version: string): Partial<Record<WindowsMechanism, string>> {
  const w = `Wine ${version}`;
  const noLimits = `${w} keeps no job limits: SetInformationJobObject(JobObjectExtendedLimitInformation) succeeds, then QueryInformationJobObject reads LimitFlags 0 back`;
  return {
    "job-memory": `${noLimits} and JobMemoryLimit 0`,
    "job-processes": `${noLimits}, and a job limited to one active process starts a second`,
    "job-time": `${noLimits}, and a job limited to 0.5 s of user time runs a 2.5 s spin to its end`,
    "job-accounting": `${w} reports 0 user and 0 kernel time in JobObjectBasicAccountingInformation after a 2.5 s spin`,
    "job-cpu-rate": `${w} refuses JobObjectCpuRateControlInformation (ERROR_INVALID_PARAMETER)`,
    "job-ui": `${w} accepts JOBOBJECT_BASIC_UI_RESTRICTIONS without keeping them: reading them back fails with ERROR_INVALID_FUNCTION`,
    mitigations: `${w} accepts PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY and applies none: GetProcessMitigationPolicy reads 0, and a JIT runs with dynamic code prohibited`,
    "child-process-policy": `${w} accepts PROC_THREAD_ATTRIBUTE_CHILD_PROCESS_POLICY and ignores it: a child created with CHILD_PROCESS_RESTRICTED starts a process`,
    appcontainer: `${w} has no CreateAppContainerProfile: the call ends the calling process (unimplemented-function stub, exit code 0x80000100), so cordon never makes it there`,
    "restricted-token": `${w} ignores CreateRestrictedToken's restrictions and the low integrity label: the token reads back unrestricted at the caller's level and its child writes where the caller can`,
    acl: `${w} stores DACL entries and AccessCheck honours them, but opening the file does not: a write the DACL denies succeeds`,
    account: `${w}'s LogonUserW succeeds for any name and password and returns a value that is not a token handle`,
    wfp: `${w} has no filtering engine: FwpmEngineOpen0 answers 1764 (RPC_S_CANNOT_SUPPORT)`,
  };
}
