// The report a Linux sandbox of `policy` carries on a described host: the
// guarantees of planLinux, the same pure plan the backend carries out,
// without creating anything. Best-effort, so a weak host answers with what
// it lacks instead of refusing.
import { planLinux, type LinuxHost as PlanHost } from "../plan/linux/index.ts";
import { containmentHostOf, sandboxHostOf } from "../host/linux/views.ts";
import type { LinuxHost as HostModel } from "../host/linux/types.ts";
import type { ResolvedPolicy } from "../policy/types.ts";
import type { GuaranteeReport } from "../report.ts";

/** A host as planLinux takes it: a described one, or the host model's views (plannedHost). */
export type LinuxHostViews = PlanHost;

export function plannedHost(host: HostModel): LinuxHostViews {
  return { sandbox: sandboxHostOf(host), containment: containmentHostOf(host) };
}

export function linuxReport(policy: ResolvedPolicy, host: LinuxHostViews): GuaranteeReport[] {
  return [...planLinux({ ...policy, compat: "best-effort" }, host).report];
}
