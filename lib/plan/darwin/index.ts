// macOS plan: a resolved policy becomes a Seatbelt profile, rlimits and the
// launcher's arguments, with the report of what they enforce.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import type { LaunchSpec } from "./launcher.ts";
import { darwinReport, type DarwinHost } from "./report.ts";
import { darwinRlimits } from "./rlimits.ts";
import { compileSeatbelt } from "./seatbelt.ts";
import { dedicatedUid } from "./dedicated.ts";
import { refusePty } from "../pty.ts";
import { proxyEnv } from "../egress-proxy.ts";

export type DarwinPlan = {
  readonly launch: LaunchSpec;
  /** Kill every process of this uid when the deadline passes (only with a dedicated uid). */
  readonly killUid?: number;
  readonly report: readonly GuaranteeReport[];
  /** Variables the command gets on top of the policy's: with host grants, where cordon's proxy listens. */
  readonly env: Readonly<Record<string, string>>;
};

export function planDarwin(policy: ResolvedPolicy, host: DarwinHost = {}): DarwinPlan {
  refusePty(policy, "macOS");
  const killUid = dedicatedUid(policy, host.callerUid);
  const launch: LaunchSpec = {
    newSession: true,
    rlimits: darwinRlimits(policy.limits, killUid !== undefined),
    ...(policy.user ? { user: policy.user } : {}),
    ...(host.enclosingSandbox === undefined ? { profile: compileSeatbelt(policy, policy.egress ? host.egressProxyPort : undefined) } : {}),
  };
  return {
    launch,
    ...(killUid !== undefined ? { killUid } : {}),
    report: darwinReport(policy, host),
    env: policy.egress && host.egressProxyPort !== undefined ? proxyEnv(host.egressProxyPort) : {},
  };
}

export { compileSeatbelt, type SeatbeltProfile } from "./seatbelt.ts";
export { launcherArgv, type LaunchSpec } from "./launcher.ts";
export { darwinReport, type DarwinHost } from "./report.ts";
export { darwinRlimits, RLIMIT, type Rlimit } from "./rlimits.ts";
export { dedicatedUid } from "./dedicated.ts";
export { seatbeltEgress, darwinEgressReport } from "./egress.ts";
