// The network namespace pool (cordon_linux_netns_pool.h): fresh network
// namespaces made by a native thread ahead of the spawns that join them.
import { linux } from "./linux.ts";
import { intArg } from "./common.ts";
import { CORDON_NETNS_POOL_MAX } from "./generated/linux-layouts.ts";

export const NETNS_POOL_MAX = CORDON_NETNS_POOL_MAX;

/** Holds up to `target` namespaces (the thread started if need be): 0, or the pool's kept failure (-errno: nothing is ever made). */
export function netnsPoolFill(target: number): number {
  return linux().cordon_linux_netns_pool_fill(intArg(target, "target", 0, NETNS_POOL_MAX));
}

/** A fresh namespace's fd (the caller's to close once one spawn joined it), or a negative errno: none ready (-EAGAIN) or the kept failure. */
export function netnsPoolTake(): number {
  return linux().cordon_linux_netns_pool_take();
}

/** Closes every held namespace; the thread ends. */
export function netnsPoolDrain(): void {
  linux().cordon_linux_netns_pool_drain();
}
