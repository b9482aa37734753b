// The parent-side steps of the account tier that run as the account itself
// (impersonated, ../../backend/windows/identity.ts): checking that each grant
// gives the account what the plan says, and that what must stay closed to it
// is closed (AccessCheck and a real open, as the account), and creating its
// profile folders so that it owns them.
import { FILE_ACCESS } from "./constants.ts";
import type { AclGrant } from "./isolation.ts";

/** What the account must (allowed) or must not (denied) get on a path, and which row depends on it. */
export type AccessExpectation = {
  readonly path: string;
  /** FILE_* or GENERIC_* rights asked for. */
  readonly access: number;
  readonly allowed: boolean;
  /** The report row a failed denied-check makes not enforced, or the grant a failed allowed-check names. */
  readonly guarantee: string;
  readonly why: string;
};

/** GENERIC_WRITE, mapped to FILE_GENERIC_WRITE by the check. */
export const GENERIC_WRITE = 0x4000_0000;

/** Every grant, checked as the account: it must give what it grants (the traverse-only cwd entry is not checked: it opens nothing). */
export function grantChecks(acl: readonly AclGrant[]): AccessExpectation[] {
  return acl
    .filter((g) => g.why !== "cwd")
    .map((g) => ({
      path: g.path,
      access: g.why === "write" ? GENERIC_WRITE : FILE_ACCESS.READ_EXECUTE,
      allowed: true,
      guarantee: g.why === "write" ? "fs.write-confined" : "fs.read-confined",
      why: `the ${g.why} grant`,
    }));
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
