// The contract between the portable API (lib/spawn.ts) and each OS backend:
// the backend describes its host, plans a ResolvedPolicy for it (pure, with
// the report of what enforces each guarantee), and executes a plan. The
// steps every OS shares happen here once, in one order (startSandbox): hard
// mode refuses what cannot be enforced before anything is created, argv[0] is
// looked up in the sandbox's PATH, and stdio gets Bun.spawn's defaults.
import { realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CompatError, OsError, SpawnOptionError } from "../errors.ts";
import { graceOf } from "../grace.ts";
import type { Limits, ResolvedPolicy } from "../policy/types.ts";
import type { Call } from "../denials/calls.ts";
import type { DenialLog } from "../denials/log.ts";
import { missing, type NetworkHook, type Report } from "../report.ts";
import { longTimeout, type LongTimer } from "../timer.ts";

/** "inherit", "pipe", "ignore", or a file descriptor of the caller. */
export type SandboxStdio = "inherit" | "pipe" | "ignore" | number;

/**
 * fds 3 and up: "inherit" passes the caller's fd of the same number (when
 * open), a number passes that fd, "pipe" is a socket pair whose other end
 * the caller gets (Bun's "pipe" and "socket-fd" there), "ignore" leaves the
 * number closed.
 */
export type SandboxExtraStdio = "inherit" | "pipe" | "ignore" | number;

export type SandboxStdioOptions = {
  readonly stdin?: SandboxStdio;
  readonly stdout?: SandboxStdio;
  readonly stderr?: SandboxStdio;
  /** Child fds 3, 4, ...; a backend that cannot pass them refuses with SpawnOptionError. */
  readonly extra?: readonly SandboxExtraStdio[];
  /** argv[0] as the command sees it; the program is still found from argv[0]. */
  readonly argv0?: string;
  /** Collect what the sandbox refuses into `log` (a backend without a denial source says so there); `exited` settles once it is complete. */
  readonly explain?: { readonly log: DenialLog; readonly onCall?: (c: Call) => void };
  /** Host grants: told of each decision of the relay or proxy (a backend that makes none never calls it). */
  readonly onNetwork?: NetworkHook;
};

/** What Bun.spawn returns, narrowed to what every backend can provide. */
export type SandboxedProcess = {
  readonly pid: number;
  readonly stdin: WritableStream<Uint8Array> | { write(data: string | Uint8Array): unknown; end(): unknown } | undefined | number | null;
  readonly stdout: ReadableStream<Uint8Array> | undefined | number | null;
  readonly stderr: ReadableStream<Uint8Array> | undefined | number | null;
  /** Bun's Subprocess.stdio: null for 0-2; for fds 3 and up the caller's end of a pipe, the fd given, or null. */
  readonly stdio?: readonly (number | null)[];
  /** Resolves when the command has exited and its whole tree is gone. */
  readonly exited: Promise<number>;
  readonly exitCode: number | null;
  /** The signal's name, or its number when it has none, as Bun. */
  readonly signalCode: string | number | null;
  /** Signals the command (default SIGTERM, as Bun); SIGKILL kills the whole tree. */
  kill(signal?: number | string): void;
  /** Sends `signal` to every process of the tree (SIGKILL: the tree kill). */
  signalTree?(signal: number): void;
  resourceUsage?(): unknown;
  /** Whether the child keeps the event loop alive until it exits. */
  ref?(): void;
  unref?(): void;
  /** True once the wall-clock limit ended the tree (when the backend enforces the timeout itself). */
  readonly timedOut?: boolean;
  /** Which limit ended the tree ("memory limit exceeded", "cpu limit exceeded", "timeout"), if one did. */
  readonly limit?: string | undefined;
};

export type SandboxSpawn = {
  readonly proc: SandboxedProcess;
  readonly report: Report;
};

/**
 * Bun.spawn's stdio defaults, the same for every OS: no stdin, stdout piped,
 * stderr inherited. spawn() fills them in from its options; a backend always
 * gets every slot named.
 */
export const STDIO_DEFAULTS = { stdin: "ignore", stdout: "pipe", stderr: "inherit" } as const;

/** stdio as a backend's execute() gets it: every slot named. */
export type BackendStdio = SandboxStdioOptions & { readonly stdin: SandboxStdio; readonly stdout: SandboxStdio; readonly stderr: SandboxStdio };

export function withStdioDefaults(stdio: SandboxStdioOptions): BackendStdio {
  return { ...stdio, stdin: stdio.stdin ?? STDIO_DEFAULTS.stdin, stdout: stdio.stdout ?? STDIO_DEFAULTS.stdout, stderr: stdio.stderr ?? STDIO_DEFAULTS.stderr };
}

