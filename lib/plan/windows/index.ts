// Windows plan: a resolved policy becomes a job object, the spawn attributes
// (handle list, job list, mitigations), an identity (AppContainer, account or
// low integrity) with its DACL grants and WFP filters, and the report of what
// each guarantee maps to. Pure: no I/O. Under Wine the lifetime rows stay
// enforced and every security row says Wine does not enforce it.
import { CompatError, PolicyError } from "../../errors.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { planIsolation, type IsolationHost, type IsolationOptions, type IsolationPlan } from "./isolation.ts";
import { planJob, type JobPlan } from "./job.ts";
import { refusePty } from "../pty.ts";
import { mitigationWords, type MitigationProfile } from "./mitigation.ts";

export type WindowsHost = IsolationHost & {
  /** Wine's version when running under Wine. */
  readonly wine?: string;
};

export type WindowsOptions = IsolationOptions & {
  readonly mitigations?: MitigationProfile;
  /** Hard CPU cap for the whole tree, percent of all CPUs. */
  readonly cpuRatePercent?: number;
  /** Forbid the command from creating any process (PROCESS_CREATION_CHILD_PROCESS_RESTRICTED). */
  readonly noChildProcesses?: boolean;
};

export type WindowsPlan = {
  readonly job: JobPlan;
  readonly spawn: {
    /** Only the stdio handles (and those the caller names) are inherited: PROC_THREAD_ATTRIBUTE_HANDLE_LIST. */
    readonly handleList: true;
    readonly bornInJob: true;
    readonly mitigation: readonly [bigint, bigint];
    readonly mitigationNames: readonly string[];
    readonly childProcessPolicy?: number;
    readonly env: Readonly<Record<string, string>>;
    readonly cwd: string;
  };
  readonly isolation: IsolationPlan;
  readonly report: readonly GuaranteeReport[];
};

/** Rows that Wine 8 reproduces faithfully (measured); everything else it accepts without enforcing. */
const faithfulUnderWine = new Set(["tree.kill", "tree.exit", "limits.timeoutMs", "handles.listed-only"]);

export function planWindows(policy: ResolvedPolicy, host: WindowsHost, opts: WindowsOptions = {}): WindowsPlan {
  if (policy.user !== undefined) {
    throw new PolicyError("user", "Windows has no uids: name a dedicated account with the Windows option `identity: \"account\"` and `name`");
  }
  refusePty(policy, "Windows");
  const { job, report: jobReport } = planJob(policy.limits, opts.cpuRatePercent);
  const profile = opts.mitigations ?? "ci";
  const { words, names } = mitigationWords(profile);
  const isolation = planIsolation(policy, host, opts, `${policy.cwd}\n${policy.fs.read.join("\n")}\n${policy.fs.write.join("\n")}`);

  let report: GuaranteeReport[] = [
    ...jobReport,
    { guarantee: "handles.listed-only", status: "enforced", by: ["PROC_THREAD_ATTRIBUTE_HANDLE_LIST"] },
    { guarantee: "proc.mitigations", status: "enforced", by: [`PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY (${profile}: ${names.join(", ")})`] },
    ...isolation.report,
  ];
  if (opts.noChildProcesses) report.push({ guarantee: "proc.no-children", status: "enforced", by: ["PROC_THREAD_ATTRIBUTE_CHILD_PROCESS_POLICY"] });
  if (host.wine !== undefined) {
    const reason = `Wine ${host.wine} accepts this mechanism but does not enforce it`;
    report = report.map((g) => (faithfulUnderWine.has(g.guarantee) || g.status === "not-enforced" ? g : { guarantee: g.guarantee, status: "not-enforced", by: [], reason }));
  }

  if (policy.compat === "hard") {
    const missing = report.filter((g) => g.status !== "enforced").map((g) => ({ guarantee: g.guarantee, reason: g.reason ?? g.status }));
    if (missing.length) throw new CompatError(missing);
  }

  return {
    job,
    spawn: {
      handleList: true,
      bornInJob: true,
      mitigation: words,
      mitigationNames: names,
      ...(opts.noChildProcesses ? { childProcessPolicy: 0x1 } : {}),
      env: policy.env,
      cwd: policy.cwd,
    },
    isolation,
    report,
  };
}

export { commandLine, quoteArg } from "./command-line.ts";
export { mitigations, mitigationWords, type Mitigation, type MitigationProfile } from "./mitigation.ts";
export { planJob, allUiRestrictions, type JobPlan } from "./job.ts";
export { planIsolation, containerName, type Identity, type AclGrant, type WfpFilter, type IsolationPlan } from "./isolation.ts";
export { windowsVerdicts, type WindowsVerdict } from "./verdict.ts";
export * from "./constants.ts";
