// Every process on the system (NtQuerySystemInformation(SystemProcessInformation)),
// and the handles one process holds (NtQueryInformationProcess(ProcessHandleInformation)).
import { windows } from "./windows.ts";
import { check, CORDON_E } from "./status.ts";

export type ProcessEntry = { readonly pid: number; readonly parentPid: number; readonly threads: number; readonly name: string };

const STATUS_INFO_LENGTH_MISMATCH = 0xc0000004 | 0;

export function listProcesses(): ProcessEntry[] {
  let scratchSize = 256 * 1024;
  let outSize = 64 * 1024;
  for (let tries = 0; tries < 8; tries++) {
    const scratch = new BigUint64Array(scratchSize / 8);
    const out = new Uint32Array(outSize / 4);
    const rc = windows().cordon_windows_process_list(scratch, scratch, out, out);
    if (rc === STATUS_INFO_LENGTH_MISMATCH) { scratchSize *= 4; continue; }
    if (rc === CORDON_E.BUFFER_TOO_SMALL) { outSize *= 4; continue; }
    const n = check("NtQuerySystemInformation(SystemProcessInformation)", "ntstatus", rc);
    return decode(new Uint8Array(out.buffer, 0, n));
  }
  throw new Error("process list kept growing faster than the buffer");
}

function decode(bytes: Uint8Array): ProcessEntry[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ProcessEntry[] = [];
  for (let off = 0; off < bytes.length; ) {
    const nameBytes = v.getUint32(off + 12, true);
    const name = Buffer.from(bytes.buffer, bytes.byteOffset + off + 16, nameBytes).toString("utf16le");
    out.push({ pid: v.getUint32(off, true), parentPid: v.getUint32(off + 4, true), threads: v.getUint32(off + 8, true), name });
    off += 16 + ((nameBytes + 3) & ~3);
  }
  return out;
}

/** Processes whose image name equals `name` (case-insensitive, as Windows compares names). */
export function findProcessesByName(name: string): ProcessEntry[] {
  const want = name.toLowerCase();
  return listProcesses().filter((p) => p.name.toLowerCase() === want);
}

/** One handle of a process (cordon_windows_handle_entry). */
export type HandleEntry = { readonly value: bigint; readonly access: number; readonly typeIndex: number; readonly attributes: number };

/** OBJ_* handle attributes. */
export const OBJ = { PROTECT_CLOSE: 0x1, INHERIT: 0x2 } as const;

/** The handles `process` holds (NtQueryInformationProcess(ProcessHandleInformation)). */
export function processHandles(process: bigint): HandleEntry[] {
  let scratchSize = 64 * 1024;
  let outSize = 16 * 1024;
  for (let tries = 0; tries < 12; tries++) {
    const scratch = new BigUint64Array(scratchSize / 8);
    const out = new BigUint64Array(outSize / 8);
    const rc = windows().cordon_windows_process_handles(process, scratch, scratch, out, out);
    if (rc === STATUS_INFO_LENGTH_MISMATCH) { scratchSize *= 4; continue; }
    if (rc === CORDON_E.BUFFER_TOO_SMALL) { outSize *= 4; continue; }
    const n = check("NtQueryInformationProcess(ProcessHandleInformation)", "ntstatus", rc);
    const v = new DataView(out.buffer);
    return Array.from({ length: n }, (_, i) => ({
      value: v.getBigUint64(i * 24, true),
      access: v.getUint32(i * 24 + 8, true),
      typeIndex: v.getUint32(i * 24 + 12, true),
      attributes: v.getUint32(i * 24 + 16, true),
    }));
  }
  throw new Error("handle table kept growing faster than the buffer");
}

/** Whether handle `value` of `process` and this process's handle `own` name one object; undefined where Windows cannot compare (no CompareObjectHandles). */
export function sameObject(process: bigint, value: bigint, own: bigint): boolean | undefined {
  const rc = windows().cordon_windows_handle_same_object(process, value, own);
  if (rc === CORDON_E.NOT_SUPPORTED) return undefined;
  return check("CompareObjectHandles", "win32", rc) === 1;
}
