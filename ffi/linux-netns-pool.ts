// The network namespace pool (cordon_linux_netns_pool.h): fresh network
// namespaces made by a native thread ahead of the spawns that join them, of
// two kinds: plain (lo down) and loopback-up (lo up).
import { linux } from "./linux.ts";
import { intArg } from "./common.ts";
import { InvalidArgumentError } from "./errors.ts";
import { CORDON_NETNS_POOL_LOOPBACK_UP, CORDON_NETNS_POOL_MAX, CORDON_NETNS_POOL_PLAIN } from "./generated/linux-layouts.ts";

export const NETNS_POOL_MAX = CORDON_NETNS_POOL_MAX;

/** The kinds of namespace the pool holds: only lo, down (what CLONE_NEWNET gives), or only lo, up. */
export const NETNS_KIND = { plain: CORDON_NETNS_POOL_PLAIN, loopbackUp: CORDON_NETNS_POOL_LOOPBACK_UP } as const;
export type NetnsKind = keyof typeof NETNS_KIND;

/** The header's number for `kind`; anything else is refused before it reaches the library. */
function kindArg(kind: unknown): number {
  if (typeof kind !== "string" || !Object.hasOwn(NETNS_KIND, kind)) throw new InvalidArgumentError("kind", kind, `one of ${Object.keys(NETNS_KIND).join(", ")}`);
  return NETNS_KIND[kind as NetnsKind];
}

/** Holds up to `target` namespaces of `kind` (the thread started if need be): 0, or the kind's kept failure (-errno: none of it is ever made). */
export function netnsPoolFill(kind: NetnsKind, target: number): number {
  return linux().cordon_linux_netns_pool_fill(kindArg(kind), intArg(target, "target", 0, NETNS_POOL_MAX));
}

/** A fresh namespace's fd of `kind` (the caller's to close once one spawn joined it), or a negative errno: none ready (-EAGAIN) or the kind's kept failure. */
export function netnsPoolTake(kind: NetnsKind): number {
  return linux().cordon_linux_netns_pool_take(kindArg(kind));
}

/** Closes every held namespace of both kinds; the thread ends. */
export function netnsPoolDrain(): void {
  linux().cordon_linux_netns_pool_drain();
}
