// What Wine does with each security mechanism, measured: the reasons
// lib/plan/windows/wine.ts gives for every row it reports not enforced under
// Wine. Each test runs under Wine only and asserts what Wine does (so a Wine
// that starts enforcing one fails here and the reason gets revisited); each
// has a positive twin showing the call itself worked.
import { expect } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeHandle } from "../../ffi/windows.ts";
import { ACCESS_MODE, GENERIC, NO_INHERITANCE, accessCheck, fileInfo, setAcl } from "../../ffi/windows-acl.ts";
import { jobAccounting, queryJobLimits, queryUiRestrictions, setCpuRate, setUiRestrictions } from "../../ffi/windows-job.ts";
import { mitigationFlags, spawnProcess, terminateProcess, waitProcess } from "../../ffi/windows-spawn.ts";
import { INTEGRITY, RESTRICTED_TOKEN, restrictedToken, sidFromString, tokenInfo } from "../../ffi/windows-token.ts";
import { logonUser } from "../../ffi/windows-user.ts";
import { openWfp } from "../../ffi/windows-wfp.ts";
import { JOB_OBJECT_LIMIT, allUiRestrictions, commandLine, mitigationWords, wineGaps } from "../../lib/plan/windows/index.ts";
import { MITIGATION_POLICY } from "../../lib/plan/windows/constants.ts";
import { OsError } from "../../lib/errors.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { bunCommand, cleanupAfterEach, limitedJob, notWindows, runBun, wine } from "./support.ts";

const T = 60_000;
const MiB = 2n ** 20n;
const CREATE_SUSPENDED = 0x4;
const cmdExe = process.env.ComSpec ?? "C:\\windows\\system32\\cmd.exe";
const onlyWine = notWindows ?? (wine ? undefined : "measures Wine; this is Windows");
const cleanup = cleanupAfterEach();

