// Fresh network namespaces for the spawns that need one, made ahead by the
// native pool (ffi/linux-netns-pool.ts): the kernel's ~0.35 ms for a new
// network namespace is then paid on cordon's own thread, not inside clone3 on
// this one. A spawn joins a namespace taken here instead of asking clone3 for
// CLONE_NEWNET: the same namespace either way (new, only lo, down), so the
// report does not change. When none is ready, or the pool can make none (not
// root), the spawn asks clone3 as before. Each namespace serves one spawn: the
// caller closes the fd right after its spawn call, whatever its outcome, and
// only then is the pool refilled.
import { ERRNO } from "../../../ffi/generated/linux-tables.ts";
import { netnsPoolDrain, netnsPoolFill, netnsPoolTake } from "../../../ffi/linux-netns-pool.ts";
import { closeFd } from "../../../ffi/linux.ts";

/** Namespaces held ready once a spawn asked for one. */
export const NETNS_POOL_TARGET = 4;
/** The held namespaces are closed (and the thread ends) once none was taken for this long, as the cgroup pool's spares. */
export const NETNS_POOL_IDLE_MS = 2000;

/** The pool can make nothing here (its failure is kept natively too): no more calls. */
let unavailable = false;
let timer: ReturnType<typeof setTimeout> | undefined;
let taken = 0;

/**
 * A fresh network namespace's fd for one spawn, or undefined: ask clone3.
 * The caller gives it back with spentNetns right after its spawn call, whatever
 * its outcome (the fd closed, the pool refilled then: a namespace made during
 * the spawn would slow that spawn as much as clone3 making it).
 */
export function takeNetns(): number | undefined {
  if (unavailable) return undefined;
  if (timer) timer.refresh();
  else {
    timer = setTimeout(drainNetnsPool, NETNS_POOL_IDLE_MS);
    // Held namespaces must not keep the process alive.
    timer.unref?.();
  }
  const fd = netnsPoolTake();
  if (fd >= 0) {
    taken++;
    return fd;
  }
  // None ready: the first spawn, or the pool was drained (here or by another
  // realm's idle spell); filling starts again for the next spawns.
  if (fd === -ERRNO.AGAIN && netnsPoolFill(NETNS_POOL_TARGET) >= 0) return undefined;
  // The pool makes nothing here (EPERM without CAP_SYS_ADMIN): kept natively, and this realm stops asking.
  unavailable = true;
  drainNetnsPool();
  return undefined;
}

/** After the spawn call that `fd` (from takeNetns) was for: closed, and the pool refilled in the background. */
export function spentNetns(fd: number): void {
  closeFd(fd);
  netnsPoolFill(NETNS_POOL_TARGET);
}

/** Closes every held namespace and ends the pool's thread (idle, and before leak checks: what is left after this is a leak). */
export function drainNetnsPool(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  netnsPoolDrain();
}

/** Namespaces spawns of this realm took from the pool so far (tests: the fast path is used). */
export function netnsTaken(): number {
  return taken;
}
