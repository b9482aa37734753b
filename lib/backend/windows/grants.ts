// Grants are checked where they are made. Before a DACL entry goes on a path,
// every step of it is looked at (GetFileAttributesExW): a junction or
// symbolic link there would carry the grant to whatever it points at, and
// the policy resolved these paths to real ones, so a link now means the path
// changed since. Such a grant is refused before anything is granted. As the
// account (impersonated), what the plan expects of its grants is checked too.
import { fileInfo } from "../../../ffi/windows-acl.ts";
import { accessCheckAs, IMPERSONATION_LEVEL } from "../../../ffi/windows-impersonate.ts";
import type { Handle } from "../../../ffi/windows.ts";
import { GrantChangedError, PolicyError } from "../../errors.ts";
import { linkOnTheWay, type AccessExpectation, type AclGrant } from "../../plan/windows/index.ts";
import type { GuaranteeReport } from "../../report.ts";

/** Throws GrantChangedError for the first grant with a link on the way; nothing is granted then. */
export function refuseLinkedGrants(acl: readonly AclGrant[]): void {
  for (const g of acl) {
    const link = linkOnTheWay(g.path, fileInfo);
    if (link) {
      const tag = link.tag ? `reparse tag 0x${link.tag.toString(16)}` : "a reparse point whose tag says nothing";
      throw new GrantChangedError(g.path, `${link.at} is a junction or symbolic link now (${tag}); the grant would reach what it points at`);
    }
  }
}

/**
 * Runs each expectation as the account behind `token`. A grant the account
 * does not get is an error (nothing ran yet); something the plan says stays
 * closed to it that opens is returned as a report row made not enforced.
 */
export function checkAsAccount(token: Handle, account: string, checks: readonly AccessExpectation[]): GuaranteeReport[] {
  const demoted: GuaranteeReport[] = [];
  for (const c of checks) {
    const r = accessCheckAs(token, c.path, c.access);
    if (r.level < IMPERSONATION_LEVEL.IMPERSONATION) throw new PolicyError("identity", `cordon could not act as ${account} (impersonation level ${r.level}) to check ${c.path}`);
    const opened = r.openStatus === 0;
    if (c.allowed && !(r.allowed && opened)) {
      throw new PolicyError("fs", `${account} does not get ${c.why} on ${c.path}: AccessCheck ${r.allowed ? "allows" : "denies"}, opening it as ${account} ${opened ? "works" : `fails (${-r.openStatus})`}`);
    }
    if (!c.allowed && (r.allowed || opened)) {
      demoted.push({ guarantee: c.guarantee, status: "not-enforced", by: [], reason: `as ${account}, ${c.path} (${c.why}) is open: AccessCheck grants 0x${r.granted.toString(16)}${opened ? " and opening it works" : ""}` });
    }
  }
  return demoted;
}
