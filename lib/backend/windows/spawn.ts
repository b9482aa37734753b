// Executes a Windows plan: one job object per sandbox (limits, UI
// restrictions, CPU cap, completion port), the child born inside it with only
// its three stdio handles inherited and the plan's mitigations, exit known
// when the whole tree is gone. The identity (AppContainer, account, low
// integrity) is applied by ./identity.ts and undone when the tree is gone.
import { closeHandle, type Handle } from "../../../ffi/windows.ts";
import { createJob, jobAccounting, jobProcessIds, setCpuRate, setJobLimits, setUiRestrictions, terminateJob, JOB_MSG } from "../../../ffi/windows-job.ts";
import { exitCode, resumeThread, spawnProcess } from "../../../ffi/windows-spawn.ts";
import { sidToString } from "../../../ffi/windows-token.ts";
import { commandLine } from "../../plan/windows/command-line.ts";
import { windowsVerdicts, type WindowsPlan, type WindowsVerdict } from "../../plan/windows/index.ts";
import type { GuaranteeReport } from "../../report.ts";
import { CompatError } from "../../errors.ts";
import type { SandboxStdio } from "../contract.ts";
import { applyIdentity, type AppliedIdentity } from "./identity.ts";
import { verifyStartup } from "./startup.ts";
import { JobEvents, type JobMessage } from "./job-events.ts";
import { pipeSink, type PipeSink } from "./pipe-sink.ts";
import { pipeStream } from "./pipe-stream.ts";
import { childStdio } from "./stdio.ts";
import { longTimeout } from "../../timer.ts";

/** Report rows that depend on the plan's identity. */
const identityRows = new Set(["fs.read-confined", "fs.write-confined", "fs.exec-confined", "net.none", "net.tcp-connect-confined", "net.tcp-bind-confined", "net.udp-closed", "identity.account"]);

/** The plan's report, with the identity rows demoted when the identity was not applied, and what the checks as the account found open. */
export function backendReport(plan: WindowsPlan, identityApplied: boolean, demoted: readonly GuaranteeReport[] = []): GuaranteeReport[] {
  return plan.report.map((g) =>
    !identityApplied && identityRows.has(g.guarantee) && g.status !== "not-enforced"
      ? { guarantee: g.guarantee, status: "not-enforced", by: [], reason: `the ${plan.isolation.identity.kind} identity was not applied` }
      : (demoted.find((d) => d.guarantee === g.guarantee && g.status !== "not-enforced") ?? g),
  );
}

/** CREATE_SUSPENDED: the child is read back before its first instruction (./startup.ts). */
const CREATE_SUSPENDED = 0x4;

/** The token the applied identity must show in the child. */
function tokenExpectation(plan: WindowsPlan, identity: AppliedIdentity | undefined) {
  if (!identity?.applied) return undefined;
  const kind = plan.isolation.identity.kind;
  if (kind === "low-integrity") return { kind } as const;
  if (!identity.sid) return undefined;
  const sid = sidToString(identity.sid);
  return kind === "appcontainer" ? ({ kind, packageSid: sid } as const) : ({ kind, userSid: sid } as const);
}

export type WindowsExit = {
  /** The command's own exit code (the first process's). */
  readonly exitCode: number;
  readonly timedOut: boolean;
  readonly messages: readonly JobMessage[];
  /** What was enforced for this run. */
  readonly report: readonly GuaranteeReport[];
  /** The limits the tree ran into (from the port's messages and cordon's own timer and CPU poll), or ["exited"]. */
  readonly verdicts: readonly WindowsVerdict[];
  /** True when cordon ended the tree (kill, timeout, CPU limit) before the command exited by itself. */
  readonly ended: boolean;
};

export type WindowsSubprocess = {
  readonly pid: number;
  /** What is enforced for this run (the plan's report, identity rows demoted if it was not applied). */
  readonly report: readonly GuaranteeReport[];
  /** What the start-up check did not read back, and why (rows this host does not enforce). */
  readonly unchecked: readonly string[];
  /** Present for "pipe" stdio. */
  readonly stdin: PipeSink | undefined;
  readonly stdout: ReadableStream<Uint8Array> | undefined;
  readonly stderr: ReadableStream<Uint8Array> | undefined;
  /** Writes to the child's stdin ("pipe" only). */
  write(data: Uint8Array | string): void;
  closeStdin(): void;
  /** Ends the whole tree (TerminateJobObject). */
  kill(exitCode?: number): void;
  /** Ids of the tree's live processes. */
  pids(): number[];
  /** Resolves when no process of the tree is left. */
  readonly exited: Promise<WindowsExit>;
};

/** Exit code the processes of a tree get when cordon ends it. */
export const TIMEOUT_EXIT_CODE = 0xc0d0;
export const KILLED_EXIT_CODE = TIMEOUT_EXIT_CODE;

/** How often the job's CPU time is read when a CPU limit is set. */
const CPU_POLL_MS = 100;

export type SpawnWindowsOptions = {
  /** Each completion-port message as it arrives (NEW_PROCESS, EXIT_PROCESS, limit hits...). */
  readonly onJobMessage?: (m: JobMessage) => void;
  /** Apply the plan's identity (default true; the plan itself decides whether the host can). Off, the run's report says what is then missing. */
  readonly identity?: boolean;
  /** stdin, stdout, stderr (default: three pipes). */
  readonly stdio?: readonly [SandboxStdio, SandboxStdio, SandboxStdio];
  /** The program's full path (lpApplicationName); default: Windows finds argv[0]. */
  readonly application?: string;
  /** End the rest of the tree as soon as the command's own process exits (the portable API's rule). */
  readonly endWithCommand?: boolean;
};

