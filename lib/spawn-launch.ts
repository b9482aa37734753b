// One sandboxed command as Bun's Subprocess: the backend's process wrapped
// with Bun.spawn's options (stdio forms, timeout, signal, maxBuffer, onExit,
// lazy), the report with its denials, and the policy's cleanup on exit.
import { DenialLog } from "./denials/log.ts";
import { exitStatus } from "./exit-status.ts";
import { DENIAL_CLASSES } from "./denials/types.ts";
import { CompatError, PolicyError, SpawnOptionError } from "./errors.ts";
import type { ResolvedPolicy } from "./policy/types.ts";
import { missing, type Report } from "./report.ts";
import type { Resolution } from "./resolve-policy.ts";
import { wallClock, type SandboxedProcess, type SandboxSpawn, type SandboxStdioOptions } from "./backend/contract.ts";
import type { CheckedOptions, Slot, SpawnOptions } from "./spawn-options.ts";
import { feed, openStdio, tapOutput } from "./spawn-stdio.ts";
import { longTimeout } from "./timer.ts";
import { callSafely } from "./uncaught.ts";

/** A Bun Subprocess for the sandboxed command, plus what enforced it. */
export type SandboxedSubprocess = Omit<SandboxedProcess, "ref" | "unref" | "signalTree" | "stdio" | "timedOut" | "resourceUsage"> & {
  /** Bun's ResourceUsage of the command once it has exited (CPU times in microseconds), else undefined. */
  resourceUsage(): import("bun").ResourceUsage | undefined;
  /** The same as `stdout` (Bun's, for ReadableStream.pipeThrough). */
  readonly readable: SandboxedProcess["stdout"];
  /** null for 0-2; for fds 3 and up the caller's end of a "pipe"/"socket-fd" (the caller closes it), the fd given, or null. */
  readonly stdio: readonly (number | null)[];
  /** Never a terminal: spawn() attaches none (the `terminal` option is refused). */
  readonly terminal: undefined;
  /** True once the command has exited (Bun's meaning, despite the name). */
  readonly killed: boolean;
  /** The `timeout` option or the policy's wall clock ended it. */
  readonly exitedDueToTimeout: boolean;
  /** A piped output went past `maxBuffer`. */
  readonly exitedDueToMaxBuffer: boolean;
  ref(): void;
  unref(): void;
  /** There is no IPC channel into a sandbox: always throws SpawnOptionError. */
  send(message: unknown): never;
  disconnect(): never;
  [Symbol.asyncDispose](): Promise<void>;
  readonly report: Report;
  /** The policy as applied: absolute paths, the private TMPDIR, the full environment. */
  readonly policy: ResolvedPolicy;
  /** The policy's wall clock (limits.timeoutMs) ended the tree. */
  readonly timedOut: boolean;
};

export function checkArgv(argv: unknown): asserts argv is string[] {
  if (!Array.isArray(argv) || argv.length === 0) throw new PolicyError("argv", "expected a non-empty array: the command and its arguments");
  argv.forEach((a, i) => {
    if (typeof a !== "string") throw new PolicyError(`argv[${i}]`, `expected a string, got ${typeof a}`);
    if (a.includes("\0")) throw new PolicyError(`argv[${i}]`, "must not contain a NUL character");
  });
  if (argv[0] === "") throw new PolicyError("argv[0]", "the command must not be empty");
}

function noIpc(): never {
  throw new SpawnOptionError("ipc", "no IPC channel into a sandbox: use stdio pipes or an extra fd (stdio[3])");
}

/**
 * Starts one sandbox of `resolution` with `start` (a compiled sandbox's
 * backend steps) and wraps it as Bun's Subprocess: stdio as asked, the
 * options' kills and timeout, the policy's wall clock, onExit. The
 * resolution's cleanup runs once the command's tree is gone, or at once if
 * nothing started.
 */
