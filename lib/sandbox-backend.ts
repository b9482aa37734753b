// The contract between the portable API (lib/spawn.ts) and each OS backend.
// A backend applies a ResolvedPolicy to one spawn and says, per guarantee,
// what enforced it. In hard mode it refuses (CompatError) before spawning
// anything when a requested guarantee cannot be enforced.
import { realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { OsError } from "./errors.ts";
import type { Call } from "./denials/calls.ts";
import type { DenialLog } from "./denials/log.ts";
import type { ResolvedPolicy } from "./policy/types.ts";
import type { Report } from "./report.ts";
import { longTimeout } from "./timer.ts";

/** "inherit", "pipe", "ignore", or a file descriptor of the caller. */
export type SandboxStdio = "inherit" | "pipe" | "ignore" | number;

export type SandboxStdioOptions = {
  readonly stdin?: SandboxStdio;
  readonly stdout?: SandboxStdio;
  readonly stderr?: SandboxStdio;
  /** Collect what the sandbox refuses into `log` (a backend without a denial source says so there); `exited` settles once it is complete. */
  readonly explain?: { readonly log: DenialLog; readonly onCall?: (c: Call) => void };
};

/** What Bun.spawn returns, narrowed to what every backend can provide. */
export type SandboxedProcess = {
  readonly pid: number;
  readonly stdin: WritableStream<Uint8Array> | { write(data: string | Uint8Array): unknown; end(): unknown } | undefined | number | null;
  readonly stdout: ReadableStream<Uint8Array> | undefined | number | null;
  readonly stderr: ReadableStream<Uint8Array> | undefined | number | null;
  /** Resolves when the command has exited and its whole tree is gone. */
  readonly exited: Promise<number>;
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  /** Signals the command; the backend's tree kill when it has one. */
  kill(signal?: number | string): void;
  resourceUsage?(): unknown;
  /** True once the wall-clock limit ended the tree (when the backend enforces the timeout itself). */
  readonly timedOut?: boolean;
  /** Which limit ended the tree ("memory limit exceeded", "cpu limit exceeded", "timeout"), if one did. */
  readonly limit?: string | undefined;
};

export type SandboxSpawn = {
  readonly proc: SandboxedProcess;
  readonly report: Report;
};

export type SandboxBackend = {
  spawn(argv: readonly string[], policy: ResolvedPolicy, stdio: SandboxStdioOptions): SandboxSpawn;
};

/** What a backend's child looks like before teardown is folded in (Bun's Subprocess, the Linux spine's). */
export type ChildProcess = {
  readonly pid: number;
  readonly stdin: SandboxedProcess["stdin"];
  readonly stdout: SandboxedProcess["stdout"];
  readonly stderr: SandboxedProcess["stderr"];
  readonly exitCode: number | null;
  readonly signalCode: string | number | null;
  kill(signal?: never): void;
  resourceUsage(): unknown;
};

/**
 * The SandboxedProcess every backend returns: stdio and status pass through,
 * `exited` is the backend's (it settles after teardown), and kill() without a
 * signal — or with SIGKILL — kills the whole tree; any other signal goes to
 * the command alone.
 */
export function sandboxedView(
  child: ChildProcess,
  teardown: {
    readonly exited: Promise<number>;
    readonly killTree: () => void;
    readonly timedOut: () => boolean;
    readonly limit?: () => string | undefined;
  },
): SandboxedProcess & { readonly timedOut: boolean } {
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited: teardown.exited,
    get exitCode() {
      return child.exitCode;
    },
    get signalCode() {
      const s = child.signalCode;
      return s === null ? null : String(s);
    },
    get timedOut() {
      return teardown.timedOut();
    },
    get limit() {
      return teardown.limit?.();
    },
    kill(signal?: number | string) {
      if (signal === undefined || signal === "SIGKILL" || signal === 9) teardown.killTree();
      else child.kill(signal as never);
    },
    resourceUsage: () => child.resourceUsage(),
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