export function spawnWindows(argv: readonly string[], plan: WindowsPlan, opts: SpawnWindowsOptions = {}): WindowsSubprocess {
  const identity = opts.identity === false ? undefined : applyIdentity(plan);
  const report = backendReport(plan, identity?.applied ?? false, identity?.demoted);
  const cleanup: (() => void)[] = [() => identity?.undo()];
  const fail = (e: unknown): never => {
    for (const f of cleanup.reverse()) f();
    throw e;
  };
  let job: Handle = 0n;
  let port: Handle = 0n;
  try {
    // Hard mode: what the checks as the account found open is refused before anything runs.
    if (identity?.demoted?.length && plan.compat === "hard") throw new CompatError(identity.demoted.map((g) => ({ guarantee: g.guarantee, reason: g.reason ?? g.status })));
    ({ job, port } = createJob());
    cleanup.push(() => closeHandle(port), () => closeHandle(job));
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

  let stdio!: ReturnType<typeof childStdio>;
  let spawned!: ReturnType<typeof spawnProcess>;
  try {
    stdio = childStdio(opts.stdio ?? ["pipe", "pipe", "pipe"]);
  } catch (e) {
    fail(e);
  }
  try {
    const [stdin, stdout, stderr] = stdio.child;
    spawned = spawnProcess({
      commandLine: commandLine(argv),
      creationFlags: CREATE_SUSPENDED,
      ...(opts.application !== undefined ? { application: opts.application } : {}),
      env: plan.spawn.env,
      cwd: plan.spawn.cwd,
      job,
      mitigation: plan.spawn.mitigation,
      ...(plan.spawn.childProcessPolicy !== undefined ? { childProcessPolicy: plan.spawn.childProcessPolicy } : {}),
      stdio: { stdin, stdout, stderr },
      inherit: stdio.child,
      ...(identity?.token !== undefined ? { token: identity.token } : {}),
      ...(identity?.securityCapabilities !== undefined ? { securityCapabilities: identity.securityCapabilities } : {}),
    });
    void identity?.keep;
  } catch (e) {
    stdio.closeAll();
    fail(e);
  }
  let unchecked: readonly string[] = [];
  try {
    // Before closing the child's ends: cordon's own handle table is compared with the child's.
    const token = tokenExpectation(plan, identity);
    unchecked = verifyStartup({ process: spawned.process, job, listed: stdio.child, report, mitigation: plan.spawn.mitigation, ...(token ? { token } : {}) });
    stdio.closeChildEnds();
    resumeThread(spawned.thread);
  } catch (e) {
    closeHandle(spawned.thread);
    closeHandle(spawned.process);
    stdio.closeAll();
    fail(e);
  }
  closeHandle(spawned.thread);

  let finished = false;
  let ended = false;
  let commandExited = false;
  let cpuHit = false;
  const end = () => {
    if (finished) return;
    if (!commandExited) ended = true;
    terminateJob(job, KILLED_EXIT_CODE);
  };
  const onMessage = (m: JobMessage) => {
    if (m.pid === spawned.pid && (m.message === JOB_MSG.EXIT_PROCESS || m.message === JOB_MSG.ABNORMAL_EXIT_PROCESS)) {
      commandExited = true;
      // What the command left behind goes with it.
      if (opts.endWithCommand) end();
    }
    opts.onJobMessage?.(m);
  };
  const events = new JobEvents(port, onMessage);

  let timedOut = false;
  const timer =
    plan.job.timeoutMs !== undefined
      ? longTimeout(plan.job.timeoutMs, () => {
          timedOut = true;
          end();
        })
      : undefined;
  const limit = plan.job.cpuTimeLimit;
  const cpuPoll =
    limit !== undefined
      ? setInterval(() => {
          if (finished) return;
          const a = jobAccounting(job);
          if (a.totalUserTime + a.totalKernelTime > limit) {
            cpuHit = true;
            end();
          }
        }, CPU_POLL_MS)
      : undefined;

  const sink = stdio.stdinWrite !== undefined ? pipeSink(stdio.stdinWrite) : undefined;
  const closeStdin = () => sink?.end();

  // After the tree is gone the job handle is closed; its value may name another object by then.
  const exited = events.empty.then(async () => {
    finished = true;
    timer?.clear();
    clearInterval(cpuPoll);
    const code = exitCode(spawned.process);
    closeStdin();
    await events.close();
    closeHandle(spawned.process);
    closeHandle(port);
    closeHandle(job);
    identity?.undo();
    const verdicts = windowsVerdicts(events.seen, timedOut, cpuHit);
    return { exitCode: code, timedOut, messages: events.seen, report, verdicts, ended: ended && code === KILLED_EXIT_CODE };
  });

  return {
    pid: spawned.pid,
    report,
    unchecked,
    stdin: sink,
    stdout: stdio.stdoutRead !== undefined ? pipeStream(stdio.stdoutRead) : undefined,
    stderr: stdio.stderrRead !== undefined ? pipeStream(stdio.stderrRead) : undefined,
    write(data) {
      if (!sink) throw new Error("stdin is not a pipe");
      sink.write(data);
    },
    closeStdin,
    kill(code = KILLED_EXIT_CODE) {
      if (finished) return;
      if (!commandExited) ended = true;
      terminateJob(job, code);
    },
    pids: () => (finished ? [] : jobProcessIds(job)),
    exited,
  };
}
