// The report a Linux sandbox of `policy` carries on a described host: the
// guarantees of planLinux, the same pure plan the backend carries out,
// without creating anything. Best-effort, so a weak host answers with what
// it lacks instead of refusing.
import { planLinux, type LinuxHost } from "../plan/linux/index.ts";
import type { ResolvedPolicy } from "../policy/types.ts";
import type { GuaranteeReport } from "../report.ts";

export type { LinuxHost } from "../plan/linux/index.ts";

export function linuxReport(policy: ResolvedPolicy, host: LinuxHost): GuaranteeReport[] {
  return [...planLinux({ ...policy, compat: "best-effort" }, host).report];
}
