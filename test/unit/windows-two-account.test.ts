// Fetch/exec separation by account, on any OS: one account fetches (network,
// writes the cache), another runs offline reading the cache; what ties the
// phases together, and where hard mode refuses.
import { describe, expect, test } from "bun:test";
import { CompatError, PolicyError } from "../../lib/errors.ts";
import { FILE_ACCESS, planFetchExec, type WindowsHost } from "../../lib/plan/windows/index.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";

const cache = "C:\\ci\\cache";
const fetchPolicy: ResolvedPolicy = { fs: { read: ["C:\\tools"], write: ["C:\\ci\\src"] }, env: {}, cwd: "C:\\ci\\src", net: { connect: [443], bind: [] }, limits: {}, compat: "best-effort" };
const runPolicy: ResolvedPolicy = { fs: { read: ["C:\\tools", "C:\\ci\\src"], write: ["C:\\ci\\out"] }, env: {}, cwd: "C:\\ci\\src", net: "none", limits: {}, compat: "best-effort" };
const admin: WindowsHost = { elevated: true };
const row = (rows: readonly { guarantee: string; status: string }[], id: string) => rows.find((g) => g.guarantee === id);

describe("windows fetch/exec separation by account", () => {
  test("the fetch account writes the cache and reaches the listed port; the run account reads the cache offline and is checked not to write it", () => {
    const p = planFetchExec(fetchPolicy, runPolicy, admin, { cache });
    expect(p.accounts).toEqual({ fetch: "cordon-fetch", run: "cordon-run" });
    expect(p.fetch.isolation.identity).toEqual({ kind: "account", name: "cordon-fetch" });
    expect(p.run.isolation.identity).toEqual({ kind: "account", name: "cordon-run" });
    expect(p.fetch.isolation.acl).toContainEqual({ path: cache, access: FILE_ACCESS.MODIFY, why: "write" });
    expect(p.run.isolation.acl).toContainEqual({ path: cache, access: FILE_ACCESS.READ_EXECUTE, why: "read" });
    expect(p.run.isolation.acl.filter((g) => g.path === cache && g.why === "write")).toEqual([]);
    expect(p.fetch.isolation.wfp).toContainEqual({ action: "permit", layer: "ALE_AUTH_CONNECT", remotePort: 443, protocol: "tcp", weight: "high" });
    expect(p.run.isolation.wfp.every((f) => f.action === "block")).toBe(true);
    expect(p.run.isolation.checks).toContainEqual({ path: cache, access: 0x4000_0000, allowed: false, guarantee: "fs.write-confined", why: "the cache, which only the fetch account may write" });
    expect(row(p.report, "run:net.none")).toMatchObject({ status: "enforced" });
    expect(row(p.report, "run:identity.account")).toMatchObject({ status: "enforced" });
    expect(row(p.report, "fetch:net.tcp-connect-confined")).toMatchObject({ status: "enforced" });
  });

  test("one account for both phases, a run phase with network, or a run phase that could write the cache is refused", () => {
    expect(() => planFetchExec(fetchPolicy, runPolicy, admin, { cache, fetchAccount: "ci", runAccount: "CI" })).toThrow(PolicyError);
    expect(() => planFetchExec(fetchPolicy, { ...runPolicy, net: "all" }, admin, { cache })).toThrow(PolicyError);
    expect(() => planFetchExec(fetchPolicy, { ...runPolicy, fs: { ...runPolicy.fs, write: ["C:\\ci"] } }, admin, { cache })).toThrow("may not write the cache");
    expect(() => planFetchExec(fetchPolicy, { ...runPolicy, fs: { ...runPolicy.fs, write: ["C:\\ci\\cache\\x"] } }, admin, { cache })).toThrow(PolicyError);
  });

  test("without an administrator neither account is applied, and hard mode refuses naming both phases' identity", () => {
    const p = planFetchExec(fetchPolicy, runPolicy, { elevated: false }, { cache });
    expect(p.fetch.isolation.apply).toBe(false);
    expect(p.run.isolation.apply).toBe(false);
    expect(row(p.report, "run:net.none")).toMatchObject({ status: "not-enforced" });
    let error: unknown;
    try {
      planFetchExec(fetchPolicy, { ...runPolicy, compat: "hard" }, { elevated: false }, { cache });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompatError);
    const missing = (error as CompatError).missing.map((m) => m.guarantee);
    expect(missing).toContain("fetch:identity.account");
    expect(missing).toContain("run:identity.account");
    expect((error as CompatError).missing.find((m) => m.guarantee === "run:identity.account")?.reason).toContain("needs an administrator");
  });

  test("under Wine hard mode refuses with what Wine was measured to do with accounts and WFP", () => {
    try {
      planFetchExec({ ...fetchPolicy, compat: "hard" }, runPolicy, { elevated: true, wine: "8.0" }, { cache });
      throw new Error("not refused");
    } catch (e) {
      expect(e).toBeInstanceOf(CompatError);
      const reasons = (e as CompatError).missing.map((m) => m.reason).join("\n");
      expect(reasons).toContain("LogonUserW succeeds for any name");
      expect(reasons).toContain("FwpmEngineOpen0 answers 1764");
    }
  });

  test("elevated, hard mode still refuses: an account confines files only partly, and the refusal says so", () => {
    try {
      planFetchExec(fetchPolicy, { ...runPolicy, compat: "hard" }, admin, { cache });
      throw new Error("not refused");
    } catch (e) {
      expect(e).toBeInstanceOf(CompatError);
      expect((e as CompatError).missing.map((m) => m.guarantee).sort()).toEqual(["fetch:fs.read-confined", "fetch:fs.write-confined", "run:fs.read-confined", "run:fs.write-confined"]);
    }
  });
});
