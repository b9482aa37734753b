// Dedicated local accounts (cordon_windows_user.h).
import { windows, type Handle } from "./windows.ts";
import { check } from "./status.ts";

const utf16z = (s: string) => Buffer.from(s + "\0", "utf16le");

export const UF_ACCOUNTDISABLE = 0x2;

export function addUser(name: string, password: string): void {
  check("NetUserAdd", "win32", windows().cordon_windows_user_add(utf16z(name), utf16z(password)), name);
}

export function userExists(name: string): boolean {
  return check("NetUserGetInfo", "win32", windows().cordon_windows_user_exists(utf16z(name)), name) === 1;
}

export function setUserFlags(name: string, flags: number): void {
  check("NetUserSetInfo(1008)", "win32", windows().cordon_windows_user_set_flags(utf16z(name), flags), name);
}

export function setUserPassword(name: string, password: string): void {
  check("NetUserSetInfo(1003)", "win32", windows().cordon_windows_user_set_password(utf16z(name), utf16z(password)), name);
}

export function deleteUser(name: string): void {
  check("NetUserDel", "win32", windows().cordon_windows_user_delete(utf16z(name)), name);
}

/** A primary token of the account, for spawning as it. */
export function logonUser(name: string, password: string): Handle {
  const out = new BigUint64Array(1);
  check("LogonUserW", "win32", windows().cordon_windows_user_logon(utf16z(name), utf16z(password), out, out), name);
  return out[0]!;
}

export function userSid(name: string): Uint8Array {
  const out = new Uint8Array(68);
  const n = check("LookupAccountNameW", "win32", windows().cordon_windows_user_sid(utf16z(name), out, out), name);
  return out.slice(0, n);
}