/** A guarantee hard mode refuses, and why. */
export type Refusal = { readonly guarantee: string; readonly reason: string };

/** A backend's plan of one sandbox and its report; `refusals`: what hard mode refuses beyond the report's gaps. */
export type Planned<P> = { readonly plan: P; readonly report: Report; readonly refusals?: readonly Refusal[] };

/**
 * One OS's backend. `host` and `execute` touch the system; `plan` is pure
 * (the plan compilers of lib/plan/<os>). `state` is what a compiled sandbox
 * keeps across its spawns (bounded caches of pure work); one-shot spawns
 * share one state per backend.
 */
export type SandboxBackend<H = unknown, P = unknown, S = unknown> = {
  /** What this host offers the policy: probed once per process, with what its grants name read now. */
  host(policy: ResolvedPolicy): H;
  state(): S;
  plan(policy: ResolvedPolicy, host: H, state: S): Planned<P>;
  /** argv[0] as the sandbox execs it; without it, programPath (the sandbox's PATH among its grants). */
  program?(argv0: string, policy: ResolvedPolicy, plan: P, host: H): string;
  /** Starts the command as the plan says; `mark` is told each phase as it ends (bench/spawn.ts). */
  execute(plan: P, argv: readonly string[], file: string, stdio: BackendStdio, state: S, mark?: (phase: string) => void): SandboxSpawn;
  /** Frees what `state` holds on the system (a compiled sandbox's close()); running commands go on. */
  close?(state: S): void;
  /** Warm sandboxes (compile(policy, { warm })), where the backend has them. */
  warm?: WarmBackend<P, S, any>;
};

/**
 * Sandboxes made ahead of their command, each waiting for one. A warm
 * sandbox's spawn enforces and reports what execute() of the same plan would.
 */
export type WarmBackend<P, S, W> = {
  /** Why `plan` cannot be kept warm here, or undefined. */
  unavailable(plan: P): string | undefined;
  /** One sandbox of `plan`, made now and waiting; `gone` is called if it dies before its command comes. */
  prepare(plan: P, state: S, gone: () => void): W;
  /** Hands the command to `w` (once); throws (nothing ran, `w` discarded) if it cannot take it. */
  start(w: W, argv: readonly string[], file: string, stdio: BackendStdio, mark?: (phase: string) => void): SandboxSpawn;
  /** Kills a waiting sandbox; settles once it and everything it held are gone. */
  discard(w: W): Promise<void>;
};

/** Hard mode refuses every gap of the report, and the plan's other refusals, at once. */
export function refuse(compat: ResolvedPolicy["compat"], planned: Planned<unknown>): void {
  if (compat !== "hard") return;
  const gaps = [...missing(planned.report).map((g) => ({ guarantee: g.guarantee, reason: g.reason ?? g.status })), ...(planned.refusals ?? [])];
  if (gaps.length > 0) throw new CompatError(gaps);
}

/** What one spawn of a sandbox starts from: a host described, a state kept, a plan made already (refused then), a phase marker. */
export type StartFrom<H, P, S> = { readonly host?: H; readonly state: S; readonly planned?: Planned<P>; readonly mark?: (phase: string) => void; readonly warm?: unknown };

/** The phase startSandbox reports to `mark` once the plan is made (bench/spawn.ts times it). */
export const PLAN_PHASE = "plans: the policy planned for this host (its shape once per compiled sandbox)";

/** Plan, refuse, find the program, execute: the steps every OS takes, in this order. */
export function startSandbox<H, P, S>(backend: SandboxBackend<H, P, S>, argv: readonly string[], policy: ResolvedPolicy, stdio: SandboxStdioOptions, from: StartFrom<H, P, S>): SandboxSpawn {
  const host = from.host ?? backend.host(policy);
  let planned = from.planned;
  if (!planned) {
    planned = backend.plan(policy, host, from.state);
    refuse(policy.compat, planned);
  }
  from.mark?.(PLAN_PHASE);
  const file = backend.program ? backend.program(argv[0]!, policy, planned.plan, host) : programPath(argv[0]!, policy);
  if (from.warm !== undefined && backend.warm) return backend.warm.start(from.warm, argv, file, withStdioDefaults(stdio), from.mark);
  return backend.execute(planned.plan, argv, file, withStdioDefaults(stdio), from.state, from.mark);
}

/** What a backend's child looks like before teardown is folded in (Bun's Subprocess, the Linux native spawn's). */
export type ChildProcess = {
  readonly pid: number;
  readonly stdin: SandboxedProcess["stdin"];
  readonly stdout: SandboxedProcess["stdout"];
  readonly stderr: SandboxedProcess["stderr"];
  readonly exitCode: number | null;
  readonly signalCode: string | number | null;
  kill(signal?: never): void;
  resourceUsage(): unknown;
  ref?(): void;
  unref?(): void;
};

