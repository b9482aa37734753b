/* cordon_linux_spawn.h — clone3 spawn with child-side setup by raw syscalls, and exit delivery. */
#ifndef CORDON_LINUX_SPAWN_H
#define CORDON_LINUX_SPAWN_H

/*
 * One caller buffer (8-byte aligned): this header, then the strings and tables
 * it points into by byte offset from the start of the buffer. Strings are
 * NUL-terminated UTF-8. argv/envp tables are (count + 1) uint64_t offsets, the
 * last one 0; cordon rewrites them in place to addresses before cloning.
 * An empty table (count 0) is never read: its offset may be anything.
 * Before cloning, cordon checks the fds the child will write to: cgroup_fd
 * must be on cgroup2 and each procs fd a file on a cgroup
 * filesystem open for writing (else -EINVAL, -EBADF when not open for
 * writing, out_step CGROUP_PROCS), so that no write of the child can block.
 * The calling thread waits for the child until it has exec'd or died (a
 * vfork-style release), so every child step is bounded: none waits on
 * anything the caller passed. (A cgroup the caller has frozen, or a path on
 * a filesystem that does not answer, still holds it.)
 * Child steps run in this order, each skipped when its field is empty:
 * PR_SET_PDEATHSIG(SIGKILL) first, always, then a check that the parent still
 * lives (the child exits at once otherwise) → signals → setsid → cgroup.procs writes →
 * setns(netns_fd, CLONE_NEWNET) (JOIN_NETNS) → uid/gid maps (CLONE_NEWUSER) →
 * /dev/null open (a CORDON_SPAWN_DEV_NULL placement) → private root (PRIVATE_ROOT) → fresh /proc (MOUNT_PROC) →
 * the private root's old root detached → /proc/<pid> rule (PROC_SELF) → lo up (LOOPBACK_UP) → addresses on lo and
 * the caller's sockets made and sent (netns_off) → fd placement →
 * everything else CLOEXEC → chdir → rlimits → securebits, ambient and bounding sets (DROP_CAPS) →
 * setgroups (refused in a user namespace whose setgroups is "deny": fine only with no groups to drop)/setresgid/
 * setresuid → PR_SET_PDEATHSIG(pdeath_signal; 0 clears it) → PR_SET_NO_NEW_PRIVS → the other capability sets emptied → landlock_restrict_self →
 * seccomp → execve.
 * With CORDON_SPAWN_INIT the last step differs: the child (pid 1 of its new pid
 * namespace) starts the command with clone(CLONE_VM|CLONE_VFORK) — the command
 * gets an empty signal mask and execs; its execve errno arrives in out_errno
 * with out_step EXECVE as without INIT — then execs `init_off` as
 * "cordon-init --adopt PID" (empty environment) with every signal still
 * blocked, so a signal sent before cordon-init's handlers exist stays pending
 * for it. cordon_linux_spawn returns once cordon-init was exec'd, the command
 * having exec'd before it. If that execve fails (out_step INIT), pid 1 exits
 * and the kernel kills the command with the rest of the namespace.
 * With CORDON_SPAWN_WARM (and INIT) there is no command yet: pid 1 execs
 * "cordon-init --warm FD" instead, fully restricted, FD being warm_fd placed
 * for it alone, and waits there for one request (struct
 * cordon_linux_warm_request, cordon_linux_warm_handover below).
 */
