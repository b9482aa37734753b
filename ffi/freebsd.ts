// The FreeBSD library: typed symbols and small helpers over them.
import { dirname, join } from "node:path";
import { LibraryError } from "./errors.ts";
import { commonSymbols } from "./symbols/common.ts";
import { freebsdSymbols } from "./symbols/freebsd.ts";
import { checkedHelperPath, findLibrary, openLibrary, type Symbols } from "./library.ts";
import { check } from "./status.ts";

export const freebsdTable = { ...commonSymbols, ...freebsdSymbols };

/** NOTE_* flags of EVFILT_PROC (<sys/event.h>). */
export const NOTE = { EXIT: 0x80000000, FORK: 0x40000000, EXEC: 0x20000000, TRACK: 0x1, TRACKERR: 0x2, CHILD: 0x4 } as const;
export const REAPER_KILL = { CHILDREN: 0x1, SUBTREE: 0x2 } as const;
/** REAPER_PIDINFO_* flags (<sys/procctl.h>). */
export const PIDINFO = { VALID: 0x1, CHILD: 0x2, REAPER: 0x4, ZOMBIE: 0x8, STOPPED: 0x10, EXITING: 0x20 } as const;
/** CORDON_FREEBSD_RIGHT_* bits. */
export const RIGHT = { READ: 0x1, WRITE: 0x2, SEEK: 0x4, FSTAT: 0x8, EVENT: 0x10, FCNTL: 0x20, IOCTL: 0x40, MMAP: 0x80 } as const;

export type ReaperStatus = { flags: number; children: number; descendants: number; reaper: number; pid: number };
export type ReaperPid = { pid: number; subtree: number; flags: number };
export type ProcEvent = { pid: number; fflags: number; data: number };

export function freebsd(): Symbols<typeof freebsdTable> {
  if (process.platform !== "freebsd") throw new Error(`the FreeBSD backend cannot load on ${process.platform}`);
  return openLibrary().symbols as Symbols<typeof freebsdTable>;
}

/** cordon-exec, installed beside the library, checked against its pinned digest before first use. */
export function launcherPath(): string {
  const launcher = checkedHelperPath("cordon-exec");
  if (!launcher) throw new LibraryError(`${join(dirname(findLibrary()), "cordon-exec")} is missing: the launcher is built with the library`, "LIBRARY_NOT_FOUND");
  return launcher;
}

const cstring = (s: string) => new TextEncoder().encode(`${s}\0`);

/** Makes this process the reaper of its descendants (idempotent). */
export function reapAcquire(): void {
  check("procctl PROC_REAP_ACQUIRE", "errno", freebsd().cordon_freebsd_reap_acquire());
}

export function reapStatus(): ReaperStatus {
  const buf = new Uint32Array(20);
  check("procctl PROC_REAP_STATUS", "errno", freebsd().cordon_freebsd_reap_status(buf, buf));
  const i = new Int32Array(buf.buffer);
  return { flags: buf[0]!, children: buf[1]!, descendants: buf[2]!, reaper: i[3]!, pid: i[4]! };
}

export function reapPids(max = 4096): ReaperPid[] {
  const buf = new Uint32Array(18 * max);
  const n = check("procctl PROC_REAP_GETPIDS", "errno", freebsd().cordon_freebsd_reap_getpids(buf, buf));
  const i = new Int32Array(buf.buffer);
  return Array.from({ length: n }, (_, k) => ({ pid: i[k * 18]!, subtree: i[k * 18 + 1]!, flags: buf[k * 18 + 2]! }));
}

/** Signals every descendant whose subtree is `subtree` (the pid of the child the reaper started); returns how many. */
export function reapKillSubtree(subtree: number, signal: number): number {
  return check("procctl PROC_REAP_KILL", "errno", freebsd().cordon_freebsd_reap_kill(signal, REAPER_KILL.SUBTREE, subtree));
}

export function reapOrphans(): number {
  return check("wait4 orphans", "errno", freebsd().cordon_freebsd_reap_orphans());
}

export function capEnter(): void {
  check("cap_enter", "errno", freebsd().cordon_freebsd_cap_enter());
}

export function capGetmode(): boolean {
  return check("cap_getmode", "errno", freebsd().cordon_freebsd_cap_getmode()) === 1;
}

export function capRightsLimit(fd: number, rights: number): void {
  check("cap_rights_limit", "errno", freebsd().cordon_freebsd_cap_rights_limit(fd, rights), `fd ${fd}`);
}

/** The raw status of rctl_add_rule (-ENOSYS without racct, -EPERM without root). */
export function rctlAddRuleStatus(rule: string): number {
  const buf = cstring(rule);
  return freebsd().cordon_freebsd_rctl_add_rule(buf, buf);
}

export function rctlAddRule(rule: string): void {
  check("rctl_add_rule", "errno", rctlAddRuleStatus(rule), rule);
}

export function rctlRemoveRule(filter: string): void {
  const buf = cstring(filter);
  check("rctl_remove_rule", "errno", freebsd().cordon_freebsd_rctl_remove_rule(buf, buf), filter);
}

/** 0 when racct answers; otherwise the negative errno (ENOSYS: kern.racct.enable=0). */
export function racctProbe(): number {
  return freebsd().cordon_freebsd_racct_probe();
}

export function kqueue(): number {
  return check("kqueue", "errno", freebsd().cordon_freebsd_kqueue());
}

export function procWatchStatus(kq: number, pid: number, fflags: number): number {
  return freebsd().cordon_freebsd_proc_watch(kq, pid, fflags >>> 0);
}

export function procDrain(kq: number, max = 64): ProcEvent[] {
  const buf = new Uint8Array(16 * max);
  const n = check("kevent", "errno", freebsd().cordon_freebsd_proc_drain(kq, buf, buf));
  const view = new DataView(buf.buffer);
  return Array.from({ length: n }, (_, k) => ({
    pid: view.getInt32(k * 16, true),
    fflags: view.getUint32(k * 16 + 4, true),
    data: Number(view.getBigInt64(k * 16 + 8, true)),
  }));
}

export function setrlimit(resource: number, soft: number | bigint, hard: number | bigint): void {
  check("setrlimit", "errno", freebsd().cordon_freebsd_setrlimit(resource, soft, hard));
}