/**
 * The SandboxedProcess every backend returns: stdio and status pass through,
 * `exited` is the backend's (it settles after teardown). kill() signals the
 * command (SIGTERM by default, as Bun); SIGKILL kills the whole tree.
 */
export function sandboxedView(
  child: ChildProcess,
  teardown: {
    readonly exited: Promise<number>;
    readonly killTree: () => void;
    readonly timedOut: () => boolean;
    readonly limit?: () => string | undefined;
    /** Every process of the tree gets the signal; without it, the command alone does. */
    readonly signalTree?: (signal: number) => void;
    readonly stdio?: readonly (number | null)[];
    /** Extra holds on the event loop besides the child's own (a supervisor's timers). */
    readonly ref?: (on: boolean) => void;
  },
): SandboxedProcess & { readonly timedOut: boolean } {
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    stdio: teardown.stdio ?? [null, null, null],
    exited: teardown.exited,
    get exitCode() {
      return child.exitCode;
    },
    get signalCode() {
      return child.signalCode;
    },
    get timedOut() {
      return teardown.timedOut();
    },
    get limit() {
      return teardown.limit?.();
    },
    kill(signal: number | string = "SIGTERM") {
      if (signal === "SIGKILL" || signal === 9) teardown.killTree();
      else child.kill(signal as never);
    },
    signalTree(signal: number) {
      if (signal === 9) teardown.killTree();
      else if (teardown.signalTree) teardown.signalTree(signal);
      else child.kill(signal as never);
    },
    resourceUsage: () => child.resourceUsage(),
    ref() {
      child.ref?.();
      teardown.ref?.(true);
    },
    unref() {
      child.unref?.();
      teardown.ref?.(false);
    },
  };
}

/** For a backend whose launcher passes stdin, stdout and stderr only, and execs the program under its own path. */
export function stdioOnly(stdio: SandboxStdioOptions, launcher: string): void {
  if (stdio.extra?.length) throw new SpawnOptionError("stdio[3]", `${launcher} passes only stdin, stdout and stderr to the command`);
  if (stdio.argv0 !== undefined) throw new SpawnOptionError("argv0", `${launcher} execs the program with its own path as argv[0]`);
}

/**
 * The policy's wall clock for a backend that keeps its own: once
 * `limits.timeoutMs` have passed, `limits.killSignal` (SIGTERM) to the whole
 * tree, then `kill` after `limits.killAfterMs` (5 s; 0: at once).
 */
export function timeoutClock(
  limits: Limits,
  tree: { readonly signal: (signal: number) => void; readonly kill: () => void },
): { readonly expired: () => boolean; stop(): void } {
  const grace = graceOf(limits);
  let escalation: LongTimer | undefined;
  const clock = wallClock(limits.timeoutMs, () => {
    if (grace.killAfterMs === 0) return tree.kill();
    tree.signal(grace.signal);
    escalation = longTimeout(grace.killAfterMs, tree.kill);
  });
  return {
    expired: clock.expired,
    stop() {
      clock.stop();
      escalation?.clear();
    },
  };
}

/** A wall-clock limit: `expire` runs once `ms` have passed, unless stopped first. */
export function wallClock(ms: number | undefined, expire: () => void): { readonly expired: () => boolean; stop(): void } {
  let fired = false;
  const timer =
    ms === undefined
      ? undefined
      : longTimeout(ms, () => {
          fired = true;
          expire();
        });
  return { expired: () => fired, stop: () => timer?.clear() };
}

/**
 * argv[0] as the sandbox must exec it. A name with a "/" is taken from the
 * sandbox's cwd; a bare name is looked up in the sandbox's PATH as execvp
 * would, among what the sandbox can reach only: a candidate whose directory or
 * real path lies outside every grant would not be there inside (or could not
 * run), so the search goes on, and "python3" finds the granted
 * /usr/bin/python3 rather than a shim in an ungranted home directory.
 */
export function programPath(argv0: string, policy: ResolvedPolicy): string {
  if (argv0.includes("/")) return resolve(policy.cwd, argv0);
  const grants = [...policy.fs.read, ...policy.fs.write];
  const inside = (path: string) => {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return false;
    }
    return grants.some((g) => real === g || real.startsWith(g.endsWith("/") ? g : `${g}/`));
  };
  for (const dir of (policy.env.PATH ?? "/usr/bin:/bin").split(":")) {
    const found = Bun.which(argv0, { PATH: resolve(policy.cwd, dir || "."), cwd: policy.cwd });
    if (found && inside(dirname(found)) && inside(found)) return found;
  }
  throw new OsError("execve", "errno", -2, "ENOENT", `command not found in the sandbox's PATH: ${argv0}`);
}
