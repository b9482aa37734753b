// The third argument of spawn(): Bun.spawn's options, checked before anything
// is created. Every Bun 1.4 option either works as in Bun or is refused with
// a SpawnOptionError naming it and why; an unknown key is an error (with the
// closest known key when there is one), never silently ignored.
import { constants } from "node:os";
import { SpawnOptionError } from "./errors.ts";
import { closest } from "./policy/suggest.ts";
import type { Call } from "./denials/calls.ts";
import type { Denial } from "./denials/types.ts";
import type { NetworkHook } from "./report.ts";

/** Data fed to the command's stdin by cordon (Bun: the child reads from the buffer or stream). */
export type StdinData = Blob | ArrayBufferView | ArrayBuffer | Response | Request | ReadableStream<Uint8Array>;

export type SpawnStdin = "pipe" | "inherit" | "ignore" | null | undefined | number | import("bun").BunFile | StdinData;
export type SpawnStdout = "pipe" | "inherit" | "ignore" | null | undefined | number | import("bun").BunFile;
/** stdio[3] and beyond: "pipe" and "socket-fd" are a socket pair whose other end the caller gets as a number in `stdio`. */
export type SpawnExtraStdio = SpawnStdout | "socket-fd";

export type SpawnOptions<P = unknown> = {
  /** [stdin, stdout, stderr, ...fds 3 and up]; overrides `stdin`, `stdout`, `stderr`. */
  readonly stdio?: readonly [SpawnStdin?, SpawnStdout?, SpawnStdout?, ...SpawnExtraStdio[]];
  /** Default "ignore", as Bun. */
  readonly stdin?: SpawnStdin;
  /** Default "pipe", as Bun. */
  readonly stdout?: SpawnStdout;
  /** Default "inherit", as Bun. */
  readonly stderr?: SpawnStdout;
  /** Milliseconds; then `killSignal` goes to the whole tree. 0 or absent: none. */
  readonly timeout?: number;
  /** For `timeout`, `signal` and `maxBuffer` (default SIGTERM). */
  readonly killSignal?: string | number;
  /** Aborting it sends `killSignal` to the whole tree; aborted already: nothing starts (AbortError). */
  readonly signal?: AbortSignal;
  /** Runs once the command has exited and its tree is gone. */
  readonly onExit?: (proc: P, exitCode: number | null, signalCode: string | number | null, error?: unknown) => void | Promise<void>;
  /** argv[0] as the command sees it; the program run is still argv[0] of spawn's first argument. */
  readonly argv0?: string;
  /** Most bytes each piped stdout/stderr may carry; one more sends `killSignal` to the whole tree. */
  readonly maxBuffer?: number;
  /** true: piped output is read only when the caller reads it (Bun's lazy); default false reads eagerly. */
  readonly lazy?: boolean;
  /** Windows-only in Bun, which ignores them elsewhere; so does cordon. */
  readonly windowsHide?: boolean;
  readonly windowsVerbatimArguments?: boolean;
  /** cordon's own: collect what the sandbox refuses (`report.denials`, complete once `exited` settles; `report.explain` says what could be seen). */
  readonly explain?: boolean;
  /** cordon's own: each new distinct denial as it is seen (implies explain). */
  readonly onDenial?: (d: Denial) => void;
  /** cordon's own: every file and socket call the command makes, as recorded (Linux, with seccomp user notification; implies explain): what `cordon learn` builds a policy from. */
  readonly onCall?: (c: Call) => void;
  /** cordon's own, with host grants (net.hosts): each lookup, connect and close the relay or proxy decides, as it is decided; it observes only (docs/network.md). */
  readonly onNetwork?: NetworkHook;
};

/** Bun options a sandbox cannot take, with the reason told to the caller. */
const refused: Record<string, string> = {
  cmd: "pass the command as spawn()'s first argument",
  cwd: "the working directory is part of the policy (policy.cwd), resolved and checked against the grants with it",
  env: "the environment is part of the policy (policy.env, policy.inheritEnv)",
  uid: "run as another user with policy.user",
  gid: "run as another user with policy.user",
  cgroup: "cordon places every sandbox in a fresh cgroup of its own (limits, tree kill); another cgroup would escape both",
  detached: "a sandboxed tree never outlives its supervision: it always has its own session and dies with the command and with the caller",
  ipc: "no IPC channel into a sandbox: use stdio pipes or an extra fd (stdio[3])",
  serialization: "no IPC channel into a sandbox: use stdio pipes or an extra fd (stdio[3])",
  onDisconnect: "no IPC channel into a sandbox: use stdio pipes or an extra fd (stdio[3])",
  terminal: "no pseudo-terminal is attached to a sandbox by spawn(); use stdio pipes",
};

