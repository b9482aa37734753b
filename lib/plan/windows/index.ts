// Windows plan: a resolved policy and a host description become a job object,
// the spawn attributes (handle list, job list, mitigations), an identity
// (AppContainer, account or low integrity) with its DACL grants and WFP
// filters, and the report of what enforces each guarantee here. Pure: no I/O.
// A mechanism the host lacks (hostGaps: measured under Wine) turns every row
// that needs it into "not-enforced" with the host's own reason, and hard mode
// refuses those rows before anything is created.
import { CompatError, PolicyError } from "../../errors.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { windowsEnv } from "./env.ts";
import { hostGaps, type WindowsHost } from "./host.ts";
import { planIsolation, type IsolationOptions, type IsolationPlan } from "./isolation.ts";
import { planJob, type JobPlan } from "./job.ts";
import { refusePty } from "../pty.ts";
import { mitigationWords, type MitigationProfile } from "./mitigation.ts";
import { needing } from "./rows.ts";
import { egressNotEnforced } from "../egress-elsewhere.ts";
import { proxyEnv } from "../egress-proxy.ts";

export type WindowsOptions = IsolationOptions & {
  readonly mitigations?: MitigationProfile;
  /** Hard CPU cap for the whole tree, percent of all CPUs. */
  readonly cpuRatePercent?: number;
  /** Forbid the command from creating any process (PROC_THREAD_ATTRIBUTE_CHILD_PROCESS_POLICY). */
  readonly noChildProcesses?: boolean;
};

export type WindowsPlan = {
  /** The policy's mode: hard refuses what the host or a check made as the account finds not enforced. */
  readonly compat: ResolvedPolicy["compat"];
  readonly job: JobPlan;
  readonly spawn: {
    /** Only the stdio handles are inherited: PROC_THREAD_ATTRIBUTE_HANDLE_LIST. */
    readonly handleList: true;
    readonly bornInJob: true;
    readonly mitigation: readonly [bigint, bigint];
    readonly mitigationNames: readonly string[];
    readonly childProcessPolicy?: number;
    /** The policy's environment, with the private TMPDIR as TMP and TEMP too. */
    readonly env: Readonly<Record<string, string>>;
    readonly cwd: string;
  };
  readonly isolation: IsolationPlan;
  readonly report: readonly GuaranteeReport[];
  /** What the host description changes, for the report's host notes. */
  readonly notes: readonly string[];
};

export function planWindows(policy: ResolvedPolicy, host: WindowsHost, opts: WindowsOptions = {}): WindowsPlan {
  if (policy.user !== undefined) {
    throw new PolicyError("user", "Windows has no uids: name a dedicated account with the Windows option `identity: \"account\"` and `name`");
  }
  refusePty(policy, "Windows");
  const gaps = hostGaps(host);
  const { job, report: jobReport } = planJob(policy.limits, gaps, opts.cpuRatePercent);
  const profile = opts.mitigations ?? "ci";
  const { words, names } = mitigationWords(profile);
  const isolation = planIsolation(policy, host, gaps, opts, `${policy.cwd}\n${policy.fs.read.join("\n")}\n${policy.fs.write.join("\n")}`);

  const report: GuaranteeReport[] = [
    ...jobReport,
    needing(gaps, ["handle-list"], { guarantee: "handles.listed-only", status: "enforced", by: ["PROC_THREAD_ATTRIBUTE_HANDLE_LIST"] }),
    needing(gaps, ["mitigations"], { guarantee: "proc.mitigations", status: "enforced", by: [`PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY (${profile}: ${names.join(", ")})`] }),
    ...isolation.report,
    ...(policy.egress && !isolation.report.some((g) => g.guarantee === "net.hosts-only") ? egressNotEnforced(policy, "Windows") : []),
  ];
  if (opts.noChildProcesses) report.push(needing(gaps, ["child-process-policy"], { guarantee: "proc.no-children", status: "enforced", by: ["PROC_THREAD_ATTRIBUTE_CHILD_PROCESS_POLICY"] }));

  if (policy.compat === "hard") {
    const missing = report.filter((g) => g.status !== "enforced").map((g) => ({ guarantee: g.guarantee, reason: g.reason ?? g.status }));
    if (missing.length) throw new CompatError(missing);
  }

  const identity = isolation.identity.kind + (host.elevated ? " (elevated)" : " (unprivileged)");
  return {
    compat: policy.compat,
    job,
    spawn: {
      handleList: true,
      bornInJob: true,
      mitigation: words,
      mitigationNames: names,
      ...(opts.noChildProcesses ? { childProcessPolicy: 0x1 } : {}),
      env: {
        ...windowsEnv(policy.env, policy.tmpDir),
        ...(isolation.apply && isolation.profile ? isolation.profile.env : {}),
        ...(isolation.egressProxy && opts.egressProxyPort !== undefined ? proxyEnv(opts.egressProxyPort) : {}),
      },
      cwd: policy.cwd,
    },
    isolation,
    report,
    notes: [
      `identity: ${identity}${isolation.apply ? "" : ", not applied on this host"}`,
      ...(host.wine !== undefined ? [`Wine ${host.wine}: job lifetime, completion port and handle lists are faithful; the security layer is accepted but not enforced (each row says which mechanism)`] : []),
    ],
  };
}

export { commandLine, quoteArg } from "./command-line.ts";
export { mitigations, mitigationWords, type Mitigation, type MitigationProfile } from "./mitigation.ts";
export { planJob, allUiRestrictions, type JobPlan } from "./job.ts";
export { egressFilters, planWindowsEgress, type WindowsEgress } from "./egress.ts";
export { planIsolation, containerName, type Identity, type AclGrant, type WfpFilter, type WfpLayer, type IsolationPlan } from "./isolation.ts";
export { windowsVerdicts, type WindowsVerdict } from "./verdict.ts";
export { hostGaps, type WindowsHost, type WindowsMechanism } from "./host.ts";
export { wineGaps } from "./wine.ts";
export { windowsOnlyGuarantees } from "./guarantees.ts";
export { windowsEnv, envValue } from "./env.ts";
export * from "./constants.ts";
export { planFetchExec, type FetchExecOptions, type FetchExecPlan } from "./two-account.ts";
export { startupExpectation, startupMismatches, handleFindings, CROSSING_PRIVILEGES, type StartupExpectation, type StartupObservation, type StartupMismatch, type TokenExpectation, type HandleSeen } from "./startup.ts";
export { linkOnTheWay, isLink, pathSteps, type PathInfo } from "./grants.ts";
export { grantChecks, accountProfile, type AccessExpectation } from "./account.ts";
