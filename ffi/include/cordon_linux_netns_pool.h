/* cordon_linux_netns_pool.h — fresh network namespaces made ahead of the spawns that join them. */
#ifndef CORDON_LINUX_NETNS_POOL_H
#define CORDON_LINUX_NETNS_POOL_H

/*
 * A process-wide pool of new network namespaces, each held as an fd of the
 * caller's process (O_RDONLY | O_CLOEXEC), made by one native thread of
 * cordon's own so that the kernel's cost of a new network namespace is not
 * paid inside a spawn. Two kinds are held, each up to its own target:
 * PLAIN, what clone3 with CLONE_NEWNET would give the spawn (only lo, down),
 * and LOOPBACK_UP, the same with lo brought up (SIOCSIFFLAGS IFF_UP), what a
 * spawn with CORDON_SPAWN_LOOPBACK_UP makes in its child.
 * While a kind has fewer than its target, the thread does
 * unshare(CLONE_NEWNET) (which changes only that thread), for LOOPBACK_UP
 * brings lo up there, opens /proc/thread-self/ns/net, and joins the
 * process's own network namespace again (an fd it opened before its first
 * unshare); when both kinds are short, the one holding fewer is made first.
 * Then it sleeps until fill or drain wakes it. Every namespace is owned by
 * the caller's user namespace: a spawn joins it with CORDON_SPAWN_JOIN_NETNS,
 * never together with CLONE_NEWUSER.
 * The first failure is kept for the process's life and nothing more is made:
 * an unshare refused (EPERM: no CAP_SYS_ADMIN), an open that failed, or a
 * failed return to the process's namespace (the thread then ends at once; it
 * is in the wrong namespace) stop both kinds; lo refused (EPERM: no
 * CAP_NET_ADMIN) stops LOOPBACK_UP only (that namespace is closed; PLAIN
 * ones are still made). fill and take of a stopped kind return its failure
 * from then on.
 * No callback reaches the caller; take is a synchronous pop, safe from any
 * thread.
 */

#define CORDON_NETNS_POOL_MAX 16   /* fill's target is clamped to this, per kind */

/* The kinds (fill's and take's `kind`; any other value: CORDON_E_INVALID_ARGUMENT). */
#define CORDON_NETNS_POOL_PLAIN       0   /* only lo, down */
#define CORDON_NETNS_POOL_LOOPBACK_UP 1   /* only lo, up: joined instead of CLONE_NEWNET + LOOPBACK_UP */

/** @domain errno — sets the number of namespaces of `kind` to hold (clamped to CORDON_NETNS_POOL_MAX), starting the thread if it is not running, and wakes it. Returns 0, the kind's kept failure (-errno) when the pool makes none of it, or CORDON_E_INVALID_ARGUMENT for an unknown kind. */
CORDON_API cordon_status cordon_linux_netns_pool_fill(uint32_t kind, uint32_t target);

/** @domain errno — one held namespace of `kind`, oldest first: its fd, which now belongs to the caller (to be joined by one spawn, then closed). -EAGAIN when none is ready, the kind's kept failure, or CORDON_E_INVALID_ARGUMENT for an unknown kind. The thread is not woken: a namespace made while the caller's spawn is being made delays that spawn about as much as CLONE_NEWNET would (measured), so the caller calls fill once its spawn call has returned. */
CORDON_API cordon_status cordon_linux_netns_pool_take(uint32_t kind);

/** @domain errno — every target 0: closes every held fd of both kinds and waits (briefly: at most one namespace being made) for the thread to end, unless a fill meanwhile asked for more. Returns 0. */
CORDON_API cordon_status cordon_linux_netns_pool_drain(void);

#endif
