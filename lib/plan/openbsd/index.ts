// OpenBSD plan: unveil the grants, pledge the launcher to "stdio exec" and
// the program to the execpromises, which also keep the unveil list alive
// across execve. Bun does not run on OpenBSD yet; this plan is what the
// launcher would be given, and is unit-tested on any OS.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import type { LaunchSpec } from "../darwin/launcher.ts";
import { execPromises, LAUNCHER_PROMISES } from "./pledge.ts";
import { openbsdReport } from "./report.ts";
import { openbsdRlimits } from "./rlimits.ts";
import { unveilList } from "./unveil.ts";
import { dedicatedUid } from "../darwin/dedicated.ts";
import { refusePty } from "../pty.ts";

export type OpenbsdPlan = { readonly launch: LaunchSpec; readonly report: readonly GuaranteeReport[] };

export function planOpenbsd(policy: ResolvedPolicy, callerUid?: number): OpenbsdPlan {
  refusePty(policy, "OpenBSD");
  const dedicated = dedicatedUid(policy, callerUid) !== undefined;
  return {
    launch: {
      newSession: true,
      rlimits: openbsdRlimits(policy.limits, dedicated),
      ...(policy.user ? { user: policy.user } : {}),
      unveil: unveilList(policy),
      pledge: { promises: LAUNCHER_PROMISES, execpromises: execPromises(policy) },
    },
    report: openbsdReport(policy, dedicated),
  };
}

export { execPromises, LAUNCHER_PROMISES } from "./pledge.ts";
export { unveilList } from "./unveil.ts";
export { openbsdRlimits, RLIMIT } from "./rlimits.ts";
export { launcherArgv } from "../darwin/launcher.ts";