struct cordon_linux_spawn_spec {
  uint32_t struct_size;     /* sizeof(struct cordon_linux_spawn_spec) = 176 */
  uint32_t abi_version;     /* CORDON_ABI_VERSION */
  uint32_t flags;           /* CORDON_SPAWN_* */
  uint32_t pdeath_signal;   /* 0 = none */
  uint64_t clone_flags;     /* CLONE_NEW* only */
  int32_t  cgroup_fd;       /* cgroup2 directory for CLONE_INTO_CGROUP, or -1 */
  int32_t  landlock_fd;     /* ruleset fd for landlock_restrict_self, or -1 */
  uint32_t landlock_flags;
  uint32_t seccomp_flags;                /* 0 or SECCOMP_FILTER_FLAG_LOG (2), with a filter; anything else
                                            (NEW_LISTENER: execve would wait for a supervisor that does
                                            not exist) is CORDON_E_INVALID_ARGUMENT */
  uint32_t seccomp_off, seccomp_count;   /* struct sock_filter[count], at most 4096 */
  uint32_t path_off;                     /* executable path */
  uint32_t argv_off, argc;
  uint32_t envp_off, envc;
  uint32_t cwd_off;                      /* 0 = keep */
  uint32_t fds_off, fds_count;           /* struct cordon_linux_spawn_fd[count] */
  uint32_t procs_off, procs_count;       /* int32_t fds of cgroup.procs files */
  uint32_t rlimits_off, rlimits_count;   /* struct cordon_linux_spawn_rlimit[count] */
  uint32_t uid, gid;                     /* with CORDON_SPAWN_SET_IDS */
  uint32_t uid_map_off, gid_map_off;     /* with CLONE_NEWUSER: written to /proc/self/{uid,gid}_map */
  int32_t  parent_pid;                   /* the caller's pid, to detect a parent already gone */
  uint32_t proc_access;                  /* with MOUNT_PROC (or PROC_SELF) and landlock_fd: landlock rights beneath the fresh /proc (or the child's own /proc/<pid>), added in the child */
  uint32_t view_off, view_count;         /* with PRIVATE_ROOT: struct cordon_linux_view_entry[count], parents first */
  uint32_t init_off;                     /* with INIT: cordon-init's path; else 0 */
  uint32_t root_access;                  /* with PRIVATE_ROOT and landlock_fd: landlock rights beneath the view's own root (its tmpfs), added in the child */
  int32_t  init_status_fd;               /* with INIT_STATUS: the caller's fd (a non-blocking pipe's write end) for cordon-init; else 0 */
  int32_t  notify_sock;                  /* with CORDON_SPAWN_NOTIFY: the socket the seccomp listener is sent over; else -1 */
  /* Written by cordon_linux_spawn: */
  int32_t  out_pid;
  int32_t  out_pidfd;
  uint32_t out_step;                     /* CORDON_SPAWN_STEP_* reached (the failing one on error) */
  int32_t  out_errno;                    /* 0 on success */
  uint32_t netns_off;                    /* with LOOPBACK_UP or JOIN_NETNS: struct cordon_linux_netns_setup, or 0 */
  int32_t  warm_fd;                      /* with CORDON_SPAWN_WARM: the caller's end of an AF_UNIX stream socket pair for cordon-init (never the command); else 0 */
  int32_t  netns_fd;                     /* with CORDON_SPAWN_JOIN_NETNS: a network namespace fd of the caller for the child to join; else -1 */
  uint32_t reserved;                     /* 0 */
};

/* One fd placement: the caller's `parent` becomes `child` in the child. */
struct cordon_linux_spawn_fd {
  int32_t  parent;      /* an fd of the caller, or CORDON_SPAWN_DEV_NULL */
  int32_t  child;
};

/* One resource limit (setrlimit): struct rlimit and its resource number. */
struct cordon_linux_spawn_rlimit {
  uint32_t resource;    /* RLIMIT_*, below 16 */
  uint32_t reserved;    /* 0 */
  uint64_t cur, max;    /* ~0: RLIM_INFINITY */
};

/*
 * Egress set-up in the child's new network namespace (netns_off), made while
 * the child still holds its capabilities there, right after lo is up (by
 * LOOPBACK_UP, or before: a joined namespace of the pool's LOOPBACK_UP kind;
 * with lo down there the sockets cannot bind and the spawn fails): each
 * address is added to lo (RTM_NEWADDR, no duplicate address detection), then
 * each socket is made (non-blocking, close-on-exec, SO_REUSEADDR), bound and,
 * for a stream socket, listening; all of them leave in one sendmsg on
 * `channel` (an AF_UNIX socket of the caller, kept open across the spawn) with
 * one data byte per socket record (1 made, 0 skipped: an OPTIONAL socket that
 * could not be made) and the made fds as SCM_RIGHTS, in record order. The
 * child closes them before execve: only the caller holds them. A socket
 * belongs to the namespace it was created in, so the caller's copies accept,
 * receive and send there, from outside. Any failure stops the spawn
 * (out_step NETNS).
 */
