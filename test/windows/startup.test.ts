// The start-up check, against real processes: the child is created suspended
// and read back — job membership, token, mitigation policies, inherited
// handles — before its first instruction; on any difference from what the
// run's report calls enforced it is ended (exit code STARTUP_REFUSED) and
// StartupCheckError names the difference. Under Wine the job and handle
// checks run as on Windows; the mitigations read back 0 there, which refuses
// only where a report claims them.
import { expect } from "bun:test";
import { closeHandle, createPipe, setInheritable, type Handle } from "../../ffi/windows.ts";
import { createJob, terminateJob } from "../../ffi/windows-job.ts";
import { exitCode, resumeThread, spawnProcess, terminateProcess, waitProcess, type SpawnRequest, type Spawned } from "../../ffi/windows-spawn.ts";
import { INTEGRITY, RESTRICTED_TOKEN, appContainerSid, deleteAppContainer, restrictedToken, securityCapabilities, sidToString } from "../../ffi/windows-token.ts";
import { STARTUP_REFUSED_EXIT_CODE, verifyStartup } from "../../lib/backend/windows/startup.ts";
import { windowsHost } from "../../lib/backend/windows/index.ts";
import { StartupCheckError } from "../../lib/errors.ts";
import { commandLine, planWindows } from "../../lib/plan/windows/index.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";
import { run } from "../../lib/spawn.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { cleanupAfterEach, lacking, notWindows, wine } from "./support.ts";

const T = 60_000;
const CREATE_SUSPENDED = 0x4;
const cmdExe = process.env.ComSpec ?? "C:\\windows\\system32\\cmd.exe";
const cleanup = cleanupAfterEach();
const policy: ResolvedPolicy = { fs: { read: [], write: [] }, env: {}, cwd: process.cwd(), net: "none", limits: {}, compat: "best-effort" };
/** This host's report for the default plan; and the report a Windows host gives (mitigations enforced). */
const hostPlan = () => planWindows(policy, windowsHost());
const windowsPlan = () => planWindows(policy, { elevated: false });

function job(): Handle {
  const j = createJob();
  cleanup.push(() => closeHandle(j.port), () => {
    terminateJob(j.job, 1);
    closeHandle(j.job);
  });
  return j.job;
}

/** An inheritable pipe end, closed after the test. */
function inheritable(): Handle {
  const p = createPipe();
  setInheritable(p.write, true);
  cleanup.push(() => closeHandle(p.read), () => closeHandle(p.write));
  return p.write;
}

/** `cmd /c exit 0`, created suspended; ended and closed after the test. */
function suspended(req: Omit<SpawnRequest, "commandLine" | "creationFlags"> = {}): Spawned {
  const c = spawnProcess({ commandLine: commandLine([cmdExe, "/d", "/c", "exit 0"]), creationFlags: CREATE_SUSPENDED, ...req });
  cleanup.push(() => closeHandle(c.thread), () => closeHandle(c.process), () => terminateProcess(c.process, 1));
  return c;
}

/** The check's error, or undefined when it passed. */
function refusal(f: () => unknown): StartupCheckError | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof StartupCheckError) return e;
    throw e;
  }
}

/** The refused child was ended before it ran: its exit code is the check's. */
function expectEnded(c: Spawned) {
  expect(waitProcess(c.process, T)).toBe(true);
  expect(exitCode(c.process)).toBe(STARTUP_REFUSED_EXIT_CODE);
}

/** A child that passed runs to its end once resumed. */
function expectRuns(c: Spawned) {
  resumeThread(c.thread);
  expect(waitProcess(c.process, T)).toBe(true);
  expect(exitCode(c.process)).toBe(0);
}

describeUnless(notWindows, "start-up check: job and handles", () => {
  testUnless(undefined, "a child created outside the job it belongs to is ended before it runs; one born in it passes and runs", () => {
    const j = job();
    const plan = hostPlan();
    const outside = suspended();
    const e = refusal(() => verifyStartup({ process: outside.process, job: j, listed: [], report: plan.report, mitigation: plan.spawn.mitigation }));
    expect(e?.mismatches).toEqual([{ check: "job", expected: "inside the sandbox's job", found: "outside it" }]);
    expectEnded(outside);

    const inside = suspended({ job: j });
    expect(refusal(() => verifyStartup({ process: inside.process, job: j, listed: [], report: plan.report, mitigation: plan.spawn.mitigation }))).toBeUndefined();
    expectRuns(inside);
  }, T);

  testUnless(undefined, "a handle of cordon's that reached the child without being on the list it is checked against is found, and the child ended; the listed ones pass", () => {
    const j = job();
    const plan = hostPlan();
    const [a, b] = [inheritable(), inheritable()];
    const leaky = suspended({ job: j, inherit: [a, b] });
    const e = refusal(() => verifyStartup({ process: leaky.process, job: j, listed: [a], report: plan.report, mitigation: plan.spawn.mitigation }));
    expect(e?.mismatches).toEqual([{ check: "handles.unlisted", expected: "no other handle of cordon's", found: `inherited 0x${b.toString(16)}` }]);
    expectEnded(leaky);

    const missing = suspended({ job: j, inherit: [a] });
    expect(refusal(() => verifyStartup({ process: missing.process, job: j, listed: [a, b], report: plan.report, mitigation: plan.spawn.mitigation }))?.mismatches).toEqual([
      { check: "handles.listed", expected: "every listed handle inherited", found: `missing 0x${b.toString(16)}` },
    ]);
    expectEnded(missing);

    const exact = suspended({ job: j, inherit: [a, b] });
    expect(refusal(() => verifyStartup({ process: exact.process, job: j, listed: [a, b], report: plan.report, mitigation: plan.spawn.mitigation }))).toBeUndefined();
    expectRuns(exact);
  }, T);
});

