// Builds the landlock ruleset of a plan in this (parent) process. Creating and
// filling a ruleset restricts nobody; the spawned child restricts itself with
// the fd (LinuxSpawnOptions.landlock) and the caller closes it after spawn.
import { CordonError } from "../../../ffi/errors.ts";
import { RULE_KIND, addNetRule, addPathRule, addPathRules, createRuleset, landlockAbiProbe, packPathRules } from "../../../ffi/linux-landlock.ts";
import { closeFd } from "../../../ffi/linux.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GrantFds } from "./grant-fds.ts";
import {
  FS_FILE_RIGHTS,
  type LandlockOptions,
  type LandlockPlan,
  type LandlockReport,
  type NetRule,
  namesOf,
  planLandlock,
} from "../../plan/linux/landlock/index.ts";

/**
 * CORDON_LANDLOCK_ABI_CAP=N (debug and test option): use at most landlock ABI
 * N, whatever the kernel offers, so the code paths and reports of older ABIs
 * run on a new kernel. 0 means "as if landlock were absent".
 */
export const ABI_CAP_VARIABLE = "CORDON_LANDLOCK_ABI_CAP";

export function landlockAbiCap(env: Readonly<Record<string, string | undefined>> = process.env): number | undefined {
  const raw = env[ABI_CAP_VARIABLE];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new CordonError(`${ABI_CAP_VARIABLE}=${raw}: expected a landlock ABI number (0 or more)`, "BAD_ENVIRONMENT");
  return n;
}

export type LandlockHostFeatures = { readonly abi: number; readonly kernelAbi: number; readonly cap?: number; readonly unavailable?: string };

const why: Record<string, string> = {
  EOPNOTSUPP: "disabled on this kernel (EOPNOTSUPP: not in the lsm= list)",
  ENOSYS: "not built into this kernel (ENOSYS)",
};

/** The ABI to plan for: the kernel's, lowered to the cap when one is set; for ABI 0, why. */
export function landlockFeatures(env?: Readonly<Record<string, string | undefined>>): LandlockHostFeatures {
  const probe = landlockAbiProbe();
  const kernelAbi = probe.abi;
  const cap = landlockAbiCap(env);
  const abi = cap === undefined ? kernelAbi : Math.min(kernelAbi, cap);
  const unavailable =
    kernelAbi === 0 ? (why[probe.errorName ?? ""] ?? probe.errorName) : abi === 0 ? `${ABI_CAP_VARIABLE}=${cap}` : undefined;
  return { abi, kernelAbi, ...(cap === undefined ? {} : { cap }), ...(unavailable === undefined ? {} : { unavailable }) };
}

/** A built ruleset: the native spawn takes `rulesetFd` and `restrictFlags`; the caller closes the fd after spawn. */
export type LandlockRuleset = { readonly rulesetFd: number; readonly restrictFlags: number; readonly report: LandlockReport };

/** Nothing to restrict (the plan says why in its report). */
export type NoLandlock = { readonly rulesetFd: undefined; readonly restrictFlags: 0; readonly report: LandlockReport };

const FILE_RIGHT_NAMES: ReadonlySet<string> = new Set(namesOf("fs", FS_FILE_RIGHTS));

/** The plan's report with each path rule's kind; a file grant carries only file rights, directory-only ones do not apply to it. */
function reportWithKinds(plan: LandlockPlan, kinds: Uint8Array): LandlockReport {
  const kindOf = new Map<string, number>();
  plan.rules.forEach((r, i) => kindOf.set(r.path, kinds[i]!));
  const rules = plan.report.rules.map((r) => {
    const kind = kindOf.get(r.target);
    if (kind === undefined) return r;
    if (kind === RULE_KIND.directory) return Object.freeze({ ...r, kind: "directory" as const });
    return Object.freeze({ ...r, kind: "file" as const, granted: Object.freeze(r.granted.filter((n) => FILE_RIGHT_NAMES.has(n))) });
  });
  return Object.freeze({ ...plan.report, rules: Object.freeze(rules) });
}

/**
 * Creates the plan's ruleset and adds its rules (the path rules in one native
 * call). A grant path that is missing or cannot be opened throws an OsError
 * naming it; the ruleset is closed on any failure. Nothing the kernel holds
 * (ruleset or path fds) outlives the call except the returned ruleset fd.
 * With `grants` (grant-fds.ts), a rule for a grant opened there goes on that
 * fd, checked against the policy's resolution, never on what its path names
 * by now; the others (the system set) are opened by path in the batch.
 */
export function buildLandlock(plan: LandlockPlan, grants?: GrantFds, moreNetRules: readonly NetRule[] = []): LandlockRuleset | NoLandlock {
  if (!plan.apply) return { rulesetFd: undefined, restrictFlags: 0, report: plan.report };
  if (plan.attrSize === 0) throw new CordonError("landlock plan applies but has no ruleset size", "INTERNAL");
  const rulesetFd = createRuleset({ handledFs: plan.handledFs, handledNet: plan.handledNet, scoped: plan.scoped, size: plan.attrSize });
  let kinds: Uint8Array;
  try {
    kinds = grants?.byPath.size ? addRules(rulesetFd, plan, grants) : addPathRules(rulesetFd, packPathRules(plan.rules));
    for (const rule of [...plan.netRules, ...moreNetRules]) addNetRule(rulesetFd, rule.port, rule.access);
  } catch (e) {
    closeFd(rulesetFd);
    throw e;
  }
  // Built when read: a spawn's own report is the plan's, and this one (each rule's kind) costs a frozen copy per rule.
  let report: LandlockReport | undefined;
  return {
    rulesetFd,
    restrictFlags: plan.restrictFlags,
    get report() {
      return (report ??= reportWithKinds(plan, kinds));
    },
  };
}

/** The rules of opened grants on their fds, the rest in one batch by path; kinds in the plan's order. */
function addRules(rulesetFd: number, plan: LandlockPlan, grants: GrantFds): Uint8Array {
  const kinds = new Uint8Array(plan.rules.length);
  const byPath: number[] = [];
  plan.rules.forEach((r, i) => {
    const fd = grants.fd(r.path);
    if (fd === undefined) byPath.push(i);
    else kinds[i] = addPathRule(rulesetFd, fd, r.access, r.fileAccess, r.path) === "directory" ? RULE_KIND.directory : RULE_KIND.file;
  });
  const batched = addPathRules(rulesetFd, packPathRules(byPath.map((i) => plan.rules[i]!)));
  byPath.forEach((ri, j) => (kinds[ri] = batched[j]!));
  return kinds;
}

/** Plans for this host (ABI cap honoured) and builds the ruleset (on `grants`' fds when given). */
export function prepareLandlock(policy: Pick<ResolvedPolicy, "fs" | "net" | "compat">, options: LandlockOptions = {}, grants?: GrantFds): LandlockRuleset | NoLandlock {
  return buildLandlock(planLandlock(policy, landlockFeatures(), options), grants);
}
