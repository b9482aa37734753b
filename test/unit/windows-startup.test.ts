// The start-up check's decisions, on any OS: what must read back (only what
// the run's report calls enforced), which differences refuse the run, and
// which handles of cordon's own count as leaked into the child.
import { describe, expect, test } from "bun:test";
import { CROSSING_PRIVILEGES, handleFindings, mitigationWords, planWindows, startupExpectation, startupMismatches, type StartupObservation, type WindowsHost } from "../../lib/plan/windows/index.ts";
import { mitigationReadBack } from "../../lib/plan/windows/mitigation.ts";
import { MITIGATION_POLICY } from "../../lib/plan/windows/constants.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";

const policy: ResolvedPolicy = { fs: { read: ["C:\\tools"], write: ["C:\\work\\out"] }, env: {}, cwd: "C:\\work", net: "none", limits: {}, compat: "best-effort" };
const windows: WindowsHost = { elevated: false };
const wine: WindowsHost = { elevated: true, wine: "8.0" };
const bit = (luid: number) => 1n << BigInt(luid);
const PACKAGE = "S-1-15-2-1-2-3-4-5-6-7";

/** What a faithful host reads back for `plan`'s expectation. */
function faithful(e: ReturnType<typeof startupExpectation>): StartupObservation {
  return {
    inJob: true,
    token: { integrityRid: 0x1000, restrictedSids: 0, appContainer: true, elevated: false, packageSid: PACKAGE, privilegesPresent: bit(23), unread: [] },
    mitigations: new Map(e.mitigations.map((m) => [m.policy, m.mask])),
    handles: { missing: [], leaked: [] },
  };
}