export function launch(resolution: Resolution, opts: CheckedOptions<SandboxedSubprocess>, start: (stdio: SandboxStdioOptions) => SandboxSpawn): SandboxedSubprocess {
  const { policy: resolved, cleanup, env } = resolution;
  const log = opts.explain || opts.onDenial || opts.onCall ? new DenialLog(opts.onDenial) : undefined;
  let started: SandboxSpawn;
  let stdio: ReturnType<typeof openStdio> | undefined;
  try {
    stdio = openStdio(opts);
    started = start({ ...stdio.backend, ...(log ? { explain: { log, ...(opts.onCall ? { onCall: opts.onCall } : {}) } } : {}), ...(opts.onNetwork ? { onNetwork: opts.onNetwork } : {}) });
  } catch (e) {
    cleanup();
    throw e;
  } finally {
    stdio?.close();
  }
  const { proc } = started;
  if (log && log.summary().sources.length === 0) noDenialSource(log, process.platform);
  // Every backend's report, with the names (never the values) of the command's environment.
  const report: Report = log ? withDenials({ ...started.report, env }, log) : { ...started.report, env };

  // The option's kills go to the whole tree, as the policy's do.
  const killWith = () => (proc.signalTree ? proc.signalTree(opts.killSignal) : proc.kill(opts.killSignal));
  let dueToTimeout = false;
  let dueToMaxBuffer = false;
  const timer =
    opts.timeout === undefined
      ? undefined
      : longTimeout(opts.timeout, () => {
          dueToTimeout = true;
          killWith();
        });
  const abort = () => killWith();
  opts.signal?.addEventListener("abort", abort, { once: true });
  // Our own wall clock, unless the backend keeps one (it then reports timedOut).
  const clock = wallClock("timedOut" in proc ? undefined : resolved.limits.timeoutMs, () => proc.kill("SIGKILL"));
  const exited = proc.exited.finally(() => {
    clock.stop();
    timer?.clear();
    opts.signal?.removeEventListener("abort", abort);
    cleanup();
  });

  // A backend must refuse before spawning; this is the last line if one did not.
  const gaps = missing(report);
  if (resolved.compat === "hard" && gaps.length > 0) {
    proc.kill("SIGKILL");
    exited.catch(() => {});
    throw new CompatError(gaps.map((g) => ({ guarantee: g.guarantee, reason: g.reason ?? g.status })));
  }

  const overflow = () => {
    dueToMaxBuffer = true;
    killWith();
  };
  // As Bun: a pipe is a stream (stdin: a sink), an fd given is that number, anything else undefined.
  const member = <T>(slot: Slot, s: T) => (slot.kind === "fd" ? slot.fd : slot.kind === "pipe" ? s : undefined);
  // Read ahead from the start, or (lazy, as Bun) from the first access of the member.
  const output = (slot: Slot, s: SandboxedProcess["stdout"]) => {
    let made = false;
    let value: SandboxedProcess["stdout"];
    const get = () => {
      if (!made) value = member(slot, s instanceof ReadableStream ? tapOutput(s, opts.maxBuffer, overflow) : s);
      made = true;
      return value;
    };
    if (!opts.lazy) get();
    return get;
  };
  const stdout = output(opts.stdout, proc.stdout);
  const stderr = output(opts.stderr, proc.stderr);
  const data = stdio!.data;
  if (data !== undefined && proc.stdin && typeof proc.stdin === "object") void feed(proc.stdin, data);
  // A stream given as stdin is the stdin member itself (Bun's).
  const stdin = data instanceof ReadableStream ? (data as unknown as SandboxedProcess["stdin"]) : member(opts.stdin, proc.stdin);
  const done = () => proc.exitCode !== null || proc.signalCode !== null;

  const sub: SandboxedSubprocess = {
    get pid() {
      return proc.pid;
    },
    stdin,
    get stdout() {
      return stdout();
    },
    get stderr() {
      return stderr();
    },
    get readable() {
      return stdout();
    },
    stdio: proc.stdio ?? [null, null, null],
    terminal: undefined,
    exited,
    get exitCode() {
      return proc.exitCode;
    },
    get signalCode() {
      return proc.signalCode;
    },
    get killed() {
      return done();
    },
    get timedOut() {
      return clock.expired() || proc.timedOut === true;
    },
    get exitedDueToTimeout() {
      return dueToTimeout || sub.timedOut;
    },
    get exitedDueToMaxBuffer() {
      return dueToMaxBuffer;
    },
    get limit() {
      return clock.expired() ? "timeout" : proc.limit;
    },
    kill: (signal?: number | string) => proc.kill(signal),
    resourceUsage: () => proc.resourceUsage?.() as import("bun").ResourceUsage | undefined,
    ref() {
      proc.ref?.();
      timer?.ref();
    },
    unref() {
      proc.unref?.();
      timer?.unref();
    },
    send: noIpc,
    disconnect: noIpc,
    async [Symbol.asyncDispose]() {
      if (!done()) proc.kill();
      await exited.catch(() => {});
    },
    report,
    policy: resolved,
  };
  const onExit = opts.onExit;
  if (onExit) {
    // An exception in it surfaces as Bun's does: uncaught, not swallowed.
    const call = (error: unknown) => callSafely((e: unknown) => onExit(sub, sub.exitCode, sub.signalCode, e), error);
    exited.then(() => call(undefined), call);
  }
  return sub;
}

