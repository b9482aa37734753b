// FreeBSD plan: the reaper ends the whole tree, rlimits bound each process,
// rctl pools memory and processes under a dedicated uid when racct and root
// allow, and the report says plainly what stays unconfined.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { rctlFilter, rctlRules } from "./rctl.ts";
import { freebsdReport, type FreebsdHost } from "./report.ts";
import { freebsdRlimits, type Rlimit } from "./rlimits.ts";
import { dedicatedUid } from "../darwin/dedicated.ts";
import { refusePty } from "../pty.ts";

export type FreebsdPlan = {
  /** The caller becomes the reaper; each sandbox is one reaper subtree. */
  readonly reaper: true;
  readonly newSession: true;
  readonly rlimits: readonly Rlimit[];
  readonly user?: { readonly uid: number; readonly gid: number };
  /** rctl rules added before the spawn and removed (by `filter`) after the tree is gone. */
  readonly rctl?: { readonly rules: readonly string[]; readonly filter: string };
  readonly report: readonly GuaranteeReport[];
};

export function planFreebsd(policy: ResolvedPolicy, host: FreebsdHost): FreebsdPlan {
  refusePty(policy, "FreeBSD");
  const user = policy.user;
  const dedicated = dedicatedUid(policy, host.callerUid);
  const rules = dedicated !== undefined && host.root && host.racct ? rctlRules(dedicated, policy.limits) : [];
  return {
    reaper: true,
    newSession: true,
    rlimits: freebsdRlimits(policy.limits, dedicated !== undefined),
    ...(user ? { user } : {}),
    ...(dedicated !== undefined && rules.length > 0 ? { rctl: { rules, filter: rctlFilter(dedicated) } } : {}),
    report: freebsdReport(policy, host),
  };
}

export { rightsFor, RIGHT, type FdAccess } from "./capsicum.ts";
export { freebsdReport, type FreebsdHost } from "./report.ts";
export { freebsdRlimits, RLIMIT } from "./rlimits.ts";
export { rctlRules, rctlFilter } from "./rctl.ts";
// FreeBSD runs the same cordon-exec launcher as macOS, without Seatbelt flags.
export { launcherArgv, type LaunchSpec } from "../darwin/launcher.ts";
