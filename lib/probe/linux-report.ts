// The report a Linux sandbox of `policy` carries on a described host, from
// the same pure planners and in the same order as lib/backend/linux/sandbox.ts
// assembles it (landlock, folded with what other mechanisms cover; the
// sandbox plan; containment), without creating anything. Best-effort, so a
// weak host answers with what it lacks instead of refusing.
import { planContainment } from "../plan/linux/containment.ts";
import type { ContainmentHost } from "../plan/linux/containment-host.ts";
import { landlockGuarantees, planLandlock } from "../plan/linux/landlock/index.ts";
import { bestEffortRights, coveredElsewhere, foldCovered, planSandbox, type SandboxHost } from "../plan/linux/sandbox.ts";
import { containmentHostOf, sandboxHostOf } from "../host/linux/views.ts";
import type { LinuxHost } from "../host/linux/types.ts";
import type { ResolvedPolicy } from "../policy/types.ts";
import type { GuaranteeReport } from "../report.ts";

/** A host as the planners take it: a described one, or the host model's views (plannedHost). */
export type LinuxHostViews = { readonly sandbox: SandboxHost; readonly containment: ContainmentHost };

export function plannedHost(host: LinuxHost): LinuxHostViews {
  return { sandbox: sandboxHostOf(host), containment: containmentHostOf(host) };
}

export function linuxReport(policy: ResolvedPolicy, host: LinuxHostViews): GuaranteeReport[] {
  const p = { ...policy, compat: "best-effort" as const };
  const plan = planSandbox(p, host.sandbox);
  // Landlock and the covered rights see the network mode the plan applies (host grants change it).
  const applied = { ...p, net: plan.net };
  const covered = coveredElsewhere(applied, host.sandbox, plan);
  const rights = bestEffortRights(covered);
  const landlock = planLandlock(applied, { abi: host.sandbox.landlockAbi }, { compat: { default: "best-effort", rights } });
  // The backend plans containment with the pid namespace the sandbox probe found.
  const containment = planContainment(p, { ...host.containment, pidNamespace: host.sandbox.namespaces !== "none" });
  return [...foldCovered(landlockGuarantees(landlock.report), covered), ...plan.report, ...containment.report];
}
