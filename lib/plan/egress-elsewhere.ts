// Host grants (net.hosts) where a plan does not enforce them (FreeBSD,
// OpenBSD; macOS and Windows where their mechanism is missing): the resolved
// policy gives these backends net "none" (so the command runs with no network
// at all), and their report says the grants do not hold, which hard mode
// refuses. Pure.
import type { ResolvedPolicy } from "../policy/types.ts";
import type { GuaranteeReport } from "../report.ts";

export function egressNotEnforced(policy: Pick<ResolvedPolicy, "egress">, platform: string): GuaranteeReport[] {
  if (!policy.egress) return [];
  return [
    {
      guarantee: "net.hosts-only",
      status: "not-enforced",
      by: [],
      reason: `host grants are not enforced on ${platform} by this plan (docs/network.md says where and how they are): the command runs with no network at all`,
    },
  ];
}
