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

/** @domain errno — tells a reader to stop: it unsubscribes, closes its channel end and exits (returns at once). */
CORDON_API cordon_status cordon_linux_audit_reader_stop(int32_t handle);

#endif