/** A backend that collected nothing says so for every class. */
function noDenialSource(log: DenialLog, platform: string): void {
  for (const c of DENIAL_CLASSES) log.source({ class: c, visible: false, reason: `the ${platform} backend has no denial source yet` });
}

/** The report with the run's denials; `explain` is read when the report is (it is complete once the run has exited). */
function withDenials(report: Report, log: DenialLog): Report {
  return Object.defineProperty({ ...report, denials: log.list }, "explain", { enumerable: true, get: () => log.summary() });
}


export type RunResult = {
  /** Shell-style status: the exit code, 128+N for signal N, 124 on timeout. */
  readonly status: number;
  readonly exitCode: number | null;
  /** The signal's name, or its number when it has none (a real-time signal). */
  readonly signalCode: string | number | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly report: Report;
};

async function text(stream: unknown): Promise<string> {
  return stream instanceof ReadableStream ? new Response(stream).text() : "";
}

/** Options of run(): `input` becomes stdin (default: none). */
export type RunOptions = { input?: string | Uint8Array } & Pick<SpawnOptions<SandboxedSubprocess>, "explain" | "onDenial" | "onNetwork">;

/** The spawn options run() asks for. */
export function runSpawnOptions(options: RunOptions): SpawnOptions<SandboxedSubprocess> {
  return {
    stdin: options.input === undefined ? "ignore" : "pipe",
    stdout: "pipe",
    stderr: "pipe",
    ...(options.explain ? { explain: true } : {}),
    ...(options.onDenial ? { onDenial: options.onDenial } : {}),
    // Passed as given: a value that is not a function is spawn()'s SpawnOptionError.
    ...(options.onNetwork !== undefined ? { onNetwork: options.onNetwork } : {}),
  };
}

/** Feeds `input`, then waits for the exit and the output of a process spawned with runSpawnOptions. */
export async function collect(proc: SandboxedSubprocess, input: string | Uint8Array | undefined): Promise<RunResult> {
  if (input !== undefined && proc.stdin && typeof proc.stdin === "object") {
    const sink = proc.stdin;
    if ("getWriter" in sink) {
      const w = sink.getWriter();
      await w.write(typeof input === "string" ? new TextEncoder().encode(input) : input);
      await w.close();
    } else {
      sink.write(input);
      sink.end();
    }
  }
  const [stdout, stderr] = await Promise.all([text(proc.stdout), text(proc.stderr), proc.exited]);
  const end = { exitCode: proc.exitCode, signalCode: proc.signalCode, timedOut: proc.timedOut };
  return { status: exitStatus(end), ...end, stdout, stderr, report: proc.report };
}
