// The start-up check: the sandboxed process is created suspended, and before
// its first instruction cordon reads back what the plan made of it — job
// membership, token, mitigation policies, inherited handles — and ends it on
// any difference. What is read back is what the report calls enforced: a row
// the host does not enforce (under Wine, mitigations read 0 and the identity
// is not applied) is not expected to read back, and the check says so; a row
// reported enforced that does not read back refuses the run. Pure: the
// backend reads, this decides.
import type { GuaranteeReport } from "../../report.ts";
import { mitigationReadBack } from "./mitigation.ts";

/** Privilege LUIDs (SE_*_PRIVILEGE) that would let a process step out of its sandbox. */
export const CROSSING_PRIVILEGES: Readonly<Record<number, string>> = {
  2: "SeCreateTokenPrivilege",
  3: "SeAssignPrimaryTokenPrivilege",
  7: "SeTcbPrivilege",
  8: "SeSecurityPrivilege",
  9: "SeTakeOwnershipPrivilege",
  10: "SeLoadDriverPrivilege",
  17: "SeBackupPrivilege",
  18: "SeRestorePrivilege",
  20: "SeDebugPrivilege",
  22: "SeSystemEnvironmentPrivilege",
  28: "SeManageVolumePrivilege",
  29: "SeImpersonatePrivilege",
  32: "SeRelabelPrivilege",
  35: "SeCreateSymbolicLinkPrivilege",
};
/** SeChangeNotifyPrivilege: the one privilege a DISABLE_MAX_PRIVILEGE token keeps. */
export const SE_CHANGE_NOTIFY = 23;
const LOW = 0x1000;
const MEDIUM = 0x2000;

/** The identity the plan applied, as the token must show it. SIDs in S-1-… form. */
export type TokenExpectation =
  | { readonly kind: "appcontainer"; readonly packageSid: string }
  | { readonly kind: "low-integrity" }
  | { readonly kind: "account"; readonly userSid: string };

export type StartupExpectation = {
  readonly job: boolean;
  /** With the restricting SIDs of cordon's own token: cordon adds and removes none. */
  readonly token?: TokenExpectation & { readonly restrictedSids: number };
  /** Per policy record, the flag bits that must read 1. */
  readonly mitigations: readonly { readonly policy: number; readonly mask: number; readonly fields: readonly string[] }[];
  /** The listed handles reach the child; no other handle of cordon's does. */
  readonly handles: boolean;
  /** What is not read back, and why (for the report's host notes). */
  readonly unchecked: readonly string[];
};

const enforced = (report: readonly GuaranteeReport[], id: string) => report.find((g) => g.guarantee === id)?.status === "enforced";
const reason = (report: readonly GuaranteeReport[], id: string) => report.find((g) => g.guarantee === id)?.reason ?? "not in the report";

/**
 * What to read back, from the run's report (after the backend demoted what
 * it did not apply), the spawn's mitigation words and the applied identity.
 */
export function startupExpectation(
  report: readonly GuaranteeReport[],
  mitigation: readonly [bigint, bigint],
  identity: { readonly token?: TokenExpectation; readonly ownRestrictedSids: number },
): StartupExpectation {
  const unchecked: string[] = [];
  const job = enforced(report, "tree.kill");
  if (!job) unchecked.push(`job membership (tree.kill: ${reason(report, "tree.kill")})`);
  const handles = enforced(report, "handles.listed-only");
  if (!handles) unchecked.push(`inherited handles (handles.listed-only: ${reason(report, "handles.listed-only")})`);
  const mitigations = enforced(report, "proc.mitigations") ? mitigationReadBack(mitigation) : [];
  if (!enforced(report, "proc.mitigations")) unchecked.push(`mitigation policies (proc.mitigations: ${reason(report, "proc.mitigations")})`);
  if (!identity.token) unchecked.push("the token (no identity applied)");
  return { job, ...(identity.token ? { token: { ...identity.token, restrictedSids: identity.ownRestrictedSids } } : {}), mitigations, handles, unchecked };
}

/** A handle as the system lists it (cordon_windows_handle_entry). */
export type HandleSeen = { readonly value: bigint; readonly typeIndex: number; readonly attributes: number };
const OBJ_INHERIT = 0x2;

/**
 * Inherited handles keep their value and stay inheritable in the child. So a
 * listed handle missing there did not arrive, and an inheritable handle of the
 * child that has the value and type of an inheritable, unlisted handle of
 * cordon's own is a suspect: the backend asks whether both name one object.
 */
export function handleFindings(listed: readonly bigint[], own: readonly HandleSeen[], child: readonly HandleSeen[]): { missing: bigint[]; suspects: bigint[] } {
  const inheritable = (h: HandleSeen) => (h.attributes & OBJ_INHERIT) !== 0;
  const childInheritable = child.filter(inheritable);
  const missing = listed.filter((v) => !childInheritable.some((h) => h.value === v));
  const ours = new Map(own.filter((h) => inheritable(h) && !listed.includes(h.value)).map((h) => [h.value, h.typeIndex]));
  const suspects = childInheritable.filter((h) => !listed.includes(h.value) && ours.get(h.value) === h.typeIndex).map((h) => h.value);
  return { missing, suspects };
}