struct cordon_linux_netns_setup {
  int32_t  channel;
  uint32_t addrs_off, addrs_count;       /* struct cordon_linux_netns_addr[count], at most 64 */
  uint32_t sockets_off, sockets_count;   /* struct cordon_linux_netns_socket[count], at most 64 */
  uint32_t reserved;                     /* 0 */
};
struct cordon_linux_netns_addr {
  uint8_t  family;      /* AF_INET 2 or AF_INET6 10 */
  uint8_t  prefix;      /* at most 32 or 128 */
  uint16_t flags;       /* CORDON_NETNS_OPTIONAL or 0 */
  uint8_t  addr[16];    /* network order; IPv4 in the first 4 bytes */
};
struct cordon_linux_netns_socket {
  uint8_t  family;      /* AF_INET 2 or AF_INET6 10 */
  uint8_t  kind;        /* CORDON_NETNS_STREAM or CORDON_NETNS_DGRAM */
  uint16_t port;        /* host order */
  uint32_t flags;       /* CORDON_NETNS_* */
  uint8_t  addr[16];    /* network order; all zero: every address */
};
#define CORDON_NETNS_STREAM    1
#define CORDON_NETNS_DGRAM     2
#define CORDON_NETNS_OPTIONAL  (1u << 0)  /* skipped when it cannot be made, e.g. IPv6 disabled (a socket's data byte is then 0) */
#define CORDON_NETNS_V6ONLY    (1u << 1)  /* AF_INET6 only: IPV6_V6ONLY */

#define CORDON_SPAWN_SETSID        (1u << 0)
#define CORDON_SPAWN_NO_NEW_PRIVS  (1u << 1)
#define CORDON_SPAWN_SET_IDS       (1u << 2)
#define CORDON_SPAWN_MOUNT_PROC    (1u << 3)  /* needs CLONE_NEWNS|CLONE_NEWPID: private mounts, fresh /proc */
#define CORDON_SPAWN_LOOPBACK_UP   (1u << 4)  /* needs CLONE_NEWNET or JOIN_NETNS: bring lo up */
#define CORDON_SPAWN_PRIVATE_ROOT  (1u << 5)  /* needs CLONE_NEWNS: a tmpfs root holding only the view's entries */
#define CORDON_SPAWN_DROP_CAPS     (1u << 6)  /* securebits locked, ambient and bounding sets emptied before the id switch; the other sets after no_new_privs */
#define CORDON_SPAWN_INIT          (1u << 7)  /* needs CLONE_NEWPID: the command runs under cordon-init (init_off) as pid 1; see above */
#define CORDON_SPAWN_PROC_SELF     (1u << 8)  /* not with MOUNT_PROC; needs proc_access and landlock_fd: proc_access beneath the command's own /proc/<pid> (its /proc/self; not its children's), held open until execve; the caller should hold it open while the command runs. With INIT the command (after closing every fd above the placed ones but landlock_fd, which execve would close anyway) adds that rule and does landlock_restrict_self and seccomp itself before its execve; the child (cordon-init) takes only the seccomp filter, staying outside the command's landlock domain so that it can signal it */
#define CORDON_SPAWN_INIT_STATUS   (1u << 9)  /* needs INIT: init_status_fd goes to cordon-init alone (never to the command), which writes the command's wait status there (4 bytes, native order) just before it exits */
#define CORDON_SPAWN_NOTIFY        (1u << 10)  /* needs a filter and notify_sock: the command's filter is installed with a listener (SECCOMP_FILTER_FLAG_NEW_LISTENER), sent over notify_sock (one byte, SCM_RIGHTS) before execve; a supervisor must already serve the other end (cordon_linux_notify_watch), or the command's first notifying call (its execve, when observed) waits for ever */
#define CORDON_SPAWN_WARM          (1u << 11)  /* needs INIT and warm_fd; not with PROC_SELF or NOTIFY: pid 1 starts no command but execs cordon-init --warm FD (see above); the record's path and argv are not used */
#define CORDON_SPAWN_JOIN_NETNS    (1u << 12)  /* needs netns_fd; not with CLONE_NEWNET or CLONE_NEWUSER (a namespace of the caller's user namespace cannot be joined from a new one): the child joins netns_fd's network namespace (setns with CLONE_NEWNET, which refuses any other fd: EINVAL, out_step JOIN_NETNS) before any other namespace step, and counts as having a network namespace of its own for LOOPBACK_UP and netns_off (netns_off without LOOPBACK_UP: the caller vouches that lo is up there already). The caller chooses a fresh namespace (cordon_linux_netns_pool.h) and joins each one once; the child's copy of netns_fd is close-on-exec like any other */

