// The denial sources of cordon_linux_explain.h: the audit log's status and
// switch, and its reader threads.
import { fdArg, intArg } from "./common.ts";
import * as H from "./generated/linux-layouts.ts";
import { linux } from "./linux.ts";
import { check } from "./status.ts";

const STATUS = H.cordon_linux_audit_status.offset;
export const AUDIT_STATUS_SIZE = H.cordon_linux_audit_status.size;
/** Frame types a reader forwards (CORDON_AUDIT_*). */
export const AUDIT_FRAME = { lost: H.CORDON_AUDIT_FRAME_LOST, landlockAccess: H.CORDON_AUDIT_LANDLOCK_ACCESS, landlockDomain: H.CORDON_AUDIT_LANDLOCK_DOMAIN, sync: H.CORDON_AUDIT_FRAME_SYNC } as const;

export type AuditStatus = {
  /** 0 off, 1 on, 2 on and locked until reboot. */
  readonly enabled: number;
  /** The pid of the registered audit daemon, 0 when none is. */
  readonly pid: number;
  readonly backlogLimit: number;
  readonly lost: number;
  /** Records waiting in the kernel's queue for kauditd. */
  readonly backlog: number;
};

/** AUDIT_GET; throws OsError (EPROTONOSUPPORT where the kernel has no audit, EPERM where a container refuses it). */
export function auditStatus(): AuditStatus {
  const buf = new Uint8Array(AUDIT_STATUS_SIZE);
  check("audit_get", "errno", linux().cordon_linux_audit_status(buf, buf));
  const v = new DataView(buf.buffer);
  return {
    enabled: v.getUint32(STATUS.enabled, true),
    pid: v.getUint32(STATUS.pid, true),
    backlogLimit: v.getUint32(STATUS.backlog_limit, true),
    lost: v.getUint32(STATUS.lost, true),
    backlog: v.getUint32(STATUS.backlog, true),
  };
}

/** AUDIT_SET enabled (CAP_AUDIT_CONTROL). */
export function auditSetEnabled(enabled: 0 | 1): void {
  check("audit_set", "errno", linux().cordon_linux_audit_set_enabled(intArg(enabled, "enabled", 0, 1)));
}

/** Starts a reader writing frames to `channel` (now the reader's); returns its handle. Throws PermissionError without CAP_AUDIT_READ. */
export function auditReaderStart(channel: number): number {
  return check("audit_reader_start", "errno", linux().cordon_linux_audit_reader_start(fdArg(channel, "channel")));
}

/** Asks a reader for a SYNC frame once everything its socket holds is forwarded. */
export function auditReaderSync(handle: number): void {
  check("audit_reader_sync", "errno", linux().cordon_linux_audit_reader_sync(intArg(handle, "handle", 0, 7)));
}

export function auditReaderStop(handle: number): void {
  check("audit_reader_stop", "errno", linux().cordon_linux_audit_reader_stop(intArg(handle, "handle", 0, 7)));
}

/** Frame types of a notification supervisor's channel (CORDON_NOTIFY_FRAME_*). */
export const NOTIFY_FRAME = { call: H.CORDON_NOTIFY_FRAME_CALL, end: H.CORDON_NOTIFY_FRAME_END, lost: H.CORDON_NOTIFY_FRAME_LOST } as const;
export const NOTIFY_TABLE_LEN = 1024;

/** Hands a spawn's listener socket and record channel to the supervisor; returns the session id. */
export function notifyWatch(sock: number, channel: number, program: Uint8Array, table: Uint32Array): number {
  if (table.length !== NOTIFY_TABLE_LEN) throw new RangeError(`the notify table has ${NOTIFY_TABLE_LEN} entries`);
  const bytes = new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
  return check("notify_watch", "errno", linux().cordon_linux_notify_watch(fdArg(sock, "sock"), fdArg(channel, "channel"), program, program, bytes, bytes));
}
