/* cordon_linux_explain.h — where denials are seen: the kernel's audit log (landlock, ABI 7) and seccomp notifications. */
#ifndef CORDON_LINUX_EXPLAIN_H
#define CORDON_LINUX_EXPLAIN_H

/** The audit subsystem's status (struct audit_status of linux/audit.h, 44 bytes). */
struct cordon_linux_audit_status {
  uint32_t mask, enabled, failure, pid, rate_limit, backlog_limit, lost, backlog;
  uint32_t feature_bitmap, backlog_wait_time, backlog_wait_time_actual;
};

/* Record types a reader forwards (linux/audit.h), and its own marker of records the kernel dropped for it. */
#define CORDON_AUDIT_FRAME_LOST        0
#define CORDON_AUDIT_LANDLOCK_ACCESS   1423
#define CORDON_AUDIT_LANDLOCK_DOMAIN   1424
#define CORDON_AUDIT_FRAME_SYNC        0xffff  /* uint32_t: how many cordon_linux_audit_reader_sync calls it answers */

/** @domain errno — AUDIT_GET over NETLINK_AUDIT into a 44-byte struct cordon_linux_audit_status. */
CORDON_API cordon_status cordon_linux_audit_status(uint8_t *status, size_t status_len);

/** @domain errno — AUDIT_SET of the `enabled` field alone, 0 or 1 (CAP_AUDIT_CONTROL; -EPERM when locked). */
CORDON_API cordon_status cordon_linux_audit_set_enabled(uint32_t enabled);

/**
 * @domain errno — subscribes a reader thread to the read-only audit multicast group
 * (AUDIT_NLGRP_READLOG; -EPERM without CAP_AUDIT_READ). It forwards landlock's records to
 * `channel` (the write end of a blocking stream socket pair, owned by the reader from now on)
 * as frames: uint32_t text length, uint16_t record type, uint16_t 0, then the record's text
 * ("audit(SECONDS.MS:SERIAL): field=value ..."). Type CORDON_AUDIT_FRAME_LOST (no text) marks
 * records the kernel dropped for this reader. Returns a handle for cordon_linux_audit_reader_stop.
 */
CORDON_API cordon_status cordon_linux_audit_reader_start(int32_t channel);

/** @domain errno — asks a reader to forward everything its socket holds, then a CORDON_AUDIT_FRAME_SYNC frame (returns at once). */
CORDON_API cordon_status cordon_linux_audit_reader_sync(int32_t handle);

/** @domain errno — tells a reader to stop: it unsubscribes, closes its channel end and exits (returns at once). */
CORDON_API cordon_status cordon_linux_audit_reader_stop(int32_t handle);

/* Frames of a notification supervisor's channel (same framing as the audit reader's). */
#define CORDON_NOTIFY_FRAME_CALL  1  /* uint32_t session, pid; int32_t nr; uint32_t arch, errno answered (0: continued), string count; uint64_t args[6]; then per string: uint8_t tag, 0, uint16_t length, bytes */
#define CORDON_NOTIFY_FRAME_END   2  /* uint32_t session: every process under the filter is gone */
#define CORDON_NOTIFY_FRAME_LOST  3  /* uint32_t session, count: frames dropped past the queue's bound */

/* Per-syscall record spec (one uint32_t per number below 1024): which arguments to read. */
#define CORDON_NOTIFY_PATHS(mask)     ((mask) & 0x3f)              /* args holding NUL-terminated paths */
#define CORDON_NOTIFY_DIRFDS(mask)    (((mask) & 0x3f) << 8)       /* args holding the dirfd of the path after them */
#define CORDON_NOTIFY_CWD             (1u << 14)                   /* a relative path: the caller's cwd too */
#define CORDON_NOTIFY_SOCKADDR(a, l)  ((((a) + 1) << 16) | (((l) + 1) << 20))  /* a sockaddr at arg a, its length at arg l */
#define CORDON_NOTIFY_FD(a)           (((a) + 1) << 24)            /* an fd at arg a, read as its path */

/**
 * @domain errno — supervises one spawn's seccomp listener (see CORDON_SPAWN_NOTIFY): the
 * listener arrives on `sock`; each notification is answered at once, with the errno `prog`
 * (the run's own filter, struct sock_filter[]) returns for the call, or else with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE, after a CALL frame recording it (and, for a continued call,
 * what `table` (1024 uint32_t) names, read from the caller's memory: a record, not an authority)
 * is queued for `channel`. `sock` and `channel` (a stream socket) are the supervisor's from now
 * on. Returns the session id (> 0) every frame carries.
 */
CORDON_API cordon_status cordon_linux_notify_watch(int32_t sock, int32_t channel, const uint8_t *prog, size_t prog_len, const uint8_t *table, size_t table_len);

#endif
