/* cordon_linux_host.h — what this host lets a sandbox have, found by trying each thing once in a throw-away process. */
#ifndef CORDON_LINUX_HOST_H
#define CORDON_LINUX_HOST_H

/*
 * Bits of cordon_linux_host_probe's answer. Namespaces are made the way a
 * spawn makes them (clone3 with the namespace flags; clone where clone3 is
 * ENOSYS), each kind alone, directly and inside a new user namespace that
 * maps the caller's ids to themselves.
 */
#define CORDON_HOST_CLONE3              (1u << 0)  /* clone3 exists (not ENOSYS) */
#define CORDON_HOST_USER                (1u << 1)  /* a user namespace */
#define CORDON_HOST_DIRECT_SHIFT        2          /* bits 2..7: mount, pid, net, ipc, uts, cgroup made directly */
#define CORDON_HOST_IN_USER_SHIFT       8          /* bits 8..13: the same inside a new user namespace */
#define CORDON_HOST_PROC_DIRECT         (1u << 14) /* a fresh proc mounted in new mount + pid namespaces */
#define CORDON_HOST_PROC_IN_USER        (1u << 15) /* the same inside a user namespace */
#define CORDON_HOST_TMPFS_DIRECT        (1u << 16) /* a tmpfs mounted in a new mount namespace (the private root's) */
#define CORDON_HOST_TMPFS_IN_USER       (1u << 17)
#define CORDON_HOST_FSOPEN              (1u << 18) /* fsopen + fsconfig + fsmount of a tmpfs (in the probe's mount namespace) */
#define CORDON_HOST_OPEN_TREE           (1u << 19) /* open_tree(OPEN_TREE_CLONE) */
#define CORDON_HOST_MOVE_MOUNT          (1u << 20) /* move_mount of that detached tree */
#define CORDON_HOST_OPENAT2             (1u << 21)
#define CORDON_HOST_MOUNT_SETATTR       (1u << 22)
#define CORDON_HOST_UNPRIVILEGED_USERNS (1u << 23) /* uid 65534 (or the caller, if not root) makes user + mount, pid, net, ipc, uts */
#define CORDON_HOST_CAPABILITIES        (1u << 24) /* this process's permitted set is not empty */
#define CORDON_HOST_NO_NEW_PRIVS        (1u << 25) /* already set on this process */
#define CORDON_HOST_SECCOMP_FILTER      (1u << 26) /* this process already runs under a seccomp filter */
#define CORDON_HOST_CLONE_AUTOREAP      (1u << 27) /* clone3 takes CLONE_AUTOREAP (Linux 7.1) */
#define CORDON_HOST_CLONE_NNP           (1u << 28) /* clone3 takes CLONE_NNP (Linux 7.1) */
#define CORDON_HOST_CLONE_PIDFD_AUTOKILL (1u << 29) /* clone3 takes CLONE_PIDFD_AUTOKILL with CLONE_PIDFD | CLONE_AUTOREAP | CLONE_NNP (Linux 7.1) */

/** @domain errno — forks once, tries everything above in children of that
 * fork (the caller is not changed), and returns the bitmask. Costs a few
 * dozen short-lived processes: call it once per process.
 */
CORDON_API cordon_status cordon_linux_host_probe(void);

#endif
