// The Windows library: typed symbols and small helpers over handles and pipes.
// HANDLEs are bigint (u64) everywhere above this file.
import { commonSymbols } from "./symbols/common.ts";
import { windowsSymbols } from "./symbols/windows.ts";
import { openLibrary, type Symbols } from "./library.ts";
import { check } from "./status.ts";

export const windowsTable = { ...commonSymbols, ...windowsSymbols };

/** A Win32 HANDLE as the u64 it is. */
export type Handle = bigint;

/** The opened Windows library's symbols. */
export function windows(): Symbols<typeof windowsTable> {
  if (process.platform !== "win32") throw new Error(`the Windows backend cannot load on ${process.platform}`);
  return openLibrary().symbols as Symbols<typeof windowsTable>;
}

/** Wine's version when running under Wine (ntdll exports wine_get_version), else undefined. */
export function wineVersion(): string | undefined {
  const buf = new Uint8Array(64);
  const n = check("wine_get_version", "cordon", windows().cordon_windows_wine_version(buf, buf));
  return n > 0 ? new TextDecoder().decode(buf.subarray(0, n)) : undefined;
}

export function closeHandle(h: Handle): void {
  check("CloseHandle", "win32", windows().cordon_windows_close_handle(h));
}

/** HANDLE_FLAG_* bits; throws ERROR_INVALID_HANDLE for a value that is no handle in this process. */
export function handleFlags(h: Handle): number {
  return check("GetHandleInformation", "win32", windows().cordon_windows_handle_flags(h));
}

/** True when `h` names an open handle in this process. */
export function isHandle(h: Handle): boolean {
  return windows().cordon_windows_handle_flags(h) >= 0;
}

export function setInheritable(h: Handle, inherit: boolean): void {
  check("SetHandleInformation", "win32", windows().cordon_windows_handle_set_inherit(h, inherit ? 1 : 0));
}

/** An inheritable duplicate of this process's stdin (0), stdout (1) or stderr (2); undefined when it has none. */
export function stdDuplicate(which: 0 | 1 | 2): Handle | undefined {
  const out = new BigUint64Array(1);
  check("DuplicateHandle(GetStdHandle)", "win32", windows().cordon_windows_std_duplicate(which, out, out));
  return out[0] === 0n ? undefined : out[0]!;
}

/** The NUL device, readable and writable, inheritable. */
export function openNull(): Handle {
  const out = new BigUint64Array(1);
  check("CreateFileW(NUL)", "win32", windows().cordon_windows_open_null(out, out));
  return out[0]!;
}

/** An anonymous pipe; both ends non-inheritable. */
export function createPipe(): { read: Handle; write: Handle } {
  const ends = new BigUint64Array(2);
  check("CreatePipe", "win32", windows().cordon_windows_pipe(ends, ends));
  return { read: ends[0]!, write: ends[1]! };
}

const ERROR_BROKEN_PIPE = -109;

/** Without blocking: bytes waiting in the pipe, or "closed" when no writer is left anywhere and nothing remains. */
export function peekPipe(h: Handle): number | "closed" {
  const rc = windows().cordon_windows_pipe_peek(h);
  if (rc === ERROR_BROKEN_PIPE) return "closed";
  return check("PeekNamedPipe", "win32", rc);
}

/** Blocking read of one chunk; empty at end of stream. */
export function readChunk(h: Handle, size = 65536): Uint8Array {
  const buf = new Uint8Array(size);
  const n = check("ReadFile", "win32", windows().cordon_windows_read(h, buf, buf));
  return buf.subarray(0, n);
}

/** Blocking read until every write end is closed. */
export function readToEnd(h: Handle): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const c = readChunk(h);
    if (c.length === 0) break;
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

export function writeAll(h: Handle, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) {
    const part = data.subarray(off);
    off += check("WriteFile", "win32", windows().cordon_windows_write(h, part, part));
  }
}
