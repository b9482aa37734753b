// Parent-side steps run as the sandbox's account (cordon_windows_impersonate.h).
// Each native call impersonates, does its step and reverts before returning:
// Bun's JavaScript thread is never left impersonating between calls.
import { windows, type Handle } from "./windows.ts";
import { check } from "./status.ts";

const utf16z = (s: string) => Buffer.from(s + "\0", "utf16le");

/** SECURITY_IMPERSONATION_LEVEL */
export const IMPERSONATION_LEVEL = { ANONYMOUS: 0, IDENTIFICATION: 1, IMPERSONATION: 2, DELEGATION: 3 } as const;

export type AccessAs = {
  /** The DACL's answer (AccessCheck) for the account. */
  readonly allowed: boolean;
  readonly granted: number;
  /** The kernel's answer: opening the path as the account gave 0 or -Win32 error. */
  readonly openStatus: number;
  /** The impersonation level the thread got; below IMPERSONATION nothing was checked. */
  readonly level: number;
};

/** What `token`'s account may do on `path`, asked while impersonating it. */
export function accessCheckAs(token: Handle, path: string, desired: number): AccessAs {
  const out = new Int32Array(4);
  check("ImpersonateLoggedOnUser+AccessCheck", "win32", windows().cordon_windows_access_check_as(token, utf16z(path), desired >>> 0, out, out), path);
  return { allowed: out[0] === 1, granted: out[1]! >>> 0, openStatus: out[2]!, level: out[3]! };
}

/** Creates directory `path` as `token`'s account (it owns it); returns the impersonation level reached. */
export function createDirectoryAs(token: Handle, path: string): number {
  return check("ImpersonateLoggedOnUser+CreateDirectoryW", "win32", windows().cordon_windows_create_directory_as(token, utf16z(path)), path);
}

/** True while the calling thread impersonates (has a token of its own). */
export function threadImpersonating(): boolean {
  return check("OpenThreadToken", "win32", windows().cordon_windows_thread_impersonating()) === 1;
}
