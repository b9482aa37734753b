// spawnSync() and runSync(): spawn() and run() for callers that cannot await.
// They block the calling thread — its event loop included: no timer, socket
// or promise of the caller's runs meanwhile — until the command's whole tree
// is gone. The sandbox is the one spawn() builds, not a copy: a Worker runs
// spawn() itself and the caller waits on a shared flag (Atomics.wait), then
// takes the result with receiveMessageOnPort. A second implementation (a
// blocking wait on the pidfd, or the CLI run through Bun.spawnSync) would
// have to re-derive every step of the sandbox, its teardown and report, or
// squeeze the policy into flags and lose the signal code; this one shares
// them all. The cost over spawn(): starting a Worker and loading cordon in it,
// some tens of milliseconds per call.
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { AbortError, CompatError, CordonError, GrantChangedError, LibraryError, NotSupportedError, OsError, PermissionError, PolicyError, SpawnOptionError } from "./errors.ts";
import { exitStatus } from "./exit-status.ts";
import type { Policy, ResolvedPolicy } from "./policy/types.ts";
import type { Report } from "./report.ts";
import { checkSpawnOptions, type SpawnOptions } from "./spawn-options.ts";
import { checkArgv, type RunResult } from "./spawn.ts";

/** Bun.spawnSync's options (no onExit: there is no process object to give it; no lazy: all output is read). */
export type SpawnSyncOptions = Omit<SpawnOptions, "onExit" | "lazy" | "onDenial" | "onCall" | "onNetwork">;

/** Bun's SyncSubprocess, plus what enforced it. */
export type SyncSandboxedSubprocess = {
  readonly pid: number;
  /** null when a signal ended the command (as Bun). */
  readonly exitCode: number | null;
  /** Present when a signal ended the command: its name, or its number when it has none. */
  readonly signalCode?: string | number;
  readonly success: boolean;
  /** Piped output (the default for both), else undefined. */
  readonly stdout: Buffer | undefined;
  readonly stderr: Buffer | undefined;
  readonly resourceUsage: unknown;
  readonly exitedDueToTimeout: boolean;
  readonly exitedDueToMaxBuffer: boolean;
  /** The policy's wall clock (limits.timeoutMs) ended the tree. */
  readonly timedOut: boolean;
  readonly limit?: string;
  readonly report: Report;
  readonly policy: ResolvedPolicy;
};

const refusedSync: Record<string, string> = {
  onExit: "spawnSync() has no process object to call it with; read the result it returns",
  onDenial: "spawnSync() runs the command in a Worker, to which a function cannot be passed; use explain: true and read report.denials",
  onCall: "spawnSync() runs the command in a Worker, to which a function cannot be passed",
  onNetwork: "spawnSync() runs the command in a Worker, to which a function cannot be passed; read report.network.destinations",
  lazy: "spawnSync() reads all output before it returns",
};

/** Rebuilds a typed error the worker sent as data, with its class and fields. */
function revive(e: Record<string, unknown>): Error {
  const message = String(e.message);
  const s = (k: string) => String(e[k] ?? "");
  let err: Error;
  switch (e.name) {
    case "PolicyError":
      err = new PolicyError(s("field"), "");
      break;
    case "SpawnOptionError":
      err = new SpawnOptionError(s("option"), "");
      break;
    case "GrantChangedError":
      err = new GrantChangedError(s("path"), "");
      break;
    case "CompatError":
      err = new CompatError((e.missing as { guarantee: string; reason: string }[]) ?? []);
      break;
    case "OsError":
    case "PermissionError":
    case "NotSupportedError": {
      const Cls = e.name === "OsError" ? OsError : e.name === "PermissionError" ? PermissionError : NotSupportedError;
      err = new Cls(s("op"), e.domain as never, Number(e.status), s("errorName"), e.detail === undefined ? undefined : s("detail"));
      break;
    }
    case "LibraryError":
      err = new LibraryError(message, s("code"));
      break;
    case "CordonError":
      err = new CordonError(message, s("code"));
      break;
    default:
      err = new Error(message);
  }
  err.message = message;
  return err;
}