/* fds[i].parent: the child opens /dev/null read-write itself, before any root
 * change, and places it at fds[i].child (one open serves every such entry).
 * Any other negative parent is refused with CORDON_E_INVALID_ARGUMENT. */
#define CORDON_SPAWN_DEV_NULL      (-1)

/* One path of the private root. Directories and files are bind-mounted from
 * the host at the same path; symlinks are recreated with `target` as text;
 * MKDIR only makes an empty directory. Missing parents are made on the new
 * root's tmpfs only, never through a bind mount onto the host. */
struct cordon_linux_view_entry {
  uint32_t kind;        /* CORDON_VIEW_* */
  uint32_t path_off;    /* absolute path */
  uint32_t target_off;  /* CORDON_VIEW_SYMLINK: the link's text */
  uint32_t same_as;     /* 0, or on DIR/FILE/DIR_RO/FILE_RO/DENY: 1 + an fd of the caller; the bind (or the file DENY covers) must show that fd's file (same device and inode) or the spawn stops with ESTALE.
                           On TMPFS/DEVPTS/CGROUP/CGROUP2: landlock rights added beneath the new filesystem (needs landlock_fd), below 1 << 17 */
};
#define CORDON_VIEW_DIR     1
#define CORDON_VIEW_FILE    2
#define CORDON_VIEW_SYMLINK 3
#define CORDON_VIEW_MKDIR   4
#define CORDON_VIEW_DIR_RO  5   /* DIR, then remounted read-only (its locked flags kept) */
#define CORDON_VIEW_FILE_RO 6   /* FILE, likewise */
#define CORDON_VIEW_MASK    7   /* beneath /proc, with MOUNT_PROC: covered by an empty mode-0000 file or directory once the fresh /proc is mounted (skipped where the kernel lacks it) */
#define CORDON_VIEW_DENY    8   /* an existing path beneath an earlier bind: covered by an empty mode-0000 file or directory, read-only (a denied read) */
/* The mount kinds: a filesystem of the sandbox's own on `path` (made on the
 * tmpfs, or existing beneath an earlier bind); `target_off` (0 = none) is the
 * mount's option string. */
#define CORDON_VIEW_TMPFS   9   /* tmpfs, nosuid nodev noexec */
#define CORDON_VIEW_DEVPTS  10  /* a new devpts instance, nosuid noexec */
#define CORDON_VIEW_CGROUP  11  /* cgroup v1, read-only; options name the hierarchy's controllers. The first cgroup entry enters a new cgroup namespace (after the cgroup joins), so the mount shows the sandbox's own cgroup */
#define CORDON_VIEW_CGROUP2 12  /* cgroup2, read-only, likewise */