const supported = [
  "stdio",
  "stdin",
  "stdout",
  "stderr",
  "timeout",
  "killSignal",
  "signal",
  "onExit",
  "argv0",
  "maxBuffer",
  "lazy",
  "windowsHide",
  "windowsVerbatimArguments",
  "explain",
  "onDenial",
  "onCall",
  "onNetwork",
] as const;

/** How one stdio slot is served, once Bun's many forms are told apart. */
export type Slot =
  | { readonly kind: "inherit" | "pipe" | "ignore" | "socket-fd" }
  | { readonly kind: "fd"; readonly fd: number }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "data"; readonly data: StdinData };

export type CheckedOptions<P> = {
  readonly stdin: Slot;
  readonly stdout: Slot;
  readonly stderr: Slot;
  /** Child fds 3 and up. */
  readonly extra: readonly Slot[];
  readonly timeout?: number;
  readonly killSignal: number;
  readonly signal?: AbortSignal;
  readonly onExit?: SpawnOptions<P>["onExit"];
  readonly argv0?: string;
  readonly maxBuffer?: number;
  readonly lazy: boolean;
  readonly explain: boolean;
  readonly onDenial?: (d: Denial) => void;
  readonly onCall?: (c: Call) => void;
  readonly onNetwork?: NetworkHook;
};

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** A signal by name ("SIGTERM") or number (1-64, real-time ones included), as its number. */
export function signalNumber(option: string, v: unknown): number {
  if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 64) return v;
  if (typeof v === "string") {
    const n = (constants.signals as Record<string, number | undefined>)[v];
    if (n !== undefined) return n;
  }
  throw new SpawnOptionError(option, `not a signal: ${JSON.stringify(v)} (a name like "SIGTERM" or a number 1-64)`);
}

/** Bun.file(path) or Bun.file(fd): a path as its name, or an fd only Bun.inspect tells (every Blob has a writer in Bun). */
function bunFile(v: unknown): Slot | undefined {
  if (!(v instanceof Blob) || v instanceof File) return undefined;
  const name = (v as { name?: unknown }).name;
  if (typeof name === "string") return { kind: "file", path: name };
  const fd = /^FileRef \(fd: (\d+)\)/.exec(Bun.inspect(v));
  return fd ? { kind: "fd", fd: Number(fd[1]) } : undefined;
}

function fdNumber(option: string, v: number): Slot {
  if (!Number.isInteger(v) || v < 0 || v > 1 << 20) throw new SpawnOptionError(option, `not a file descriptor: ${v}`);
  return { kind: "fd", fd: v };
}

function outSlot(option: string, v: unknown, extra: boolean): Slot {
  if (v === undefined) return { kind: extra ? "ignore" : "pipe" };
  if (v === null || v === "ignore") return { kind: "ignore" };
  if (v === "inherit" || v === "pipe") return { kind: v };
  if (extra && v === "socket-fd") return { kind: "socket-fd" };
  if (typeof v === "number") return fdNumber(option, v);
  const file = bunFile(v);
  if (file) return file;
  if (v instanceof Blob) throw new SpawnOptionError(option, "a Blob cannot take output; use \"pipe\" or Bun.file(path)");
  if (ArrayBuffer.isView(v)) throw new SpawnOptionError(option, "an ArrayBufferView cannot take output (Bun: not implemented either); use \"pipe\"");
  throw new SpawnOptionError(option, `expected "pipe", "inherit", "ignore", null, a file descriptor or Bun.file(path)${extra ? ' or "socket-fd"' : ""}, got ${typeName(v)}`);
}

function inSlot(option: string, v: unknown): Slot {
  if (v === undefined || v === null || v === "ignore") return { kind: "ignore" };
  if (v === "inherit" || v === "pipe") return { kind: v };
  if (typeof v === "number") return fdNumber(option, v);
  const file = bunFile(v);
  if (file) return file;
  if (v instanceof Blob || ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Response || v instanceof Request || v instanceof ReadableStream) {
    return { kind: "data", data: v };
  }
  throw new SpawnOptionError(
    option,
    `expected "pipe", "inherit", "ignore", null, a file descriptor, Bun.file(path), a Blob, an ArrayBuffer(View), a Response, a Request or a ReadableStream, got ${typeName(v)}`,
  );
}

