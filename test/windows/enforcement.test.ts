// Enforcement Wine 8 accepts but does not perform (measured): job memory and
// process-count limits, mitigation policies. Under Wine these skip with that
// reason; on Windows each tries the forbidden thing and the granted thing.
import { expect } from "bun:test";
import { closeHandle, readToEnd } from "../../ffi/windows.ts";
import { queryJobLimits } from "../../ffi/windows-job.ts";
import { mitigationFlags, spawnProcess, terminateProcess, waitProcess } from "../../ffi/windows-spawn.ts";
import { spawnWindows, windowsHost } from "../../lib/backend/windows/index.ts";
import { JOB_OBJECT_LIMIT, commandLine, mitigationWords, planWindows } from "../../lib/plan/windows/index.ts";
import { MITIGATION_POLICY } from "../../lib/plan/windows/constants.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { bunCommand, bunExe, cleanupAfterEach, lacking, limitedJob, notWindows, runBun, spawnPiped } from "./support.ts";

const T = 120_000;
const MiB = 2 ** 20;
const CREATE_SUSPENDED = 0x4;
const cmdExe = process.env.ComSpec ?? "C:\\windows\\system32\\cmd.exe";
const cleanup = cleanupAfterEach();

const job = (limitFlags: number, extra: Parameters<typeof limitedJob>[2]) => limitedJob(cleanup, limitFlags, extra);
const runIn = (j: bigint, script: string) => runBun(script, { job: j });

describeUnless(notWindows, "job limits (enforced on Windows)", () => {
  testUnless(lacking("job-memory"), "JOB_MEMORY: an allocation past the job's limit fails; below it succeeds", () => {
    const alloc = (mib: number) => `const a = new Uint8Array(${mib} * 2 ** 20); a.fill(1); console.log("allocated " + a.length)`;
    const j = job(JOB_OBJECT_LIMIT.JOB_MEMORY, { jobMemoryLimit: BigInt(384 * MiB) });
    expect(queryJobLimits(j.job).jobMemoryLimit).toBe(BigInt(384 * MiB));
    const over = runIn(j.job, alloc(768));
    expect(over.out).not.toContain("allocated");
    expect(over.code).not.toBe(0);
    const under = runIn(j.job, alloc(16));
    expect(under.out).toContain(`allocated ${16 * MiB}`);
    expect(under.code).toBe(0);
  }, T);

  testUnless(lacking("job-memory"), "the backend reports a memory verdict when the tree hits the job's memory limit", async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
    const policy = { fs: { read: [], write: [] }, env, cwd: process.cwd(), net: "all", limits: { memory: 384 * MiB }, compat: "best-effort" } as const;
    const p = spawnWindows([bunExe, "-e", `const a = new Uint8Array(768 * 2 ** 20); a.fill(1); console.log("allocated")`], planWindows(policy, windowsHost()), { identity: false });
    p.closeStdin();
    const [out, exit] = await Promise.all([new Response(p.stdout).text(), p.exited, new Response(p.stderr).text()]);
    expect(out).not.toContain("allocated");
    expect(exit.verdicts).toContain("memory");
  }, T);

  testUnless(lacking("job-processes"), "ACTIVE_PROCESS: a job of one process cannot start a second; a job of two can", () => {
    const script = `try { const r = Bun.spawnSync([${JSON.stringify(cmdExe)}, "/c", "exit 0"]); console.log(r.success ? "spawned" : "failed") } catch { console.log("blocked") }`;
    const one = job(JOB_OBJECT_LIMIT.ACTIVE_PROCESS, { activeProcessLimit: 1 });
    expect(runIn(one.job, script).out).not.toContain("spawned");
    const two = job(JOB_OBJECT_LIMIT.ACTIVE_PROCESS, { activeProcessLimit: 2 });
    expect(runIn(two.job, script).out).toContain("spawned");
  }, T);
});

describeUnless(notWindows, "mitigation policies (enforced on Windows)", () => {
  testUnless(lacking("mitigations"), "the strict profile is in force in the child from creation; a child without it has none", () => {
    const { words } = mitigationWords("strict");
    const spawnSuspended = (mitigation?: readonly [bigint, bigint]) => {
      const c = spawnProcess({ commandLine: commandLine([cmdExe, "/c", "exit 0"]), creationFlags: CREATE_SUSPENDED, ...(mitigation ? { mitigation } : {}) });
      cleanup.push(() => closeHandle(c.thread), () => closeHandle(c.process), () => terminateProcess(c.process, 1));
      return c;
    };
    const hardened = spawnSuspended(words);
    const plain = spawnSuspended();
    const flag = (h: bigint, policy: number) => mitigationFlags(h, policy) & 1;
    for (const policy of [
      MITIGATION_POLICY.ProcessSystemCallDisablePolicy, // DisallowWin32kSystemCalls
      MITIGATION_POLICY.ProcessDynamicCodePolicy, // ProhibitDynamicCode
      MITIGATION_POLICY.ProcessStrictHandleCheckPolicy, // RaiseExceptionOnInvalidHandleReference
      MITIGATION_POLICY.ProcessExtensionPointDisablePolicy, // DisableExtensionPoints
      MITIGATION_POLICY.ProcessImageLoadPolicy, // NoRemoteImages
    ]) {
      expect({ policy, on: flag(hardened.process, policy) }).toEqual({ policy, on: 1 });
      expect({ policy, on: flag(plain.process, policy) }).toEqual({ policy, on: 0 });
    }
  }, T);

  testUnless(lacking("mitigations"), "a JIT cannot run with dynamic code prohibited, and runs without", () => {
    const { words } = mitigationWords("strict");
    const run = (mitigation?: readonly [bigint, bigint]) => {
      const child = spawnPiped({ commandLine: bunCommand(`console.log("ran")`), ...(mitigation ? { mitigation } : {}) });
      closeHandle(child.stdinWrite);
      const out = Buffer.from(readToEnd(child.out)).toString();
      closeHandle(child.out);
      expect(waitProcess(child.process, T)).toBe(true);
      return out;
    };
    expect(run([words[0] & (1n << 36n), 0n])).not.toContain("ran");
    expect(run()).toContain("ran");
  }, T);
});
