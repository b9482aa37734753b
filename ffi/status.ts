// The one place where a native status becomes a typed error.
import { CordonError, NotSupportedError, OsError, PermissionError } from "./errors.ts";
import { ERRNO } from "./generated/linux-tables.ts";
import * as H from "./generated/common-layouts.ts";
import { ERRNO as DARWIN_ERRNO } from "./generated/darwin-errno.ts";
import { ERRNO as FREEBSD_ERRNO } from "./generated/freebsd-errno.ts";
import type { Domain } from "./symbols/define.ts";

/** cordon's own codes (CORDON_E_* in cordon.h). */
export const CORDON_E = {
  INVALID_ARGUMENT: H.CORDON_E_INVALID_ARGUMENT,
  BUFFER_TOO_SMALL: H.CORDON_E_BUFFER_TOO_SMALL,
  ABI_MISMATCH: H.CORDON_E_ABI_MISMATCH,
  NOT_SUPPORTED: H.CORDON_E_NOT_SUPPORTED,
  RECORD_OUT_OF_BOUNDS: H.CORDON_E_RECORD_OUT_OF_BOUNDS,
  CHILD_DIED: H.CORDON_E_CHILD_DIED,
} as const;

const cordonNames = new Map<number, string>(Object.entries(CORDON_E).map(([k, v]) => [v, `CORDON_E_${k}`]));

/** errno names per OS; the BSD backends add theirs. */
const errnoTables: Partial<Record<NodeJS.Platform, ReadonlyMap<number, string>>> = {
  linux: new Map(Object.entries(ERRNO).map(([k, v]) => [v, `E${k}`])),
};

export function registerErrnoNames(platform: NodeJS.Platform, names: ReadonlyMap<number, string>): void {
  errnoTables[platform] = names;
}

// macOS and FreeBSD number errno differently; a number's first name is its own (EAGAIN, not EWOULDBLOCK).
for (const [platform, table] of [["darwin", DARWIN_ERRNO], ["freebsd", FREEBSD_ERRNO]] as const) {
  const names = new Map<number, string>();
  for (const [k, v] of Object.entries(table)) if (!names.has(v)) names.set(v, `E${k}`);
  registerErrnoNames(platform, names);
}

/** The NTSTATUS and Win32 codes cordon handles by name; others print in hex/decimal. */
const ntstatusNames = new Map<number, string>([
  [0xc0000022 | 0, "STATUS_ACCESS_DENIED"],
  [0xc00000bb | 0, "STATUS_NOT_SUPPORTED"],
  [0xc0000002 | 0, "STATUS_NOT_IMPLEMENTED"],
  [0xc000000d | 0, "STATUS_INVALID_PARAMETER"],
  [0xc0000008 | 0, "STATUS_INVALID_HANDLE"],
  [0xc0000023 | 0, "STATUS_BUFFER_TOO_SMALL"],
  [0xc0000004 | 0, "STATUS_INFO_LENGTH_MISMATCH"],
  [0xc0000061 | 0, "STATUS_PRIVILEGE_NOT_HELD"],
]);
const win32Names = new Map<number, string>([
  [2, "ERROR_FILE_NOT_FOUND"],
  [3, "ERROR_PATH_NOT_FOUND"],
  [5, "ERROR_ACCESS_DENIED"],
  [6, "ERROR_INVALID_HANDLE"],
  [50, "ERROR_NOT_SUPPORTED"],
  [87, "ERROR_INVALID_PARAMETER"],
  [120, "ERROR_CALL_NOT_IMPLEMENTED"],
  [122, "ERROR_INSUFFICIENT_BUFFER"],
  [1314, "ERROR_PRIVILEGE_NOT_HELD"],
  [8, "ERROR_NOT_ENOUGH_MEMORY"],
  [109, "ERROR_BROKEN_PIPE"],
  [183, "ERROR_ALREADY_EXISTS"],
  [234, "ERROR_MORE_DATA"],
  [1326, "ERROR_LOGON_FAILURE"],
  [1331, "ERROR_ACCOUNT_DISABLED"],
  [1332, "ERROR_NONE_MAPPED"],
  [1455, "ERROR_COMMITMENT_LIMIT"],
  [2221, "NERR_UserNotFound"],
  [2224, "NERR_UserExists"],
]);

const permissionNames = new Set(["EPERM", "EACCES", "STATUS_ACCESS_DENIED", "STATUS_PRIVILEGE_NOT_HELD", "ERROR_ACCESS_DENIED", "ERROR_PRIVILEGE_NOT_HELD"]);
const notSupportedNames = new Set([
  "ENOSYS",
  "EOPNOTSUPP",
  "ENOTSUP",
  "CORDON_E_NOT_SUPPORTED",
  "STATUS_NOT_SUPPORTED",
  "STATUS_NOT_IMPLEMENTED",
  "ERROR_NOT_SUPPORTED",
  "ERROR_CALL_NOT_IMPLEMENTED",
]);

/** The OS's name of a negative status in `domain`. */
export function statusName(domain: Domain, status: number, platform: NodeJS.Platform = process.platform): string {
  const own = cordonNames.get(status);
  if (own) return own;
  switch (domain) {
    case "errno":
      return errnoTables[platform]?.get(-status) ?? `errno ${-status}`;
    case "ntstatus":
      return ntstatusNames.get(status | 0) ?? `NTSTATUS 0x${(status >>> 0).toString(16).toUpperCase()}`;
    case "win32":
      return win32Names.get(-status) ?? `Win32 error ${-status}`;
    case "cordon":
      return `cordon status ${status}`;
  }
}

/**
 * Every export returns an int32. Anything else (NaN, a fraction, a number out
 * of range) is no status at all: a bug on this side, never "errno NaN".
 */
function notAStatus(op: string, status: unknown): CordonError {
  return new CordonError(`${op}: not a native status: ${String(status)}`, "INVALID_STATUS");
}

const isStatus = (status: number) => Number.isInteger(status) && status >= -0x8000_0000 && status <= 0x7fff_ffff;

/** The typed error for a failed status; throws a CordonError (INVALID_STATUS) for a value that is no status. */
export function statusError(op: string, domain: Domain, status: number, detail?: string): OsError {
  if (!isStatus(status)) throw notAStatus(op, status);
  const name = statusName(domain, status);
  const Kind = permissionNames.has(name) ? PermissionError : notSupportedNames.has(name) ? NotSupportedError : OsError;
  return new Kind(op, domain, status, name, detail);
}

/** Returns a non-negative status; throws the typed error of a negative one. */
export function check(op: string, domain: Domain, status: number, detail?: string): number {
  if (!isStatus(status)) throw notAStatus(op, status);
  if (status >= 0) return status;
  throw statusError(op, domain, status, detail);
}
