// What each grant was when its policy was resolved: the device and inode its
// real path named then. A backend that opens the grants again (to add a
// landlock rule, to bind it into a view) refuses one that is no longer that
// file, so a directory swapped for a symlink between resolution and spawn
// never carries the grant to where the symlink leads. Kept beside the policy
// object (the policy itself stays plain data): a copy or a policy built by
// hand has none, and is opened as it names its paths.
import type { ResolvedPolicy } from "./types.ts";

export type Identity = { readonly dev: bigint; readonly ino: bigint };

const identities = new WeakMap<ResolvedPolicy, ReadonlyMap<string, Identity>>();

/** Records the identities of `policy`'s grants, by real path. */
export function recordIdentities(policy: ResolvedPolicy, ids: ReadonlyMap<string, Identity>): void {
  identities.set(policy, ids);
}

/** The identities recorded when `policy` was resolved (empty for a policy made elsewhere). */
export function identitiesOf(policy: ResolvedPolicy): ReadonlyMap<string, Identity> {
  return identities.get(policy) ?? new Map();
}