const job = (limitFlags: number = JOB_OBJECT_LIMIT.KILL_ON_JOB_CLOSE, extra: Parameters<typeof limitedJob>[2] = {}) => limitedJob(cleanup, limitFlags, extra);

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "cordon-wine-"));
  cleanup.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describeUnless(onlyWine, "what Wine does with each mechanism", () => {
  testUnless(undefined, "every reason the plan gives under Wine names this Wine's version", () => {
    for (const reason of Object.values(wineGaps(wine!))) expect(reason).toContain(`Wine ${wine}`);
  });

  testUnless(undefined, "under Wine, job limits do not read back: LimitFlags and JobMemoryLimit are 0 after SetInformationJobObject accepted them", () => {
    const j = job(JOB_OBJECT_LIMIT.JOB_MEMORY | JOB_OBJECT_LIMIT.ACTIVE_PROCESS, { jobMemoryLimit: 256n * MiB, activeProcessLimit: 3 });
    expect(queryJobLimits(j.job)).toMatchObject({ limitFlags: 0, jobMemoryLimit: 0n, activeProcessLimit: 0 });
  });

  testUnless(undefined, "under Wine, a job limited to one active process starts a second", () => {
    const j = job(JOB_OBJECT_LIMIT.ACTIVE_PROCESS, { activeProcessLimit: 1 });
    const r = runBun(`const r = Bun.spawnSync([${JSON.stringify(cmdExe)}, "/c", "exit 3"]); console.log("second process exit " + r.exitCode)`, { job: j.job });
    expect(r.out).toContain("second process exit 3");
  }, T);

  testUnless(undefined, "under Wine, a job limited to 0.5 s of user time runs a 2.5 s spin to its end, and its accounting shows 0 user and 0 kernel time", () => {
    const j = job(JOB_OBJECT_LIMIT.JOB_TIME, { perJobUserTime: 5_000_000n });
    const r = runBun(`const t = Date.now(); while (Date.now() - t < 2500) {} console.log("spun")`, { job: j.job });
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining("spun") });
    const a = jobAccounting(j.job);
    expect(a.totalProcesses).toBe(1); // the accounting answers: it counted the process
    expect([a.totalUserTime, a.totalKernelTime]).toEqual([0n, 0n]);
  }, T);

  testUnless(undefined, "under Wine, JobObjectCpuRateControlInformation is refused with ERROR_INVALID_PARAMETER", () => {
    const j = job();
    expect(() => setCpuRate(j.job, 0x1 | 0x4, 2500)).toThrow("ERROR_INVALID_PARAMETER");
  });

  testUnless(undefined, "under Wine, UI restrictions are accepted, and reading them back fails with ERROR_INVALID_FUNCTION", () => {
    const j = job();
    setUiRestrictions(j.job, allUiRestrictions);
    let error: unknown;
    try {
      queryUiRestrictions(j.job);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OsError);
    expect((error as OsError).status).toBe(-1); // ERROR_INVALID_FUNCTION: the class is not implemented
  });

  testUnless(undefined, "under Wine, mitigation policies read back as 0 and a JIT runs with dynamic code prohibited", () => {
    const { words } = mitigationWords("strict");
    const c = spawnProcess({ commandLine: commandLine([cmdExe, "/c", "exit 0"]), creationFlags: CREATE_SUSPENDED, mitigation: words });
    cleanup.push(() => closeHandle(c.thread), () => closeHandle(c.process), () => terminateProcess(c.process, 1));
    for (const policy of Object.values(MITIGATION_POLICY)) expect({ policy, flags: mitigationFlags(c.process, policy) }).toEqual({ policy, flags: 0 });
    const jit = runBun(`console.log("jit ran")`, { mitigation: [words[0] & (1n << 36n), 0n] });
    expect(jit.out).toContain("jit ran");
  }, T);

  testUnless(undefined, "under Wine, a child created with CHILD_PROCESS_RESTRICTED starts a process", () => {
    const r = runBun(`const r = Bun.spawnSync([${JSON.stringify(cmdExe)}, "/c", "exit 4"]); console.log("grandchild exit " + r.exitCode)`, { childProcessPolicy: 0x1 });
    expect(r.out).toContain("grandchild exit 4");
  }, T);

  testUnless(undefined, "under Wine, CreateAppContainerProfile is an unimplemented stub: calling it ends the process (0x80000100) and returns nothing", () => {
    const token = join(import.meta.dir, "..", "..", "ffi", "windows-token.ts");
    const r = runBun(`const t = await import(${JSON.stringify(token)}); console.log("calling"); try { t.appContainerSid("cordon.wine.probe"); console.log("returned") } catch (e) { console.log("threw " + e) }`);
    expect(r.out).toContain("calling");
    expect(r.out).not.toContain("returned");
    expect(r.out).not.toContain("threw");
    expect(r.code).toBe(0x80000100); // EXCEPTION_WINE_STUB
  }, T);

  testUnless(undefined, "under Wine, a restricted low-integrity token reads back unrestricted at the caller's level, and its child writes where the caller can", () => {
    const token = restrictedToken(RESTRICTED_TOKEN.DISABLE_MAX_PRIVILEGE | RESTRICTED_TOKEN.LUA_TOKEN, INTEGRITY.LOW);
    cleanup.push(() => closeHandle(token));
    const own = tokenInfo();
    expect(tokenInfo(token)).toEqual({ restricted: false, integrityRid: own.integrityRid, elevated: own.elevated });
    const dir = tempDir();
    const write = (name: string) => `require("node:fs").writeFileSync(${JSON.stringify(join(dir, name))}, "x")`;
    expect(runBun(write("caller.txt")).code).toBe(0);
    expect(existsSync(join(dir, "caller.txt"))).toBe(true);
    const c = spawnProcess({ commandLine: bunCommand(write("low.txt")), token });
    closeHandle(c.thread);
    expect(waitProcess(c.process, T)).toBe(true);
    closeHandle(c.process);
    expect(existsSync(join(dir, "low.txt"))).toBe(true);
  }, T);

  testUnless(undefined, "under Wine, a DACL deny entry changes AccessCheck's answer but not the write", () => {
    const file = join(tempDir(), "f.txt");
    writeFileSync(file, "before");
    const everyone = sidFromString("S-1-1-0");
    expect(accessCheck(file, GENERIC.WRITE).allowed).toBe(true);
    setAcl(file, everyone, 0x2 | 0x4, ACCESS_MODE.DENY, NO_INHERITANCE);
    cleanup.push(() => setAcl(file, everyone, 0, ACCESS_MODE.REVOKE, NO_INHERITANCE));
    expect(accessCheck(file, GENERIC.WRITE).allowed).toBe(false);
    writeFileSync(file, "after");
    expect(readFileSync(file, "utf8")).toBe("after");
  });

  testUnless(undefined, "under Wine, LogonUserW succeeds for an account that does not exist, and what it returns is not a token", () => {
    const h = logonUser(`nosuch${process.pid}`, "wrong");
    expect(() => tokenInfo(h)).toThrow("ERROR_INVALID_HANDLE");
  });

  testUnless(undefined, "under Wine, FwpmEngineOpen0 answers 1764 (RPC_S_CANNOT_SUPPORT)", () => {
    expect(() => openWfp()).toThrow("1764");
  });

  testUnless(process.env.CORDON_WINE_LINKS ? undefined : "needs the Unix symlink scripts/wine-test.sh hands over (CORDON_WINE_LINKS)", "under Wine, CreateSymbolicLinkW reports success and makes nothing, and a Unix symlink reads as a reparse point with tag 0", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "target"));
    symlinkSync(join(dir, "target"), join(dir, "made"), "dir"); // no error...
    expect(() => fileInfo(join(dir, "made"))).toThrow("ERROR_FILE_NOT_FOUND"); // ...and nothing there
    const links = process.env.CORDON_WINE_LINKS!;
    expect(fileInfo(join(links, "link"))).toEqual({ attributes: 0x10 | 0x400, reparseTag: 0 });
    expect(fileInfo(join(links, "target"))).toEqual({ attributes: 0x10, reparseTag: 0 });
  });
});
