// The parent-side steps of the account tier that run as the account itself
// (impersonated, ../../backend/windows/identity.ts): checking that each grant
// gives the account what the plan says, and that what must stay closed to it
// is closed (AccessCheck and a real open, as the account), and creating its
// profile folders so that it owns them.
import { FILE_ACCESS } from "./constants.ts";
import type { GuaranteeId } from "../../report.ts";
import type { AclGrant } from "./isolation.ts";

/** What the account must (allowed) or must not (denied) get on a path, and which row depends on it. */
export type AccessExpectation = {
  readonly path: string;
  /** FILE_* or GENERIC_* rights asked for. */
  readonly access: number;
  readonly allowed: boolean;
  /** The report row a failed denied-check makes not enforced, or the grant a failed allowed-check names. */
  readonly guarantee: GuaranteeId;
  readonly why: string;
};

/** GENERIC_WRITE, mapped to FILE_GENERIC_WRITE by the check. */
export const GENERIC_WRITE = 0x4000_0000;

/**
 * Every grant, checked as the account: it must give what it grants, and each
 * carve-out must keep closed what it denies (the traverse-only cwd entry and
 * the pins, which deny only DELETE, open nothing to check).
 */
export function grantChecks(acl: readonly AclGrant[]): AccessExpectation[] {
  const out: AccessExpectation[] = [];
  for (const g of acl) {
    const why = `the ${g.why} entry`;
    if (g.why === "read") out.push({ path: g.path, access: FILE_ACCESS.READ_EXECUTE, allowed: true, guarantee: "fs.read-confined", why: "the read grant" });
    else if (g.why === "write") out.push({ path: g.path, access: GENERIC_WRITE, allowed: true, guarantee: "fs.write-confined", why: "the write grant" });
    else if (g.why === "deny-read") out.push({ path: g.path, access: FILE_ACCESS.READ_EXECUTE, allowed: false, guarantee: "fs.deny-confined", why });
    else if (g.why === "deny-write") out.push({ path: g.path, access: GENERIC_WRITE, allowed: false, guarantee: "fs.deny-confined", why });
  }
  return out;
}

/**
 * The account's profile folders inside its private HOME, made as the account
 * before it runs; without a loaded profile Windows would not know them, so
 * the environment names them.
 */
export function accountProfile(home: string): { readonly dirs: readonly string[]; readonly env: Readonly<Record<string, string>> } {
  const roaming = `${home}\\AppData\\Roaming`;
  const local = `${home}\\AppData\\Local`;
  return { dirs: [`${home}\\AppData`, roaming, local], env: { USERPROFILE: home, APPDATA: roaming, LOCALAPPDATA: local } };
}