function checkKeys(o: object): void {
  for (const key of Object.keys(o)) {
    if ((supported as readonly string[]).includes(key)) continue;
    const why = refused[key];
    if (why !== undefined) throw new SpawnOptionError(key, `not supported in a sandbox: ${why}`);
    const near = closest(key, [...supported, ...Object.keys(refused)]);
    throw new SpawnOptionError(key, `unknown option${near ? ` (did you mean "${near}"?)` : ""}; known: ${supported.join(", ")}`);
  }
}

function boolean(option: string, v: unknown): boolean | undefined {
  if (v !== undefined && typeof v !== "boolean") throw new SpawnOptionError(option, `expected a boolean, got ${typeName(v)}`);
  return v;
}

/** Checks `options` as a whole; nothing is opened or started here. */
export function checkSpawnOptions<P>(options: unknown): CheckedOptions<P> {
  if (options === undefined || options === null) options = {};
  if (typeof options !== "object" || Array.isArray(options)) throw new SpawnOptionError("options", `expected an object, got ${typeName(options)}`);
  checkKeys(options as object);
  const o = options as SpawnOptions<P>;

  let stdio: readonly unknown[] = [o.stdin, o.stdout, o.stderr];
  if (o.stdio !== undefined) {
    if (!Array.isArray(o.stdio)) throw new SpawnOptionError("stdio", `expected an array [stdin, stdout, stderr, ...], got ${typeName(o.stdio)}`);
    if (o.stdio.length > 1024) throw new SpawnOptionError("stdio", "at most 1024 entries");
    stdio = o.stdio;
  }
  const name = (i: number, own: string) => (o.stdio !== undefined ? `stdio[${i}]` : own);
  const extra = stdio.slice(3).map((v, i) => outSlot(`stdio[${i + 3}]`, v, true));

  if (o.timeout !== undefined && (typeof o.timeout !== "number" || !(o.timeout >= 0 && o.timeout <= Number.MAX_SAFE_INTEGER)))
    throw new SpawnOptionError("timeout", `expected milliseconds from 0 to ${Number.MAX_SAFE_INTEGER}, got ${String(o.timeout)}`);
  if (o.maxBuffer !== undefined && (typeof o.maxBuffer !== "number" || !(o.maxBuffer >= 0)))
    throw new SpawnOptionError("maxBuffer", `expected a number of bytes, 0 or more, got ${String(o.maxBuffer)}`);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new SpawnOptionError("signal", `expected an AbortSignal, got ${typeName(o.signal)}`);
  if (o.onExit !== undefined && typeof o.onExit !== "function") throw new SpawnOptionError("onExit", `expected a function, got ${typeName(o.onExit)}`);
  if (o.argv0 !== undefined && (typeof o.argv0 !== "string" || o.argv0.includes("\0")))
    throw new SpawnOptionError("argv0", "expected a string without NUL characters");
  for (const k of ["onDenial", "onCall", "onNetwork"] as const) if (o[k] !== undefined && typeof o[k] !== "function") throw new SpawnOptionError(k, `expected a function, got ${typeName(o[k])}`);
  boolean("windowsHide", o.windowsHide);
  boolean("windowsVerbatimArguments", o.windowsVerbatimArguments);

  return {
    stdin: inSlot(name(0, "stdin"), stdio[0]),
    stdout: outSlot(name(1, "stdout"), stdio[1], false),
    // Bun's stderr default is "inherit"; an explicit undefined in stdio too.
    stderr: stdio[2] === undefined ? { kind: "inherit" } : outSlot(name(2, "stderr"), stdio[2], false),
    extra,
    ...(o.timeout ? { timeout: o.timeout } : {}),
    killSignal: o.killSignal === undefined ? constants.signals.SIGTERM : signalNumber("killSignal", o.killSignal),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
    ...(o.onExit !== undefined ? { onExit: o.onExit } : {}),
    ...(o.argv0 !== undefined ? { argv0: o.argv0 } : {}),
    ...(o.maxBuffer !== undefined ? { maxBuffer: o.maxBuffer } : {}),
    lazy: boolean("lazy", o.lazy) ?? false,
    explain: boolean("explain", o.explain) ?? false,
    ...(o.onDenial !== undefined ? { onDenial: o.onDenial } : {}),
    ...(o.onCall !== undefined ? { onCall: o.onCall } : {}),
    ...(o.onNetwork !== undefined ? { onNetwork: o.onNetwork } : {}),
  };
}