/** What the backend read back (the token's SIDs in S-1-… form). */
export type StartupObservation = {
  readonly inJob: boolean;
  readonly token?: {
    readonly integrityRid: number;
    readonly restrictedSids: number;
    readonly appContainer: boolean;
    readonly elevated: boolean;
    readonly packageSid?: string;
    readonly userSid?: string;
    readonly privilegesPresent: bigint;
    /** Names of the facts that could not be read. */
    readonly unread: readonly string[];
  };
  /** Flags word per policy record, or why it could not be read. */
  readonly mitigations: ReadonlyMap<number, number | string>;
  readonly handles?: { readonly missing: readonly bigint[]; readonly leaked: readonly bigint[] };
};

export type StartupMismatch = { readonly check: string; readonly expected: string; readonly found: string };

const hex = (n: number | bigint) => `0x${n.toString(16)}`;

/** Privileges in `present` that `allowed` does not admit, by name. */
function privilegeNames(present: bigint, allowed: (luid: number) => boolean): string[] {
  const out: string[] = [];
  for (let luid = 0; luid < 64; luid++) {
    if ((present & (1n << BigInt(luid))) === 0n || allowed(luid)) continue;
    out.push(CROSSING_PRIVILEGES[luid] ?? (luid === 63 ? "a privilege with LUID 63 or above" : `privilege LUID ${luid}`));
  }
  return out;
}

function tokenMismatches(want: NonNullable<StartupExpectation["token"]>, seen: StartupObservation["token"]): StartupMismatch[] {
  if (!seen) return [{ check: "token", expected: want.kind, found: "not read" }];
  const out: StartupMismatch[] = [];
  const add = (check: string, expected: string, found: string) => out.push({ check, expected, found });
  if (seen.unread.length) add("token", "every fact readable", `unreadable: ${seen.unread.join(", ")}`);
  if (seen.restrictedSids !== want.restrictedSids) add("token.restricted-sids", String(want.restrictedSids), String(seen.restrictedSids));
  const harmless = (luid: number) => CROSSING_PRIVILEGES[luid] === undefined && luid !== 63;
  if (want.kind === "appcontainer") {
    if (!seen.appContainer) add("token.appcontainer", "an AppContainer token", "not an AppContainer");
    else if (seen.packageSid !== want.packageSid) add("token.package-sid", want.packageSid, seen.packageSid ?? "none");
    if (seen.integrityRid > LOW) add("token.integrity", `at most low (${hex(LOW)})`, hex(seen.integrityRid));
    const extra = privilegeNames(seen.privilegesPresent, harmless);
    if (extra.length) add("token.privileges", "no privilege that crosses the sandbox", extra.join(", "));
  } else if (want.kind === "low-integrity") {
    if (seen.integrityRid !== LOW) add("token.integrity", `low (${hex(LOW)})`, hex(seen.integrityRid));
    const extra = privilegeNames(seen.privilegesPresent, (luid) => luid === SE_CHANGE_NOTIFY);
    if (extra.length) add("token.privileges", "SeChangeNotifyPrivilege only", extra.join(", "));
  } else {
    if (seen.userSid !== want.userSid) add("token.user", want.userSid, seen.userSid ?? "none");
    if (seen.elevated) add("token.elevation", "not elevated", "elevated");
    if (seen.integrityRid > MEDIUM) add("token.integrity", `at most medium (${hex(MEDIUM)})`, hex(seen.integrityRid));
    const extra = privilegeNames(seen.privilegesPresent, harmless);
    if (extra.length) add("token.privileges", "no privilege that crosses the sandbox", extra.join(", "));
  }
  return out;
}

/** Every difference between what the plan made and what was read back; empty when the process may run. */
export function startupMismatches(want: StartupExpectation, seen: StartupObservation): StartupMismatch[] {
  const out: StartupMismatch[] = [];
  if (want.job && !seen.inJob) out.push({ check: "job", expected: "inside the sandbox's job", found: "outside it" });
  if (want.token) out.push(...tokenMismatches(want.token, seen.token));
  for (const m of want.mitigations) {
    const flags = seen.mitigations.get(m.policy);
    const check = `mitigation ${m.fields.join(", ")}`;
    if (typeof flags !== "number") out.push({ check, expected: "in force", found: `not read: ${flags ?? "not asked"}` });
    else if ((flags & m.mask) !== m.mask) out.push({ check, expected: `flags ${hex(m.mask)} set`, found: `flags ${hex(flags)}` });
  }
  if (want.handles) {
    if (!seen.handles) out.push({ check: "handles", expected: "the child's handle table", found: "not read" });
    else {
      if (seen.handles.missing.length) out.push({ check: "handles.listed", expected: "every listed handle inherited", found: `missing ${seen.handles.missing.map(hex).join(", ")}` });
      if (seen.handles.leaked.length) out.push({ check: "handles.unlisted", expected: "no other handle of cordon's", found: `inherited ${seen.handles.leaked.map(hex).join(", ")}` });
    }
  }
  return out;
}
