// Job objects under the conditions Wine 8 reproduces faithfully: membership
// from birth, kill-on-close, terminate, completion-port messages, pid lists.
import { expect } from "bun:test";
import { closeHandle } from "../../ffi/windows.ts";
import {
  JOB_MSG,
  createJob,
  jobContains,
  jobProcessIds,
  nextJobEvent,
  setJobLimits,
  terminateJob,
  type JobEvent,
} from "../../ffi/windows-job.ts";
import { STILL_ACTIVE, exitCode, openProcess, spawnProcess, waitProcess } from "../../ffi/windows-spawn.ts";
import { commandLine } from "../../lib/plan/windows/command-line.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { bunCommand, cleanupAfterEach, foreverScript, heldScript, notWindows, readLine, spawnPiped } from "./support.ts";

const JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000;
const T = 60_000;
const cmdExe = process.env.ComSpec ?? "C:\\windows\\system32\\cmd.exe";

const cleanup = cleanupAfterEach();

function job() {
  const j = createJob();
  cleanup.push(() => closeHandle(j.port), () => {
    terminateJob(j.job, 1);
    closeHandle(j.job);
  });
  return j;
}

/** Port messages until ACTIVE_PROCESS_ZERO (the whole tree is gone). */
function eventsUntilEmpty(port: bigint): JobEvent[] {
  const seen: JobEvent[] = [];
  for (;;) {
    const e = nextJobEvent(port, 0xffffffff);
    if (!e) continue;
    seen.push(e);
    if (e.message === JOB_MSG.ACTIVE_PROCESS_ZERO) return seen;
  }
}

describeUnless(notWindows, "job objects", () => {
  testUnless(undefined, "a child spawned with JOB_LIST is inside the job from its first instruction", () => {
    const j = job();
    const outside = spawnPiped({ commandLine: bunCommand(heldScript()) });
    const inside = spawnPiped({ commandLine: bunCommand(heldScript()), job: j.job });
    cleanup.push(() => closeHandle(outside.stdinWrite), () => closeHandle(inside.stdinWrite));
    expect(jobContains(j.job, inside.process)).toBe(true);
    expect(jobContains(j.job, outside.process)).toBe(false);
    expect(readLine(inside.out)).toBe("ready");
    expect(jobProcessIds(j.job)).toEqual([inside.pid]);
  }, T);

  testUnless(undefined, "the completion port reports NEW_PROCESS, EXIT_PROCESS and then ACTIVE_PROCESS_ZERO", () => {
    const j = job();
    const child = spawnProcess({ commandLine: commandLine([cmdExe, "/c", "exit", "3"]), job: j.job });
    cleanup.push(() => closeHandle(child.process), () => closeHandle(child.thread));
    const events = eventsUntilEmpty(j.port);
    const pid = BigInt(child.pid);
    const messages = events.map((e) => e.message);
    expect(events.find((e) => e.message === JOB_MSG.NEW_PROCESS)?.value).toBe(pid);
    expect(events.find((e) => e.message === JOB_MSG.EXIT_PROCESS || e.message === JOB_MSG.ABNORMAL_EXIT_PROCESS)?.value).toBe(pid);
    expect(messages.indexOf(JOB_MSG.NEW_PROCESS)).toBeLessThan(messages.indexOf(JOB_MSG.ACTIVE_PROCESS_ZERO));
    expect(waitProcess(child.process, 0)).toBe(true);
    expect(exitCode(child.process)).toBe(3);
  }, T);

  testUnless(undefined, "the pid list and the port see grandchildren; TerminateJobObject ends the whole tree", () => {
    const j = job();
    // The child starts a grandchild that never ends by itself, prints its pid, and
    // waits. Detached, so it is not in the job Bun's own spawn puts children in
    // (which kills them with the child): only cordon's job can end it.
    const grand = JSON.stringify(foreverScript);
    const child = spawnPiped({
      commandLine: bunCommand(
        `const g = Bun.spawn([process.execPath, "-e", ${grand}], { stdin: "ignore", stdout: "pipe", detached: true }); ` +
          `const r = g.stdout.getReader(); await r.read(); console.log(g.pid); await Bun.stdin.text(); process.exit(0)`,
      ),
      job: j.job,
    });
    cleanup.push(() => closeHandle(child.stdinWrite));
    const grandPid = Number(readLine(child.out));
    expect(grandPid).toBeGreaterThan(0);
    const grandHandle = openProcess(grandPid);
    cleanup.push(() => closeHandle(grandHandle));
    expect(jobProcessIds(j.job).sort()).toEqual([child.pid, grandPid].sort());
    expect(jobContains(j.job, grandHandle)).toBe(true);

    terminateJob(j.job, 77);
    expect(waitProcess(child.process, T)).toBe(true);
    expect(waitProcess(grandHandle, T)).toBe(true);
    expect(exitCode(child.process)).toBe(77);
    expect(exitCode(grandHandle)).toBe(77);
    const events = eventsUntilEmpty(j.port);
    const born = events.filter((e) => e.message === JOB_MSG.NEW_PROCESS).map((e) => Number(e.value));
    expect(born).toContain(child.pid);
    expect(born).toContain(grandPid);
  }, T);

  testUnless(undefined, "KILL_ON_JOB_CLOSE: closing the last job handle ends child and grandchild", () => {
    const { job: jh, port } = createJob();
    cleanup.push(() => closeHandle(port));
    setJobLimits(jh, { limitFlags: JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE });
    const grand = JSON.stringify(foreverScript);
    const child = spawnPiped({
      commandLine: bunCommand(
        `const g = Bun.spawn([process.execPath, "-e", ${grand}], { stdin: "ignore", stdout: "pipe", detached: true }); ` +
          `const r = g.stdout.getReader(); await r.read(); console.log(g.pid); await Bun.stdin.text(); process.exit(0)`,
      ),
      job: jh,
    });
    cleanup.push(() => closeHandle(child.stdinWrite));
    const grandHandle = openProcess(Number(readLine(child.out)));
    cleanup.push(() => closeHandle(grandHandle));
    expect(waitProcess(child.process, 0)).toBe(false);

    closeHandle(jh);
    expect(waitProcess(child.process, T)).toBe(true);
    expect(waitProcess(grandHandle, T)).toBe(true);
    expect(exitCode(child.process)).not.toBe(STILL_ACTIVE);
  }, T);
});