describe("start-up check: what must read back", () => {
  test("on Windows the job, the token, every readable mitigation and the handles are checked", () => {
    const plan = planWindows(policy, windows);
    const e = startupExpectation(plan.report, plan.spawn.mitigation, { token: { kind: "appcontainer", packageSid: PACKAGE }, ownRestrictedSids: 0 });
    expect(e.job).toBe(true);
    expect(e.handles).toBe(true);
    expect(e.token).toEqual({ kind: "appcontainer", packageSid: PACKAGE, restrictedSids: 0 });
    expect(e.mitigations.map((m) => m.policy).sort()).toEqual([MITIGATION_POLICY.ProcessASLRPolicy, MITIGATION_POLICY.ProcessStrictHandleCheckPolicy, MITIGATION_POLICY.ProcessExtensionPointDisablePolicy, MITIGATION_POLICY.ProcessFontDisablePolicy, MITIGATION_POLICY.ProcessImageLoadPolicy].sort());
    expect(e.unchecked).toEqual([]);
    expect(startupMismatches(e, faithful(e))).toEqual([]);
  });

  test("under Wine the mitigations the report calls not enforced are not expected, and the check says why", () => {
    const plan = planWindows(policy, wine);
    const e = startupExpectation(plan.report, plan.spawn.mitigation, { ownRestrictedSids: 0 });
    expect(e.mitigations).toEqual([]);
    expect(e.token).toBeUndefined();
    expect(e.job && e.handles).toBe(true);
    expect(e.unchecked).toEqual([expect.stringMatching(/^mitigation policies \(proc\.mitigations: Wine 8\.0 accepts .* GetProcessMitigationPolicy reads 0/), "the token (no identity applied)"]);
    // Wine reads every policy as 0: no refusal for a gap the report declares.
    expect(startupMismatches(e, { inJob: true, mitigations: new Map(), handles: { missing: [], leaked: [] } })).toEqual([]);
  });

  test("a mitigation the report calls enforced that reads back 0 refuses the run, naming its fields", () => {
    const plan = planWindows(policy, windows);
    const e = startupExpectation(plan.report, plan.spawn.mitigation, { ownRestrictedSids: 0 });
    const seen = { ...faithful(e), mitigations: new Map(e.mitigations.map((m) => [m.policy, m.policy === MITIGATION_POLICY.ProcessImageLoadPolicy ? 0 : m.mask])) };
    expect(startupMismatches(e, seen)).toEqual([{ check: "mitigation NoRemoteImages, NoLowMandatoryLabelImages, PreferSystem32Images", expected: "flags 0x7 set", found: "flags 0x0" }]);
    const unread = { ...faithful(e), mitigations: new Map([[MITIGATION_POLICY.ProcessASLRPolicy, "ERROR_ACCESS_DENIED"]]) };
    expect(startupMismatches(e, unread).map((m) => m.found)).toContain("not read: ERROR_ACCESS_DENIED");
  });

  test("every mitigation with a read-back maps to one flag of one policy record; the strict profile adds win32k, dynamic code and signatures", () => {
    const ci = mitigationReadBack(mitigationWords("ci").words);
    const strict = mitigationReadBack(mitigationWords("strict").words);
    const fields = (r: typeof ci) => r.flatMap((m) => m.fields).sort();
    expect(fields(strict).filter((f) => !fields(ci).includes(f)).sort()).toEqual(["DisallowWin32kSystemCalls", "MicrosoftSignedOnly", "ProhibitDynamicCode"]);
    for (const m of strict) expect(m.mask).toBe(m.fields.length === 3 ? 7 : m.fields.length === 2 ? 3 : 1);
    expect(mitigationReadBack([0n, 0n])).toEqual([]);
  });
});

describe("start-up check: what refuses the run", () => {
  const plan = planWindows(policy, windows);
  const expectOf = (token: Parameters<typeof startupExpectation>[2]["token"]) => startupExpectation(plan.report, plan.spawn.mitigation, { ...(token ? { token } : {}), ownRestrictedSids: 0 });

  test("a child outside the job is refused", () => {
    const e = expectOf(undefined);
    expect(startupMismatches(e, { ...faithful(e), inJob: false })).toEqual([{ check: "job", expected: "inside the sandbox's job", found: "outside it" }]);
  });

  test("an AppContainer token with another package SID, a level above low or a crossing privilege is refused", () => {
    const e = expectOf({ kind: "appcontainer", packageSid: PACKAGE });
    const t = faithful(e).token!;
    const with_ = (token: Partial<typeof t>) => startupMismatches(e, { ...faithful(e), token: { ...t, ...token } }).map((m) => m.check);
    expect(with_({ packageSid: "S-1-15-2-9" })).toEqual(["token.package-sid"]);
    const { packageSid: _p, ...noPackage } = t;
    expect(startupMismatches(e, { ...faithful(e), token: { ...noPackage, appContainer: false } }).map((m) => m.check)).toEqual(["token.appcontainer"]);
    expect(with_({ integrityRid: 0x2000 })).toEqual(["token.integrity"]);
    expect(with_({ privilegesPresent: bit(23) | bit(20) })).toEqual(["token.privileges"]);
    expect(startupMismatches(e, { ...faithful(e), token: { ...t, privilegesPresent: bit(20) | bit(29) } })[0]!.found).toBe("SeDebugPrivilege, SeImpersonatePrivilege");
    expect(with_({ restrictedSids: 2 })).toEqual(["token.restricted-sids"]);
    expect(with_({ unread: ["privileges"] })).toEqual(["token"]);
    // SeShutdown, SeUndock, SeTimeZone, SeIncreaseWorkingSet: what a lowbox token may keep.
    expect(with_({ privilegesPresent: bit(19) | bit(23) | bit(25) | bit(33) | bit(34) })).toEqual([]);
  });

  test("a low-integrity token that reads back at another level or keeps a privilege besides SeChangeNotify is refused", () => {
    const e = expectOf({ kind: "low-integrity" });
    const { packageSid: _p, ...rest } = faithful(e).token!;
    const t = { ...rest, appContainer: false };
    expect(startupMismatches(e, { ...faithful(e), token: t })).toEqual([]);
    // What Wine gives: the caller's high level, every privilege kept, restricted SIDs unreadable.
    const wineToken = { ...t, integrityRid: 0x3000, privilegesPresent: 0x73deffa0n, unread: ["restricted_sids"] };
    expect(startupMismatches(e, { ...faithful(e), token: wineToken }).map((m) => m.check)).toEqual(["token", "token.integrity", "token.privileges"]);
  });

  test("an account token of another user, elevated, or above medium is refused", () => {
    const e = expectOf({ kind: "account", userSid: "S-1-5-21-1-2-3-1001" });
    const t = { integrityRid: 0x2000, restrictedSids: 0, appContainer: false, elevated: false, userSid: "S-1-5-21-1-2-3-1001", privilegesPresent: bit(19) | bit(23), unread: [] };
    expect(startupMismatches(e, { ...faithful(e), token: t })).toEqual([]);
    expect(startupMismatches(e, { ...faithful(e), token: { ...t, userSid: "S-1-5-21-1-2-3-500", elevated: true, integrityRid: 0x3000 } }).map((m) => m.check)).toEqual(["token.user", "token.elevation", "token.integrity"]);
  });

  test("a listed handle that did not arrive, or an unlisted one of cordon's that did, is refused", () => {
    const e = expectOf(undefined);
    const m = startupMismatches(e, { ...faithful(e), handles: { missing: [0x64n], leaked: [0x6cn] } });
    expect(m).toEqual([
      { check: "handles.listed", expected: "every listed handle inherited", found: "missing 0x64" },
      { check: "handles.unlisted", expected: "no other handle of cordon's", found: "inherited 0x6c" },
    ]);
  });

  test("the crossing privileges are named by their LUIDs", () => {
    expect(CROSSING_PRIVILEGES[20]).toBe("SeDebugPrivilege");
    expect(CROSSING_PRIVILEGES[7]).toBe("SeTcbPrivilege");
    expect(Object.keys(CROSSING_PRIVILEGES)).not.toContain("23");
  });
});

describe("start-up check: handles", () => {
  const INHERIT = 0x2;
  const h = (value: bigint, typeIndex: number, attributes = INHERIT) => ({ value, typeIndex, attributes });

  test("inheritable handles of the child with the value and type of an unlisted inheritable one of cordon's are suspects; listed ones must be there", () => {
    const own = [h(0x64n, 17), h(0x6cn, 17), h(0x70n, 17, 0), h(0x80n, 30)];
    const child = [h(0x4n, 19, 0), h(0x8n, 12, 0), h(0x64n, 17), h(0x6cn, 17), h(0x70n, 17), h(0x80n, 31)];
    expect(handleFindings([0x64n], own, child)).toEqual({ missing: [], suspects: [0x6cn] });
    // 0x70 is not inheritable here, 0x80 is another type: not inherited from cordon.
    expect(handleFindings([0x64n, 0x90n], own, child).missing).toEqual([0x90n]);
    expect(handleFindings([0x64n], own, [h(0x64n, 17, 0)]).missing).toEqual([0x64n]);
  });
});
