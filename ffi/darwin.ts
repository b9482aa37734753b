// The macOS library: typed symbols and small helpers over them. Seatbelt is
// applied by the cordon-exec launcher next to the library, not here.
import { dirname, join } from "node:path";
import { commonSymbols } from "./symbols/common.ts";
import { darwinSymbols } from "./symbols/darwin.ts";
import { checkedHelperPath, findLibrary, openLibrary, type Symbols } from "./library.ts";
import { LibraryError } from "./errors.ts";
import { check } from "./status.ts";

export const darwinTable = { ...commonSymbols, ...darwinSymbols };

/** NOTE_* flags of EVFILT_PROC (<sys/event.h>, CORDON_DARWIN_NOTE_* in the header). */
export const NOTE = { EXIT: 0x80000000, FORK: 0x40000000, EXEC: 0x20000000, TRACK: 0x00000001 } as const;

export type ProcEvent = { readonly pid: number; readonly fflags: number; readonly data: number };

/** The opened macOS library's symbols. */
export function darwin(): Symbols<typeof darwinTable> {
  if (process.platform !== "darwin") throw new Error(`the macOS backend cannot load on ${process.platform}`);
  return openLibrary().symbols as Symbols<typeof darwinTable>;
}

/** cordon-exec, installed beside the library, checked against its pinned digest before first use. */
export function launcherPath(): string {
  const launcher = checkedHelperPath("cordon-exec");
  if (!launcher) throw new LibraryError(`${join(dirname(findLibrary()), "cordon-exec")} is missing: the macOS launcher is built with the library`, "LIBRARY_NOT_FOUND");
  return launcher;
}

/** Whether this process already runs under Seatbelt (then no profile can be applied below it). */
export function sandboxedSelf(): boolean {
  return check("sandbox_check", "errno", darwin().cordon_darwin_sandbox_check_self()) === 1;
}

export function kqueue(): number {
  return check("kqueue", "errno", darwin().cordon_darwin_kqueue());
}

/** The raw status of registering EVFILT_PROC (tests look at refusals such as NOTE_TRACK's). */
export function procWatchStatus(kq: number, pid: number, fflags: number): number {
  return darwin().cordon_darwin_proc_watch(kq, pid, fflags >>> 0);
}

/** EVFILT_PROC on `pid`; throws OsError (ESRCH when it is already gone). */
export function procWatch(kq: number, pid: number, fflags: number): void {
  check("kevent EVFILT_PROC", "errno", procWatchStatus(kq, pid, fflags), `pid ${pid}`);
}

/** Events that are pending now; never blocks. */
export function procDrain(kq: number, max = 64): ProcEvent[] {
  const buf = new Uint8Array(16 * max);
  const n = check("kevent", "errno", darwin().cordon_darwin_proc_drain(kq, buf, buf));
  const view = new DataView(buf.buffer);
  const out: ProcEvent[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ pid: view.getInt32(i * 16, true), fflags: view.getUint32(i * 16 + 4, true), data: Number(view.getBigInt64(i * 16 + 8, true)) });
  }
  return out;
}

/** proc_listchildpids: the children of `pid` now. */
export function childPids(pid: number, max = 1024): number[] {
  const buf = new Int32Array(max);
  const n = check("proc_listchildpids", "errno", darwin().cordon_darwin_proc_listchildpids(pid, buf, buf));
  return [...buf.subarray(0, n)];
}

/** Signals every process of `uid` (a dedicated uid, never 0); returns how many. */
export function killUid(uid: number, signal: number): number {
  return check("kill uid", "errno", darwin().cordon_darwin_kill_uid(uid, signal), `uid ${uid}`);
}