#define CORDON_SPAWN_STEP_SIGNALS        1
#define CORDON_SPAWN_STEP_SETSID         2
#define CORDON_SPAWN_STEP_CGROUP_PROCS   3
#define CORDON_SPAWN_STEP_ID_MAPS        4
#define CORDON_SPAWN_STEP_FDS            5
#define CORDON_SPAWN_STEP_CLOSE_RANGE    6
#define CORDON_SPAWN_STEP_CHDIR          7
#define CORDON_SPAWN_STEP_SETRLIMIT      8
#define CORDON_SPAWN_STEP_SETGROUPS      9
#define CORDON_SPAWN_STEP_SETRESGID      10
#define CORDON_SPAWN_STEP_SETRESUID      11
#define CORDON_SPAWN_STEP_PDEATHSIG      12
#define CORDON_SPAWN_STEP_NO_NEW_PRIVS   13
#define CORDON_SPAWN_STEP_LANDLOCK       14
#define CORDON_SPAWN_STEP_SECCOMP        15
#define CORDON_SPAWN_STEP_EXECVE         16
#define CORDON_SPAWN_STEP_CLONE3         17
#define CORDON_SPAWN_STEP_MOUNT_PROC     18
#define CORDON_SPAWN_STEP_LOOPBACK       19
#define CORDON_SPAWN_STEP_PRIVATE_ROOT   20
#define CORDON_SPAWN_STEP_CAPABILITIES   21
#define CORDON_SPAWN_STEP_START_COMMAND  22  /* INIT: clone of the command */
#define CORDON_SPAWN_STEP_INIT           23  /* INIT: execve of cordon-init */
#define CORDON_SPAWN_STEP_PROC_SELF      24  /* PROC_SELF: the landlock rule on the command's own /proc/<pid> */
#define CORDON_SPAWN_STEP_NOTIFY         25  /* NOTIFY: sending the seccomp listener */
#define CORDON_SPAWN_STEP_NETNS          26  /* netns_off: an address on lo, a socket, or sending them */
#define CORDON_SPAWN_STEP_JOIN_NETNS     27  /* JOIN_NETNS: setns(netns_fd, CLONE_NEWNET) */

/*
 * A warm sandbox's one request, sent over warm_fd's peer by
 * cordon_linux_warm_handover: this header, then int32_t targets[fds_count]
 * (the command's fd number for each fd riding along as SCM_RIGHTS, in order),
 * then NUL-terminated strings filling the rest exactly: the program's path,
 * argv[argc], envp[envc], and the working directory with CORDON_WARM_CWD.
 * cordon-init checks all of it; a short, malformed or oversized request, or
 * EOF, ends it with status CORDON_WARM_REFUSED and nothing is exec'd. Else it
 * starts the command (its own child: the fds placed, chdir, an empty signal
 * mask, execve), answers with a struct cordon_linux_warm_reply, closes the
 * socket and adopts the command as --adopt does.
 */
struct cordon_linux_warm_request {
  uint32_t magic;       /* CORDON_WARM_MAGIC */
  uint32_t size;        /* the whole request in bytes, this header included; at most CORDON_WARM_MAX_SIZE */
  uint32_t argc;        /* 1 .. CORDON_WARM_MAX_STRINGS (with envc) */
  uint32_t envc;
  uint32_t fds_count;   /* 3 .. CORDON_WARM_MAX_FDS: stdin, stdout, stderr first */
  uint32_t flags;       /* CORDON_WARM_CWD or 0 */
};
/* What cordon-init answers: step 0 once the command has exec'd, else the failing step and its errno (nothing runs). */
struct cordon_linux_warm_reply {
  uint32_t step;        /* 0, CORDON_SPAWN_STEP_FDS, _CHDIR, _START_COMMAND or _EXECVE */
  int32_t  error;       /* errno of that step, else 0 */
};
#define CORDON_WARM_MAGIC        0x4d525743u  /* "CWRM" */
#define CORDON_WARM_MAX_SIZE     (1u << 20)
#define CORDON_WARM_MAX_STRINGS  65536u
#define CORDON_WARM_MAX_FDS      64u
#define CORDON_WARM_CWD          (1u << 0)
#define CORDON_WARM_REFUSED      123          /* cordon-init's exit status when a request is refused or never comes */

/* 128 bytes, written atomically to the caller's channel for each reaped child. */
struct cordon_linux_exit_record {
  uint32_t id;        /* the pidfd given to cordon_linux_exit_watch */
  int32_t  pid;
  int32_t  code;      /* si_code: CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3; -errno if waitid failed */
  int32_t  status;    /* exit status or signal number */
  uint64_t utime_us, stime_us, maxrss_kb, minflt, majflt, nvcsw;
  uint64_t nivcsw, inblock, oublock, msgsnd, msgrcv, nsignals, nswap, ixrss;  /* struct rusage's other counters (0 when the kernel reaped the child itself) */
};