describeUnless(notWindows, "start-up check: mitigations", () => {
  testUnless(undefined, "mitigations a report calls enforced that do not read back refuse the run, naming them", () => {
    const j = job();
    const plan = windowsPlan();
    const bare = suspended({ job: j });
    const e = refusal(() => verifyStartup({ process: bare.process, job: j, listed: [], report: plan.report, mitigation: plan.spawn.mitigation }));
    expect(e?.mismatches.map((m) => m.check)).toContain("mitigation NoRemoteImages, NoLowMandatoryLabelImages, PreferSystem32Images");
    expect(e?.mismatches.map((m) => m.check)).toContain("mitigation DisableExtensionPoints");
    expectEnded(bare);
  }, T);

  testUnless(undefined, "the default plan's child, spawned with its mitigations, passes; what is not read back is exactly what this host's report does not enforce", () => {
    const j = job();
    const plan = hostPlan();
    const c = suspended({ job: j, mitigation: plan.spawn.mitigation });
    let unchecked: readonly string[] = [];
    expect(refusal(() => (unchecked = verifyStartup({ process: c.process, job: j, listed: [], report: plan.report, mitigation: plan.spawn.mitigation })))).toBeUndefined();
    if (wine) expect(unchecked).toEqual([expect.stringContaining(`mitigation policies (proc.mitigations: Wine ${wine}`), "the token (no identity applied)"]);
    else expect(unchecked).toEqual(["the token (no identity applied)"]);
    expectRuns(c);
  }, T);

  testUnless(undefined, "run(): the report says what the start-up check did not read back", async () => {
    const r = await run(["cmd", "/c", "exit", "0"], { compat: "best-effort", fs: { read: [process.cwd()] }, cwd: process.cwd() });
    expect(r.status).toBe(0);
    const note = r.report.host?.find((n) => n.startsWith("start-up check"));
    if (wine) expect(note).toContain(`proc.mitigations: Wine ${wine}`);
    else expect(note ?? "").not.toContain("proc.mitigations");
  }, T);
});

describeUnless(notWindows, "start-up check: the token", () => {
  testUnless(undefined, "a child given a low-integrity restricted token is read back: at low integrity it passes (Windows), at the caller's level it is refused (Wine)", () => {
    const j = job();
    const plan = hostPlan();
    const token = restrictedToken(RESTRICTED_TOKEN.DISABLE_MAX_PRIVILEGE | RESTRICTED_TOKEN.LUA_TOKEN, INTEGRITY.LOW);
    cleanup.push(() => closeHandle(token));
    const c = suspended({ job: j, token, mitigation: plan.spawn.mitigation });
    const e = refusal(() => verifyStartup({ process: c.process, job: j, listed: [], report: plan.report, mitigation: plan.spawn.mitigation, token: { kind: "low-integrity" } }));
    if (wine) {
      // Measured: Wine gives the child the caller's high level and keeps every privilege.
      expect(e?.mismatches.map((m) => m.check)).toEqual(expect.arrayContaining(["token.integrity", "token.privileges"]));
      expectEnded(c);
    } else {
      expect(e).toBeUndefined();
      expectRuns(c);
    }
  }, T);

  testUnless(lacking("appcontainer"), "an AppContainer child reads back with its profile's package SID at low integrity; expecting another SID ends it", () => {
    const j = job();
    const plan = windowsPlan();
    const name = `cordon.startup.${process.pid}`;
    const sid = appContainerSid(name);
    cleanup.push(() => deleteAppContainer(name));
    const caps = securityCapabilities(sid, []);
    const spawn = () => suspended({ job: j, mitigation: plan.spawn.mitigation, securityCapabilities: caps.record });
    const good = spawn();
    expect(refusal(() => verifyStartup({ process: good.process, job: j, listed: [], report: plan.report, mitigation: plan.spawn.mitigation, token: { kind: "appcontainer", packageSid: sidToString(sid) } }))).toBeUndefined();
    expectRuns(good);
    const other = spawn();
    const e = refusal(() => verifyStartup({ process: other.process, job: j, listed: [], report: plan.report, mitigation: plan.spawn.mitigation, token: { kind: "appcontainer", packageSid: "S-1-15-2-1-1-1-1-1-1-1" } }));
    expect(e?.mismatches.map((m) => m.check)).toEqual(["token.package-sid"]);
    expectEnded(other);
    void caps.keep;
  }, T);
});
