// The portable API: spawn(argv, policy) and run(argv, policy). Validation and
// resolution happen here, before any syscall; the OS backend is loaded lazily
// for this platform only, so importing cordon never loads another OS's code.
import { DenialLog } from "./denials/log.ts";
import type { Call } from "./denials/calls.ts";
import { DENIAL_CLASSES, type Denial } from "./denials/types.ts";
import { CompatError, PolicyError } from "./errors.ts";
import { exitStatus } from "./exit-status.ts";
import type { Policy, ResolvedPolicy } from "./policy/types.ts";
import { missing, type Report } from "./report.ts";
import { resolvePolicy } from "./resolve-policy.ts";
import { loadBackend } from "./backends.ts";
import { wallClock, type SandboxBackend, type SandboxedProcess, type SandboxStdioOptions } from "./sandbox-backend.ts";

export type SpawnOptions = Omit<SandboxStdioOptions, "explain"> & {
  /** Collect what the sandbox refuses: `report.denials` (complete once `exited` settles), `report.explain` says what could be seen. */
  readonly explain?: boolean;
  /** Each new distinct denial as it is seen (implies explain). */
  readonly onDenial?: (d: Denial) => void;
  /** Every file and socket call the command makes, as recorded (Linux, with seccomp user notification; implies explain): what `cordon learn` builds a policy from. */
  readonly onCall?: (c: Call) => void;
};

/** A Bun-Subprocess-like handle on the sandboxed command, plus what enforced it. */
export type SandboxedSubprocess = SandboxedProcess & {
  readonly report: Report;
  /** The policy as applied: absolute paths, the private TMPDIR, the full environment. */
  readonly policy: ResolvedPolicy;
  readonly timedOut: boolean;
};

function checkArgv(argv: unknown): asserts argv is string[] {
  if (!Array.isArray(argv) || argv.length === 0) throw new PolicyError("argv", "expected a non-empty array: the command and its arguments");
  argv.forEach((a, i) => {
    if (typeof a !== "string") throw new PolicyError(`argv[${i}]`, `expected a string, got ${typeof a}`);
    if (a.includes("\0")) throw new PolicyError(`argv[${i}]`, "must not contain a NUL character");
  });
  if (argv[0] === "") throw new PolicyError("argv[0]", "the command must not be empty");
}

/**
 * Start `argv` in a sandbox built from `policy`. Throws PolicyError for a
 * malformed policy and CompatError when, in hard mode (the default), a
 * requested guarantee cannot be enforced here; in both cases nothing runs.
 */
export function spawn(argv: readonly string[], policy: Policy = {}, options: SpawnOptions = {}): SandboxedSubprocess {
  checkArgv(argv);
  const { policy: resolved, cleanup, env } = resolvePolicy(policy);
  for (const k of ["onDenial", "onCall"] as const) if (options[k] !== undefined && typeof options[k] !== "function") throw new PolicyError(k, "must be a function");
  const log = options.explain || options.onDenial || options.onCall ? new DenialLog(options.onDenial) : undefined;
  const { explain: _, onDenial: __, onCall, ...stdio } = options;
  let started: ReturnType<SandboxBackend["spawn"]>;
  try {
    started = loadBackend(process.platform).spawn(argv, resolved, { ...stdio, ...(log ? { explain: { log, ...(onCall ? { onCall } : {}) } } : {}) });
  } catch (e) {
    cleanup();
    throw e;
  }
  const { proc } = started;
  if (log && log.summary().sources.length === 0) noDenialSource(log, process.platform);
  // Every backend's report, with the names (never the values) of the command's environment.
  const report: Report = log ? withDenials({ ...started.report, env }, log) : { ...started.report, env };

  // Our own wall clock, unless the backend keeps one (it then reports timedOut).
  const clock = wallClock("timedOut" in proc ? undefined : resolved.limits.timeoutMs, () => proc.kill("SIGKILL"));
  const exited = proc.exited.finally(() => {
    clock.stop();
    cleanup();
  });

  // A backend must refuse before spawning; this is the last line if one did not.
  const gaps = missing(report);
  if (resolved.compat === "hard" && gaps.length > 0) {
    proc.kill("SIGKILL");
    exited.catch(() => {});
    throw new CompatError(gaps.map((g) => ({ guarantee: g.guarantee, reason: g.reason ?? g.status })));
  }

  return {
    get pid() {
      return proc.pid;
    },
    stdin: proc.stdin,
    stdout: proc.stdout,
    stderr: proc.stderr,
    exited,
    get exitCode() {
      return proc.exitCode;
    },
    get signalCode() {
      return proc.signalCode;
    },
    get timedOut() {
      return clock.expired() || proc.timedOut === true;
    },
    get limit() {
      return clock.expired() ? "timeout" : proc.limit;
    },
    kill: (signal?: number | string) => proc.kill(signal),
    resourceUsage: () => proc.resourceUsage?.(),
    report,
    policy: resolved,
  };
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
  readonly signalCode: string | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly report: Report;
};

async function text(stream: unknown): Promise<string> {
  return stream instanceof ReadableStream ? new Response(stream).text() : "";
}

/** spawn() and wait for everything: exit, stdout and stderr as text. `input` becomes stdin (default: none). */
export async function run(
  argv: readonly string[],
  policy: Policy = {},
  options: { input?: string | Uint8Array } & Pick<SpawnOptions, "explain" | "onDenial"> = {},
): Promise<RunResult> {
  const proc = spawn(argv, policy, {
    stdin: options.input === undefined ? "ignore" : "pipe",
    stdout: "pipe",
    stderr: "pipe",
    ...(options.explain ? { explain: true } : {}),
    ...(options.onDenial ? { onDenial: options.onDenial } : {}),
  });
  if (options.input !== undefined && proc.stdin && typeof proc.stdin === "object") {
    const sink = proc.stdin;
    if ("getWriter" in sink) {
      const w = sink.getWriter();
      await w.write(typeof options.input === "string" ? new TextEncoder().encode(options.input) : options.input);
      await w.close();
    } else {
      sink.write(options.input);
      sink.end();
    }
  }
  const [stdout, stderr] = await Promise.all([text(proc.stdout), text(proc.stderr), proc.exited]);
  const end = { exitCode: proc.exitCode, signalCode: proc.signalCode, timedOut: proc.timedOut };
  return { status: exitStatus(end), ...end, stdout, stderr, report: proc.report };
}