/**
 * spawn(), waited for: returns once the command's tree is gone, with its
 * output (piped by default) and status. Blocks the caller's thread and event
 * loop meanwhile (see above). Throws as spawn() does.
 */
export function spawnSync(argv: readonly string[], policy: Policy = {}, options: SpawnSyncOptions = {}): SyncSandboxedSubprocess {
  checkArgv(argv);
  for (const key of Object.keys(options ?? {})) if (refusedSync[key]) throw new SpawnOptionError(key, `not in spawnSync(): ${refusedSync[key]}`);
  const o = options ?? {};
  // Bun's spawnSync defaults: stderr piped too.
  const checked = checkSpawnOptions({ ...o, ...(o.stdio === undefined && o.stderr === undefined ? { stderr: "pipe" } : {}) });
  if (checked.signal?.aborted) throw new AbortError(checked.signal.reason);
  const name = (i: number, own: string) => (o.stdio !== undefined ? `stdio[${i}]` : own);
  if (checked.stdin.kind === "pipe") throw new SpawnOptionError(name(0, "stdin"), 'spawnSync() returns after the command ends: nothing could write to a "pipe"; pass the data itself');
  if (checked.stdin.kind === "data" && !(checked.stdin.data instanceof Blob || checked.stdin.data instanceof ArrayBuffer || ArrayBuffer.isView(checked.stdin.data)))
    throw new SpawnOptionError(name(0, "stdin"), "spawnSync() cannot read a stream or a body without waiting: pass a Blob or bytes");
  checked.extra.forEach((s, i) => {
    if (s.kind === "pipe" || s.kind === "socket-fd") throw new SpawnOptionError(`stdio[${i + 3}]`, "spawnSync() returns no stdio member to read it from; pass an fd");
  });
  // The signal cannot abort a blocked thread; not aborted now, it never is before this returns.
  const { signal: _unused, ...portable } = checked;

  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL("./spawn-sync-worker.ts", import.meta.url), {
    workerData: { flag, port: port2, argv: [...argv], policy, options: portable },
    transferList: [port2 as never],
  });
  // Not terminated: a worker that ends by itself closes its exit-watcher channel (exit-watcher.ts).
  worker.unref();
  Atomics.wait(flag, 0, 0);
  const reply = receiveMessageOnPort(port1)?.message as { result?: Record<string, unknown>; error?: Record<string, unknown> } | undefined;
  port1.close();
  if (!reply) throw new CordonError("spawnSync: the worker ended without a result", "SPAWN_SYNC");
  if (reply.error) throw revive(reply.error);
  const r = reply.result!;
  const buffer = (b: unknown) => (b instanceof Uint8Array ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : undefined);
  const signalCode = r.signalCode as string | number | null;
  return {
    pid: r.pid as number,
    exitCode: r.exitCode as number | null,
    ...(signalCode !== null ? { signalCode } : {}),
    success: r.exitCode === 0 && !r.timedOut,
    stdout: buffer(r.stdout),
    stderr: buffer(r.stderr),
    resourceUsage: r.resourceUsage,
    exitedDueToTimeout: r.exitedDueToTimeout as boolean,
    exitedDueToMaxBuffer: r.exitedDueToMaxBuffer as boolean,
    timedOut: r.timedOut as boolean,
    ...(r.limit !== undefined ? { limit: r.limit as string } : {}),
    report: r.report as Report,
    policy: r.policy as ResolvedPolicy,
  };
}

/** run(), blocking: the same result, with the same cost as spawnSync(). `input` becomes stdin (default: none). */
export function runSync(argv: readonly string[], policy: Policy = {}, options: { input?: string | Uint8Array } = {}): RunResult {
  const input = typeof options.input === "string" ? new TextEncoder().encode(options.input) : options.input;
  const r = spawnSync(argv, policy, { stdin: input ?? "ignore", stdout: "pipe", stderr: "pipe" });
  const end = { exitCode: r.exitCode, signalCode: r.signalCode ?? null, timedOut: r.timedOut };
  const text = (b: Buffer | undefined) => b?.toString("utf8") ?? "";
  return { status: exitStatus(end), ...end, stdout: text(r.stdout), stderr: text(r.stderr), report: r.report };
}
