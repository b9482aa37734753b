// What the Windows plan needs to know about the host: elevation, what every
// AppContainer can read anyway, and which mechanisms the host lacks. A row of
// the report that needs a missing mechanism is not enforced, with that
// mechanism's reason; the plan never asks the host itself (it stays pure).
import { wineGaps } from "./wine.ts";

/** The mechanisms a Windows plan is built from. */
export type WindowsMechanism =
  /** Job object the child is born in (JOB_LIST), TerminateJobObject, KILL_ON_JOB_CLOSE. */
  | "job"
  /** The job's completion port: NEW_PROCESS, EXIT_PROCESS, ACTIVE_PROCESS_ZERO, limit messages. */
  | "job-port"
  /** PROC_THREAD_ATTRIBUTE_HANDLE_LIST. */
  | "handle-list"
  | "job-memory"
  | "job-processes"
  /** JOB_OBJECT_LIMIT_JOB_TIME (user-mode time of the whole job). */
  | "job-time"
  /** JobObjectBasicAccountingInformation's user and kernel time (polled for the CPU limit). */
  | "job-accounting"
  | "job-cpu-rate"
  | "job-ui"
  /** PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY. */
  | "mitigations"
  /** PROC_THREAD_ATTRIBUTE_CHILD_PROCESS_POLICY. */
  | "child-process-policy"
  | "appcontainer"
  /** CreateRestrictedToken and a lowered integrity label. */
  | "restricted-token"
  /** DACL entries (SetNamedSecurityInfoW) enforced when a file is opened. */
  | "acl"
  /** NetUserAdd and LogonUserW: a dedicated account's token. */
  | "account"
  /** The Windows Filtering Platform (FwpmEngineOpen0, FwpmFilterAdd0). */
  | "wfp"
  /** A WFP filter condition on the remote address (loopback only), for host grants' proxy port. */
  | "wfp-remote-address"
  /** An AppContainer exempted from loopback isolation (NetworkIsolationSetAppContainerConfig), to reach the proxy. */
  | "loopback-exemption";

export type WindowsHost = {
  /** This process's token is elevated (an administrator): accounts and WFP filters can be made. */
  readonly elevated: boolean;
  /** Directories whose DACL already lets ALL APPLICATION PACKAGES read and execute (%SystemRoot%, Program Files). */
  readonly packageReadable?: readonly string[];
  /** Wine's version when running under Wine (its ntdll exports wine_get_version). */
  readonly wine?: string;
  /** Mechanisms this host lacks beyond what `wine` implies, each with its reason. */
  readonly lacks?: Readonly<Partial<Record<WindowsMechanism, string>>>;
};

/** Every mechanism this host lacks, with the reason; empty on a Windows that has them all. */
export function hostGaps(host: WindowsHost): Partial<Record<WindowsMechanism, string>> {
  return { ...(host.wine !== undefined ? wineGaps(host.wine) : {}), ...host.lacks };
}
