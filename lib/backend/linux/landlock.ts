// Builds the landlock ruleset of a plan in this (parent) process. Creating and
// filling a ruleset restricts nobody; the spawned child restricts itself with
// the fd (LinuxSpawnOptions.landlock) and the caller closes it after spawn.
import { CordonError } from "../../../ffi/errors.ts";
import { addNetRule, addPathRule, createRuleset, landlockAbiProbe, openPath } from "../../../ffi/linux-landlock.ts";
import { closeFd } from "../../../ffi/linux.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import {
  FS_FILE_RIGHTS,
  type LandlockOptions,
  type LandlockPlan,
  type LandlockReport,
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

/** A built ruleset: the spawn spine takes `rulesetFd` and `restrictFlags`; the caller closes the fd after spawn. */
export type LandlockRuleset = { readonly rulesetFd: number; readonly restrictFlags: number; readonly report: LandlockReport };

/** Nothing to restrict (the plan says why in its report). */
export type NoLandlock = { readonly rulesetFd: undefined; readonly restrictFlags: 0; readonly report: LandlockReport };

/**
 * Creates the plan's ruleset and adds its rules. A grant path that is missing
 * or cannot be opened throws an OsError naming it; the ruleset is closed on
 * any failure.
 */
export function buildLandlock(plan: LandlockPlan): LandlockRuleset | NoLandlock {
  if (!plan.apply) return { rulesetFd: undefined, restrictFlags: 0, report: plan.report };
  if (plan.attrSize === 0) throw new CordonError("landlock plan applies but has no ruleset size", "INTERNAL");
  const rulesetFd = createRuleset({ handledFs: plan.handledFs, handledNet: plan.handledNet, scoped: plan.scoped, size: plan.attrSize });
  const kinds = new Map<string, "directory" | "file">();
  try {
    for (const rule of plan.rules) {
      const fd = openPath(rule.path);
      try {
        kinds.set(rule.path, addPathRule(rulesetFd, fd, rule.access, rule.fileAccess, rule.path));
      } finally {
        closeFd(fd);
      }
    }
    for (const rule of plan.netRules) addNetRule(rulesetFd, rule.port, rule.access);
  } catch (e) {
    closeFd(rulesetFd);
    throw e;
  }
  // A file grant carries only file rights; directory-only ones do not apply to it.
  const rules = plan.report.rules.map((r) => {
    const kind = kinds.get(r.target);
    if (kind === undefined) return r;
    if (kind === "directory") return { ...r, kind };
    const granted = r.granted.filter((n) => namesOf("fs", FS_FILE_RIGHTS).includes(n));
    return { ...r, kind, granted };
  });
  return { rulesetFd, restrictFlags: plan.restrictFlags, report: { ...plan.report, rules } };
}

/** Plans for this host (ABI cap honoured) and builds the ruleset. */
export function prepareLandlock(policy: Pick<ResolvedPolicy, "fs" | "net" | "compat">, options: LandlockOptions = {}): LandlockRuleset | NoLandlock {
  return buildLandlock(planLandlock(policy, landlockFeatures(), options));
}
