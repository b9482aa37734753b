/* cordon_linux_netns_pool.h — fresh network namespaces made ahead of the spawns that join them. */
#ifndef CORDON_LINUX_NETNS_POOL_H
#define CORDON_LINUX_NETNS_POOL_H

/*
 * A process-wide pool of new network namespaces, each held as an fd of the
 * caller's process (O_RDONLY | O_CLOEXEC), made by one native thread of
 * cordon's own so that the kernel's cost of a new network namespace is not
 * paid inside a spawn. While fewer than the target are held, the thread does
 * unshare(CLONE_NEWNET) (which changes only that thread), opens
 * /proc/thread-self/ns/net, and joins the process's own network namespace
 * again (an fd it opened before its first unshare); then it sleeps until
 * fill or drain wakes it. A namespace made so is what clone3 with
 * CLONE_NEWNET would give the spawn (only lo, down), owned by the caller's
 * user namespace: a spawn joins it with CORDON_SPAWN_JOIN_NETNS, never
 * together with CLONE_NEWUSER.
 * The first failure is kept for the process's life and nothing more is made:
 * an unshare refused (EPERM: no CAP_SYS_ADMIN), an open that failed, or a
 * failed return to the process's namespace (the thread then ends at once; it
 * is in the wrong namespace). fill and take return it from then on.
 * No callback reaches the caller; take is a synchronous pop, safe from any
 * thread.
 */

#define CORDON_NETNS_POOL_MAX 16   /* fill's target is clamped to this */

/** @domain errno — sets the number of namespaces to hold (clamped to CORDON_NETNS_POOL_MAX), starting the thread if it is not running, and wakes it. Returns 0, or the kept failure (-errno) when the pool makes nothing. */
CORDON_API cordon_status cordon_linux_netns_pool_fill(uint32_t target);

/** @domain errno — one held namespace, oldest first: its fd, which now belongs to the caller (to be joined by one spawn, then closed). -EAGAIN when none is ready, or the kept failure. The thread is not woken: a namespace made while the caller's spawn is being made delays that spawn about as much as CLONE_NEWNET would (measured), so the caller calls fill once its spawn call has returned. */
CORDON_API cordon_status cordon_linux_netns_pool_take(void);

/** @domain errno — target 0: closes every held fd and waits (briefly: at most one namespace being made) for the thread to end, unless a fill meanwhile asked for more. Returns 0. */
CORDON_API cordon_status cordon_linux_netns_pool_drain(void);

#endif
