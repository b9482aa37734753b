// Executes a Windows plan: one job object per sandbox (limits, UI
// restrictions, CPU cap, completion port), children born inside it with only
// their stdio inherited and the plan's mitigations, exit known when the whole
// tree is gone. The identity (AppContainer, account, low integrity) is applied
// by ./identity.ts and undone when the tree is gone.
import { closeHandle, createPipe, setInheritable, wineVersion, writeAll, type Handle } from "../../../ffi/windows.ts";
import { createJob, jobProcessIds, setCpuRate, setJobLimits, setUiRestrictions, terminateJob } from "../../../ffi/windows-job.ts";
import { exitCode, spawnProcess } from "../../../ffi/windows-spawn.ts";
import { commandLine } from "../../plan/windows/command-line.ts";
import { windowsVerdicts, type WindowsPlan, type WindowsVerdict } from "../../plan/windows/index.ts";
import type { GuaranteeReport } from "../../report.ts";
import { longTimeout } from "../../timer.ts";
import { applyIdentity } from "./identity.ts";
import { JobEvents, type JobMessage } from "./job-events.ts";
import { pipeStream } from "./pipe-stream.ts";

/** Report rows that depend on the plan's identity. */
const identityRows = new Set(["fs.read-confined", "fs.write-confined", "net.none", "net.ports", "identity.account"]);

/** The plan's report, with the identity rows demoted when the identity was not applied. */
export function backendReport(plan: WindowsPlan, identityApplied: boolean): GuaranteeReport[] {
  return plan.report.map((g) =>
    !identityApplied && identityRows.has(g.guarantee) && g.status !== "not-enforced"
      ? { guarantee: g.guarantee, status: "not-enforced", by: [], reason: `the ${plan.isolation.identity.kind} identity was not applied` }
      : g,
  );
}

export type WindowsExit = {
  readonly exitCode: number;
  readonly timedOut: boolean;
  readonly messages: readonly JobMessage[];
  /** What was enforced for this run. */
  readonly report: readonly GuaranteeReport[];
  /** The limits the tree ran into (from the port's messages), or ["exited"]. */
  readonly verdicts: readonly WindowsVerdict[];
};

export type WindowsSubprocess = {
  readonly pid: number;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  /** Writes to the child's stdin (blocking for large writes). */
  write(data: Uint8Array | string): void;
  closeStdin(): void;
  /** Ends the whole tree (TerminateJobObject). */
  kill(exitCode?: number): void;
  /** Ids of the tree's live processes. */
  pids(): number[];
  /** Resolves when no process of the tree is left. */
  readonly exited: Promise<WindowsExit>;
};

/** Exit code cordon gives a tree it ended on timeout. */
export const TIMEOUT_EXIT_CODE = 0xc0d0;

export type SpawnWindowsOptions = {
  /** Each completion-port message as it arrives (NEW_PROCESS, EXIT_PROCESS, limit hits...). */
  readonly onJobMessage?: (m: JobMessage) => void;
  /** Apply the plan's identity (default true; never under Wine, which would not enforce it). Off, the run's report says what is then missing. */
  readonly identity?: boolean;
};

export function spawnWindows(argv: readonly string[], plan: WindowsPlan, opts: SpawnWindowsOptions = {}): WindowsSubprocess {
  const identity = opts.identity === false ? undefined : applyIdentity(plan, wineVersion());
  const report = backendReport(plan, identity?.applied ?? false);
  const { job, port } = createJob();
  const cleanup: (() => void)[] = [() => identity?.undo(), () => closeHandle(port), () => closeHandle(job)];
  const fail = (e: unknown): never => {
    for (const f of cleanup.reverse()) f();
    throw e;
  };
  try {
    setJobLimits(job, {
      limitFlags: plan.job.limitFlags,
      ...(plan.job.activeProcessLimit !== undefined ? { activeProcessLimit: plan.job.activeProcessLimit } : {}),
      ...(plan.job.jobMemoryLimit !== undefined ? { jobMemoryLimit: plan.job.jobMemoryLimit } : {}),
      ...(plan.job.perJobUserTime !== undefined ? { perJobUserTime: plan.job.perJobUserTime } : {}),
    });
    setUiRestrictions(job, plan.job.uiRestrictions);
    if (plan.job.cpuRate) setCpuRate(job, plan.job.cpuRate.controlFlags, plan.job.cpuRate.value);
  } catch (e) {
    fail(e);
  }

  const stdin = createPipe();
  const stdout = createPipe();
  const stderr = createPipe();
  const childEnds = [stdin.read, stdout.write, stderr.write];
  let child;
  try {
    for (const h of childEnds) setInheritable(h, true);
    child = spawnProcess({
      commandLine: commandLine(argv),
      env: plan.spawn.env,
      cwd: plan.spawn.cwd,
      job,
      mitigation: plan.spawn.mitigation,
      ...(plan.spawn.childProcessPolicy !== undefined ? { childProcessPolicy: plan.spawn.childProcessPolicy } : {}),
      stdio: { stdin: stdin.read, stdout: stdout.write, stderr: stderr.write },
      inherit: childEnds,
      ...(identity?.token !== undefined ? { token: identity.token } : {}),
      ...(identity?.securityCapabilities !== undefined ? { securityCapabilities: identity.securityCapabilities } : {}),
    });
    void identity?.keep;
  } catch (e) {
    for (const h of [stdin.write, stdout.read, stderr.read]) closeHandle(h);
    fail(e);
  } finally {
    for (const h of childEnds) closeHandle(h);
  }
  const spawned = child!;
  closeHandle(spawned.thread);

  const events = new JobEvents(port, opts.onJobMessage);
  let timedOut = false;
  const timer = plan.job.timeoutMs !== undefined
    ? longTimeout(plan.job.timeoutMs, () => {
        timedOut = true;
        terminateJob(job, TIMEOUT_EXIT_CODE);
      })
    : undefined;
  let stdinOpen = true;
  const closeStdin = () => {
    if (stdinOpen) closeHandle(stdin.write);
    stdinOpen = false;
  };

  // After the tree is gone the job handle is closed; its value may name another object by then.
  let finished = false;
  const exited = events.empty.then(
    async () => {
      finished = true;
      timer?.clear();
      const code = exitCode(spawned.process);
      closeStdin();
      await events.close();
      closeHandle(spawned.process);
      closeHandle(port);
      closeHandle(job);
      identity?.undo();
      return { exitCode: code, timedOut, messages: events.seen, report, verdicts: windowsVerdicts(events.seen, timedOut) };
    },
  );

  return {
    pid: spawned.pid,
    stdout: pipeStream(stdout.read),
    stderr: pipeStream(stderr.read),
    write(data) {
      writeAll(stdin.write, typeof data === "string" ? new TextEncoder().encode(data) : data);
    },
    closeStdin,
    kill(code = 1) {
      if (!finished) terminateJob(job, code);
    },
    pids: () => (finished ? [] : jobProcessIds(job)),
    exited,
  };
}

export type { Handle };
