/* cordon_freebsd.h — FreeBSD exports (included by cordon.h): the procctl(2)
 * reaper, Capsicum, rctl(4), kqueue process tracking and rlimits. */
#ifndef CORDON_FREEBSD_H
#define CORDON_FREEBSD_H

/* <sys/procctl.h> REAPER_KILL_* flags for cordon_freebsd_reap_kill. */
#define CORDON_FREEBSD_REAPER_KILL_CHILDREN 0x1u
#define CORDON_FREEBSD_REAPER_KILL_SUBTREE  0x2u

/* Rights bits for cordon_freebsd_cap_rights_limit, each one <sys/capsicum.h> right. */
#define CORDON_FREEBSD_RIGHT_READ  0x01u /* CAP_READ */
#define CORDON_FREEBSD_RIGHT_WRITE 0x02u /* CAP_WRITE */
#define CORDON_FREEBSD_RIGHT_SEEK  0x04u /* CAP_SEEK */
#define CORDON_FREEBSD_RIGHT_FSTAT 0x08u /* CAP_FSTAT */
#define CORDON_FREEBSD_RIGHT_EVENT 0x10u /* CAP_EVENT */
#define CORDON_FREEBSD_RIGHT_FCNTL 0x20u /* CAP_FCNTL */
#define CORDON_FREEBSD_RIGHT_IOCTL 0x40u /* CAP_IOCTL */
#define CORDON_FREEBSD_RIGHT_MMAP  0x80u /* CAP_MMAP */

/* NOTE_* flags for cordon_freebsd_proc_watch (<sys/event.h>). */
#define CORDON_FREEBSD_NOTE_EXIT  0x80000000u
#define CORDON_FREEBSD_NOTE_FORK  0x40000000u
#define CORDON_FREEBSD_NOTE_EXEC  0x20000000u
#define CORDON_FREEBSD_NOTE_TRACK 0x00000001u /* follow forks: children are attached with NOTE_CHILD */
#define CORDON_FREEBSD_NOTE_TRACKERR 0x00000002u
#define CORDON_FREEBSD_NOTE_CHILD 0x00000004u

/* struct procctl_reaper_status: 80 bytes. */
typedef struct cordon_freebsd_reaper_status {
  uint32_t rs_flags;
  uint32_t rs_children;
  uint32_t rs_descendants;
  int32_t rs_reaper;
  int32_t rs_pid;
  uint32_t rs_pad0[15];
} cordon_freebsd_reaper_status;

/* struct procctl_reaper_pidinfo: 72 bytes. */
typedef struct cordon_freebsd_reaper_pidinfo {
  int32_t pi_pid;
  int32_t pi_subtree;
  uint32_t pi_flags; /* REAPER_PIDINFO_* */
  uint32_t pi_pad0[15];
} cordon_freebsd_reaper_pidinfo;

/* One event from cordon_freebsd_proc_drain: 16 bytes. */
typedef struct cordon_freebsd_proc_event {
  int32_t pid;
  uint32_t fflags;
  int64_t data; /* wait status for NOTE_EXIT, parent pid for NOTE_CHILD */
} cordon_freebsd_proc_event;

/** @domain errno — procctl(PROC_REAP_ACQUIRE) on the caller: orphans of its descendants are re-parented to it. */
CORDON_API cordon_status cordon_freebsd_reap_acquire(void);

/** @domain errno — procctl(PROC_REAP_RELEASE) on the caller. */
CORDON_API cordon_status cordon_freebsd_reap_release(void);

/** @domain errno — procctl(PROC_REAP_STATUS) into one cordon_freebsd_reaper_status. */
CORDON_API cordon_status cordon_freebsd_reap_status(uint8_t *buf, size_t buf_len);

/** @domain errno — procctl(PROC_REAP_GETPIDS): descendants as cordon_freebsd_reaper_pidinfo records; returns how many. */
CORDON_API cordon_status cordon_freebsd_reap_getpids(uint8_t *buf, size_t buf_len);

/** @domain errno — procctl(PROC_REAP_KILL): signals every descendant (or `subtree` with REAPER_KILL_SUBTREE); returns how many. */
CORDON_API cordon_status cordon_freebsd_reap_kill(int32_t sig, uint32_t flags, int32_t subtree);

/** @domain errno — wait4(WNOHANG) of adopted orphans that exited (never of the caller's own children); returns how many. */
CORDON_API cordon_status cordon_freebsd_reap_orphans(void);

/** @domain errno — cap_enter(2): the caller enters capability mode, for good. */
CORDON_API cordon_status cordon_freebsd_cap_enter(void);

/** @domain errno — cap_getmode(2): 1 in capability mode, 0 outside. */
CORDON_API cordon_status cordon_freebsd_cap_getmode(void);

/** @domain errno — cap_rights_limit(2) of `fd` to the CORDON_FREEBSD_RIGHT_* bits in `rights`. */
CORDON_API cordon_status cordon_freebsd_cap_rights_limit(int32_t fd, uint32_t rights);

/** @domain errno — rctl_add_rule(2) of a NUL-terminated rule; -ENOSYS when racct is disabled. */
CORDON_API cordon_status cordon_freebsd_rctl_add_rule(const uint8_t *rule, size_t rule_len);

/** @domain errno — rctl_remove_rule(2) of a NUL-terminated filter. */
CORDON_API cordon_status cordon_freebsd_rctl_remove_rule(const uint8_t *filter, size_t filter_len);

/** @domain errno — 0 when resource accounting answers (rctl_get_racct on the caller), else -ENOSYS or -EPERM. */
CORDON_API cordon_status cordon_freebsd_racct_probe(void);

/** @domain errno — kqueue(2), close-on-exec; returns the descriptor. */
CORDON_API cordon_status cordon_freebsd_kqueue(void);

/** @domain errno — EVFILT_PROC with the NOTE_* `fflags` on `pid` (NOTE_TRACK follows every fork). */
CORDON_API cordon_status cordon_freebsd_proc_watch(int32_t kq, int32_t pid, uint32_t fflags);

/** @domain errno — writes pending events as cordon_freebsd_proc_event records without blocking; returns how many. */
CORDON_API cordon_status cordon_freebsd_proc_drain(int32_t kq, uint8_t *buf, size_t buf_len);

/** @domain errno — setrlimit(2) of the caller; resource numbers are FreeBSD's. */
CORDON_API cordon_status cordon_freebsd_setrlimit(int32_t resource, uint64_t soft, uint64_t hard);

#endif
