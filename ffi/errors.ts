// Typed errors of the native boundary. Pure TypeScript (no bun:ffi), so the
// policy layer may name them too.
import type { Domain } from "./symbols/define.ts";

/** Base of every error cordon throws. `code` is stable and machine-readable. */
export class CordonError extends Error {
  override name = "CordonError";
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The native library could not be found, loaded, or has the wrong ABI. */
export class LibraryError extends CordonError {
  override name = "LibraryError";
}

/** An OS call failed. `errorName` is the OS's own name: EACCES, STATUS_ACCESS_DENIED, ERROR_ACCESS_DENIED. */
export class OsError extends CordonError {
  override name = "OsError";
  constructor(
    readonly op: string,
    readonly domain: Domain,
    readonly status: number,
    readonly errorName: string,
    readonly detail?: string,
  ) {
    super(`${op}: ${errorName}${detail ? ` (${detail})` : ""}`, errorName);
  }
}

/** The OS refused for lack of permission (EPERM, EACCES, STATUS_ACCESS_DENIED, ...). */
export class PermissionError extends OsError {
  override name = "PermissionError";
}

/** The OS lacks the mechanism (ENOSYS, EOPNOTSUPP, STATUS_NOT_SUPPORTED, ...). */
export class NotSupportedError extends OsError {
  override name = "NotSupportedError";
}

/**
 * An argument the native boundary cannot take as given: an fd that is not an
 * integer 0..2^31-1, a mask or count that is not a non-negative integer.
 * bun:ffi would coerce it (2^32 + 5 → 5, NaN → 0) into some other value.
 */
export class InvalidArgumentError extends CordonError {
  override name = "InvalidArgumentError";
  constructor(
    readonly argument: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${argument} must be ${expected}, got ${describe(value)}`, "INVALID_ARGUMENT");
  }
}

function describe(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : typeof v === "bigint" ? `${v}n` : String(v);
}
