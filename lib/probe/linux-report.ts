// The report a Linux sandbox of `policy` carries on a described host: the
// guarantees of planLinux, the same pure plan the backend carries out,
// without creating anything. Best-effort, so a weak host answers with what
// it lacks instead of refusing.
import { planLinux, type LinuxPlanHost } from "../plan/linux/index.ts";
import { containmentHostOf, sandboxHostOf } from "../host/linux/views.ts";
import type { LinuxHostModel } from "../host/linux/types.ts";
import type { ResolvedPolicy } from "../policy/types.ts";
import type { GuaranteeReport } from "../report.ts";

/** The host model as planLinux takes it: its sandbox and containment views. */
export function planHostOf(host: LinuxHostModel): LinuxPlanHost {
  return { sandbox: sandboxHostOf(host), containment: containmentHostOf(host) };
}

export function linuxReport(policy: ResolvedPolicy, host: LinuxPlanHost): GuaranteeReport[] {
  return [...planLinux({ ...policy, compat: "best-effort" }, host).report];
}