/**
 * @domain errno — spawns from a spec (see above). Returns the pid; the pidfd is in
 * out_pidfd and belongs to the caller. On failure returns -errno of the failing step
 * (out_step names it), CORDON_E_* for a malformed spec, or CORDON_E_CHILD_DIED.
 * Call from the thread that should own PR_SET_PDEATHSIG (it fires when that thread exits).
 * With CLONE_NEWNS, cordon holds the child's mount namespace (an O_CLOEXEC handle, never
 * in the child) until the exit watcher has written its exit record, so the namespace's
 * teardown runs after the record rather than in the child's exit; failing to get the
 * handle only loses that. The pidfd must therefore end in one of two ways: closed by the
 * caller after its exit record (cordon_linux_exit_watch), or by cordon_linux_pidfd_reap.
 */
CORDON_API cordon_status cordon_linux_spawn(uint8_t *spec, size_t spec_len);

/**
 * @domain errno — starts the process's exit-watcher thread once (any thread; concurrent callers wait); returns 0.
 * The watcher's epoll set and a sentinel eventfd live in the process's fd table (close-on-exec).
 * Should either be closed or its number reused by other code, the next start, watch or wake-up
 * finds the set is no longer cordon's and rebuilds it: a new set (the old numbers are left
 * alone: they may name someone else's files), every child not yet reported registered again (a
 * pidfd closed against the contract gets a record with code -EBADF), and a new thread.
 */
CORDON_API cordon_status cordon_linux_exit_watcher_start(void);

/**
 * @domain errno — watches a child's pidfd: once reaped, its exit record (id = pidfd) is written to
 * `channel`, the caller's write end of a stream socket pair (or of a non-blocking pipe) whose other
 * end it reads (one per JavaScript realm). Records a full channel cannot take are held by the
 * watcher until it is writable; they are dropped only when the reading end is closed. The caller
 * keeps the pidfd and closes it after the record, and never closes a channel it still reads.
 * The child's mount namespace handle (see cordon_linux_spawn) is closed by the watcher once
 * the record was written (or dropped, the reading end being closed).
 */
CORDON_API cordon_status cordon_linux_exit_watch(int32_t pidfd, int32_t channel);

/** @domain errno — SIGKILL a child through its pidfd, reap it (blocking; it is dying) and close the pidfd and its mount namespace handle: for a child that cannot be supervised. A watched child gets no exit record then. */
CORDON_API cordon_status cordon_linux_pidfd_reap(int32_t pidfd);

/** @domain errno — pidfd_send_signal(2): never signals a recycled pid. */
CORDON_API cordon_status cordon_linux_pidfd_send_signal(int32_t pidfd, int32_t sig);

/**
 * @domain errno — hands a warm sandbox its command: `request` (a struct
 * cordon_linux_warm_request and what follows it, `len` = its size) goes over
 * `sock` (the caller's end of the spec's warm_fd pair; blocking) with the
 * `nfds` fds of `fds` as SCM_RIGHTS, then the reply is read into `reply` (a
 * struct cordon_linux_warm_reply). Returns 0 once the command has exec'd,
 * -errno of the step the reply names (in `reply`), -errno of sendmsg/read, or
 * CORDON_E_CHILD_DIED when the waiting process is gone (EPIPE, ECONNRESET or
 * EOF): nothing was exec'd then. A malformed request is CORDON_E_INVALID_ARGUMENT
 * before anything is sent.
 */
CORDON_API cordon_status cordon_linux_warm_handover(int32_t sock, const uint8_t *request, size_t len, const uint8_t *fds, uint32_t nfds, uint8_t *reply, size_t reply_len);

/** @domain errno — pipe2(2) into an 8-byte buffer of two int32_t; flags O_CLOEXEC and O_NONBLOCK only. */
CORDON_API cordon_status cordon_linux_pipe2(uint8_t *fds, size_t fds_len, uint32_t flags);

/** @domain errno — socketpair(2) AF_UNIX, SOCK_STREAM into an 8-byte buffer of two int32_t; flags SOCK_CLOEXEC and SOCK_NONBLOCK only. */
CORDON_API cordon_status cordon_linux_socketpair(uint8_t *fds, size_t fds_len, uint32_t flags);

#endif
