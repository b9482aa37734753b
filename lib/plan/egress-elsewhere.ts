// Host grants (net.hosts) on a platform whose plan does not enforce them
// yet: the resolved policy gives these backends net "none" (so the command
// runs with no network at all), and their report says the grants do not hold,
// which hard mode refuses. Pure.
import type { ResolvedPolicy } from "../policy/types.ts";
import type { GuaranteeReport } from "../report.ts";

export function egressNotEnforced(policy: Pick<ResolvedPolicy, "egress">, platform: string): GuaranteeReport[] {
  if (!policy.egress) return [];
  return [
    {
      guarantee: "net.hosts-only",
      status: "not-enforced",
      by: [],
      reason: `host grants are enforced on Linux only so far (a network namespace and cordon's relay; docs/network.md); on ${platform} the command runs with no network at all`,
    },
  ];
}
