// Fresh network namespaces for the spawns that need one, made ahead by the
// native pool (ffi/linux-netns-pool.ts): the kernel's ~0.35 ms for a new
// network namespace is then paid on cordon's own thread, not inside clone3 on
// this one. A spawn joins a namespace taken here instead of asking clone3 for
// CLONE_NEWNET: the same namespace either way, so the report does not change.
// Two kinds: plain (only lo, down: what CLONE_NEWNET gives, and what `net:
// "none"` documents) and loopback-up (only lo, up: what a spawn with host
// grants makes in its child before the relay's sockets, the kernel's work of
// bringing lo up then off the spawn's path too). Each kind is held only once a
// spawn asked for it. When none is ready, or the pool can make none of the
// kind (not root), the spawn asks clone3 (and its child for lo up) as before.
// Each namespace serves one spawn: the caller closes the fd right after its
// spawn call, whatever its outcome, and only then is the pool refilled.
import { ERRNO } from "../../../ffi/generated/linux-tables.ts";
import { netnsPoolDrain, netnsPoolFill, netnsPoolTake, type NetnsKind } from "../../../ffi/linux-netns-pool.ts";
import { closeFd } from "../../../ffi/linux.ts";

export type { NetnsKind };

/** Namespaces of each kind held ready once a spawn asked for one: host grants are the rarer spawn, and a namespace with lo up holds more of the kernel's memory. */
export const NETNS_POOL_TARGET: Readonly<Record<NetnsKind, number>> = { plain: 4, loopbackUp: 2 };
/** The held namespaces are closed (and the thread ends) once none was taken for this long, as the cgroup pool's spares. */
const NETNS_POOL_IDLE_MS = 2000;

/** Kinds the pool can make nothing of here (the failure is kept natively too): no more calls for them. */
const unavailable = new Set<NetnsKind>();
let timer: ReturnType<typeof setTimeout> | undefined;
const taken: Record<NetnsKind, number> = { plain: 0, loopbackUp: 0 };

/**
 * A fresh network namespace's fd of `kind` for one spawn, or undefined: ask
 * clone3 (and, for loopbackUp, the child for lo up). The caller gives it back
 * with spentNetns right after its spawn call, whatever its outcome (the fd
 * closed, the pool refilled then: a namespace made during the spawn would
 * slow that spawn as much as clone3 making it).
 */
export function takeNetns(kind: NetnsKind): number | undefined {
  if (unavailable.has(kind)) return undefined;
  if (timer) timer.refresh();
  else {
    timer = setTimeout(drainNetnsPool, NETNS_POOL_IDLE_MS);
    // Held namespaces must not keep the process alive.
    timer.unref?.();
  }
  const fd = netnsPoolTake(kind);
  if (fd >= 0) {
    taken[kind]++;
    return fd;
  }
  // None ready: the first spawn of this kind, or the pool was drained (here
  // or by another realm's idle spell); filling starts again for the next spawns.
  if (fd === -ERRNO.AGAIN && netnsPoolFill(kind, NETNS_POOL_TARGET[kind]) >= 0) return undefined;
  // The pool makes none of this kind here (EPERM without CAP_SYS_ADMIN, or lo
  // refused without CAP_NET_ADMIN): kept natively, and this realm stops asking.
  unavailable.add(kind);
  if (unavailable.size === Object.keys(NETNS_POOL_TARGET).length) drainNetnsPool();
  return undefined;
}

/** After the spawn call that `fd` (from takeNetns(kind)) was for: closed, and that kind refilled in the background. */
export function spentNetns(fd: number, kind: NetnsKind): void {
  closeFd(fd);
  netnsPoolFill(kind, NETNS_POOL_TARGET[kind]);
}

/** Closes every held namespace and ends the pool's thread (idle, and before leak checks: what is left after this is a leak). */
export function drainNetnsPool(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  netnsPoolDrain();
}

/** Namespaces spawns of this realm took from the pool so far, of `kind` or of both (tests: the fast path is used). */
export function netnsTaken(kind?: NetnsKind): number {
  return kind ? taken[kind] : taken.plain + taken.loopbackUp;
}
