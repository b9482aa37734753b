// A "dedicated uid" is what makes per-uid mechanisms (RLIMIT_NPROC, kill every
// process of the uid, rctl's user subject) count and end only the sandboxed
// tree. The caller's own uid and root are never dedicated: killing "every
// process of the uid" would then kill the caller's session or the system.
import type { ResolvedPolicy } from "../../policy/types.ts";

export function dedicatedUid(policy: Pick<ResolvedPolicy, "user">, callerUid: number | undefined): number | undefined {
  const uid = policy.user?.uid;
  if (uid === undefined || uid === 0 || uid === callerUid) return undefined;
  return uid;
}
