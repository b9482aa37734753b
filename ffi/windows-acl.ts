// DACL entries and AccessCheck on paths (cordon_windows_acl.h).
import { windows, type Handle } from "./windows.ts";
import { check } from "./status.ts";

const utf16z = (s: string) => Buffer.from(s + "\0", "utf16le");

/** ACCESS_MODE */
export const ACCESS_MODE = { GRANT: 1, SET: 2, DENY: 3, REVOKE: 4 } as const;
/** Inheritance: OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE. */
export const SUB_CONTAINERS_AND_OBJECTS_INHERIT = 0x3;
export const NO_INHERITANCE = 0x0;
/** Generic rights, mapped to FILE_GENERIC_* by the access check. */
export const GENERIC = { READ: 0x8000_0000, WRITE: 0x4000_0000, EXECUTE: 0x2000_0000, ALL: 0x1000_0000 } as const;

export function setAcl(path: string, sid: Uint8Array, access: number, mode: number, inheritance: number): void {
  check("SetNamedSecurityInfoW", "win32", windows().cordon_windows_acl_set(utf16z(path), sid, sid, access >>> 0, mode, inheritance), path);
}

/** Whether `token` (0n: this process's) may open `path` with `desired`, by the path's DACL. */
export function accessCheck(path: string, desired: number, token: Handle = 0n): { allowed: boolean; granted: number } {
  const granted = new Uint32Array(1);
  const rc = check("AccessCheck", "win32", windows().cordon_windows_access_check(utf16z(path), token, desired >>> 0, granted, granted), path);
  return { allowed: rc === 1, granted: granted[0]! };
}

/** FILE_ATTRIBUTE_* cordon looks at. */
export const FILE_ATTRIBUTE = { DIRECTORY: 0x10, REPARSE_POINT: 0x400 } as const;

export type FileInfo = { readonly attributes: number; readonly reparseTag: number };

/** GetFileAttributesExW of `path`; the reparse tag when it is a reparse point (the entry itself, never its target). */
export function fileInfo(path: string): FileInfo {
  const out = new Uint32Array(2);
  check("GetFileAttributesExW", "win32", windows().cordon_windows_file_info(utf16z(path), out, out), path);
  return { attributes: out[0]!, reparseTag: out[1]! };
}

/** The owner SID of `path`. */
export function pathOwner(path: string): Uint8Array {
  const out = new Uint8Array(68);
  const n = check("GetNamedSecurityInfoW(OWNER)", "win32", windows().cordon_windows_path_owner(utf16z(path), out, out), path);
  return out.slice(0, n);
}
