// Tokens, SIDs and AppContainer profiles (cordon_windows_token.h).
import { ptr } from "bun:ffi";
import { windows, type Handle } from "./windows.ts";
import { check } from "./status.ts";

const utf16z = (s: string) => Buffer.from(s + "\0", "utf16le");

/** CreateRestrictedToken flags. */
export const RESTRICTED_TOKEN = { DISABLE_MAX_PRIVILEGE: 0x1, SANDBOX_INERT: 0x2, LUA_TOKEN: 0x4, WRITE_RESTRICTED: 0x8 } as const;
/** Mandatory integrity RIDs (SECURITY_MANDATORY_*_RID). */
export const INTEGRITY = { UNTRUSTED: 0x0, LOW: 0x1000, MEDIUM: 0x2000, HIGH: 0x3000, SYSTEM: 0x4000 } as const;

/** A restricted copy of this process's token, at `integrityRid` unless 0. */
export function restrictedToken(flags: number, integrityRid = 0): Handle {
  const out = new BigUint64Array(1);
  check("CreateRestrictedToken", "win32", windows().cordon_windows_token_restricted(flags, integrityRid, out, out));
  return out[0]!;
}

export type TokenInfo = { readonly restricted: boolean; readonly integrityRid: number; readonly elevated: boolean };

/** What the kernel says about `token` (0n: this process's). */
export function tokenInfo(token: Handle = 0n): TokenInfo {
  const out = new Uint32Array(3);
  check("GetTokenInformation", "win32", windows().cordon_windows_token_info(token, out, out));
  return { restricted: out[0] === 1, integrityRid: out[1]!, elevated: out[2] === 1 };
}

/** The binary SID of its string form. */
export function sidFromString(sid: string): Uint8Array {
  const out = new Uint8Array(68);
  const n = check("ConvertStringSidToSidW", "win32", windows().cordon_windows_sid_from_string(utf16z(sid), out, out), sid);
  return out.slice(0, n);
}

/** The package SID of AppContainer profile `name`, creating the profile if needed. */
export function appContainerSid(name: string, displayName = name): Uint8Array {
  const out = new Uint8Array(68);
  const n = check("CreateAppContainerProfile", "win32", windows().cordon_windows_appcontainer_sid(utf16z(name), utf16z(displayName), out, out), name);
  return out.slice(0, n);
}

export function deleteAppContainer(name: string): void {
  check("DeleteAppContainerProfile", "win32", windows().cordon_windows_appcontainer_delete(utf16z(name)), name);
}

const SE_GROUP_ENABLED = 0x4;

/**
 * A SECURITY_CAPABILITIES record (PROC_THREAD_ATTRIBUTE_SECURITY_CAPABILITIES)
 * pointing into `packageSid` and `capabilities`; the caller keeps all of them
 * (returned in `keep`) alive until the process is created.
 */
export function securityCapabilities(packageSid: Uint8Array, capabilities: readonly Uint8Array[]): { record: Uint8Array; keep: readonly unknown[] } {
  const list = new Uint8Array(Math.max(1, capabilities.length) * 16); // SID_AND_ATTRIBUTES[]
  const lv = new DataView(list.buffer);
  capabilities.forEach((sid, i) => {
    lv.setBigUint64(i * 16, BigInt(ptr(sid)), true);
    lv.setUint32(i * 16 + 8, SE_GROUP_ENABLED, true);
  });
  const record = new Uint8Array(24);
  const v = new DataView(record.buffer);
  v.setBigUint64(0, BigInt(ptr(packageSid)), true);
  v.setBigUint64(8, capabilities.length ? BigInt(ptr(list)) : 0n, true);
  v.setUint32(16, capabilities.length, true);
  return { record, keep: [packageSid, list, ...capabilities] };
}

/** S-1-… text of a binary SID. */
export function sidToString(sid: Uint8Array): string {
  const v = new DataView(sid.buffer, sid.byteOffset, sid.byteLength);
  const count = sid[1]!;
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + sid[i]!;
  const subs = Array.from({ length: count }, (_, i) => v.getUint32(8 + 4 * i, true));
  return `S-${sid[0]}-${authority}${subs.map((s) => `-${s}`).join("")}`;
}

/** cordon_windows_token_facts `unread` bits. */
export const TOKEN_FACT = { INTEGRITY: 1, RESTRICTED_SIDS: 2, APP_CONTAINER: 4, PRIVILEGES: 8, USER: 16, ELEVATION: 32 } as const;

export type TokenFacts = {
  /** Bit n: privilege LUID n is in the token (bit 63: LUID 63 or above). */
  readonly privilegesPresent: bigint;
  readonly privilegesEnabled: bigint;
  readonly integrityRid: number;
  readonly restricted: boolean;
  readonly restrictedSids: number;
  readonly appContainer: boolean;
  readonly elevated: boolean;
  readonly packageSid?: Uint8Array;
  readonly userSid?: Uint8Array;
  /** TOKEN_FACT bits of what could not be read. */
  readonly unread: number;
};

/** What `process`'s token is, read back (OpenProcessToken + GetTokenInformation). */
export function tokenFacts(process: Handle): TokenFacts {
  const out = new Uint8Array(184);
  check("GetTokenInformation(process)", "win32", windows().cordon_windows_token_facts(process, out, out));
  const v = new DataView(out.buffer);
  const packageLen = v.getUint32(36, true);
  const userLen = v.getUint32(40, true);
  return {
    privilegesPresent: v.getBigUint64(0, true),
    privilegesEnabled: v.getBigUint64(8, true),
    integrityRid: v.getUint32(16, true),
    restricted: v.getUint32(20, true) === 1,
    restrictedSids: v.getUint32(24, true),
    appContainer: v.getUint32(28, true) === 1,
    elevated: v.getUint32(32, true) === 1,
    ...(packageLen ? { packageSid: out.slice(48, 48 + packageLen) } : {}),
    ...(userLen ? { userSid: out.slice(116, 116 + userLen) } : {}),
    unread: v.getUint32(44, true),
  };
}
