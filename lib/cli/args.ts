// `cordon run` flags → a policy, with node:util parseArgs. The flags are a
// contract scripts depend on; docs/cli.md lists them. Values are checked here
// only as far as the text goes (a port is digits); ranges and paths are the
// validator's and the resolver's, which name the same flags (see flags.ts).
import type { parseArgs as ParseArgs } from "node:util";
import { PolicyError } from "../errors.ts";
import { parseSize } from "../policy/size.ts";
import type { Limits, Policy, UserSpec } from "../policy/types.ts";
import { parseDuration, parseWholeSeconds } from "./duration.ts";
import { flagError } from "./flag-error.ts";
import { fromFile, mergePolicy } from "./merge.ts";
import { loadPolicyFile } from "./policy-file.ts";

export type RunArgs = {
  /** The command and its arguments (everything after `--`). */
  readonly argv: string[];
  /** Not validated yet: resolvePolicy() does that. */
  readonly policy: Policy;
  readonly reportFile?: string;
  /** With --policy: an error about a field the file set, told as the file's (the flags' otherwise). */
  readonly blame?: (e: PolicyError) => PolicyError;
};

export const runOptions = {
  "allow-read": { type: "string", multiple: true },
  "allow-write": { type: "string", multiple: true },
  "allow-net": { type: "boolean" },
  "allow-connect": { type: "string", multiple: true },
  "allow-bind": { type: "string", multiple: true },
  "deny-read": { type: "string", multiple: true },
  "deny-write": { type: "string", multiple: true },
  "allow-pty": { type: "boolean" },
  memory: { type: "string" },
  "file-size": { type: "string" },
  "open-files": { type: "string" },
  pids: { type: "string" },
  cpu: { type: "string" },
  timeout: { type: "string" },
  signal: { type: "string" },
  "kill-after": { type: "string" },
  user: { type: "string" },
  env: { type: "string", multiple: true },
  "allow-env": { type: "string", multiple: true },
  home: { type: "string" },
  cwd: { type: "string" },
  "best-effort": { type: "boolean" },
  report: { type: "string" },
  policy: { type: "string" },
} as const;

function whole(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new PolicyError(flag, `not a whole number: ${JSON.stringify(text)}`);
  return Number(text);
}

function port(flag: string, text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new PolicyError(flag, `not a TCP port (1-65535): ${JSON.stringify(text)}`);
  return n;
}

function user(text: string): UserSpec {
  const ids = /^(\d+)(?::(\d+))?$/.exec(text);
  if (!ids) return text; // a name; the resolver looks it up
  const uid = Number(ids[1]);
  return ids[2] === undefined ? uid : { uid, gid: Number(ids[2]) };
}

function env(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new PolicyError("--env", `expected KEY=VALUE, got ${JSON.stringify(item)}`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/**
 * `--allow-env` alone (Deno's form) is the whole environment. parseArgs has no
 * optional values, so before parsing it becomes `--allow-env=` this marker:
 * a NUL, which no real argument can hold.
 */
const WHOLE_ENV = "\0";

/** `args` with a bare `--allow-env` before `--` spelled so parseArgs takes it (cordon audit parses the run flags too). */
export function bareAllowEnv(args: readonly string[]): string[] {
  const end = args.indexOf("--");
  return args.map((a, i) => (a === "--allow-env" && (end < 0 || i < end) ? `--allow-env=${WHOLE_ENV}` : a));
}

/** `--allow-env`: true for the whole environment, else the names and patterns listed. */
function allowEnv(items: readonly string[]): true | string[] {
  return items.includes(WHOLE_ENV) ? true : items.flatMap((p) => p.split(","));
}

/**
 * A leading "~" or "~/" as $HOME: a shell leaves `--allow-read=~/x` as it is
 * (it expands a tilde only at the start of a word or of an assignment's value).
 */
function home(path: string): string {
  const h = process.env.HOME;
  if (!h || !(path === "~" || path.startsWith("~/"))) return path;
  return h + path.slice(1);
}

/** Parse `cordon run` arguments. Throws PolicyError (a value) or TypeError (from parseArgs: a flag). */
export function parseRunArgs(args: readonly string[], parseArgs: typeof ParseArgs): RunArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: bareAllowEnv(args), options: runOptions, strict: true, allowPositionals: true, tokens: true });
  } catch (e) {
    throw flagError(e, "run", Object.keys(runOptions));
  }
  const { values, positionals, tokens } = parsed;
  const terminator = tokens.findIndex((t) => t.kind === "option-terminator");
  const early = tokens.find((t, i) => t.kind === "positional" && (terminator < 0 || i < terminator));
  if (early && early.kind === "positional") throw new PolicyError("command", `put the command after --: cordon run [options] -- ${early.value}`);
  if (positionals.length === 0) throw new PolicyError("command", "missing: cordon run [options] -- COMMAND [ARG...]");

  const connect = (values["allow-connect"] ?? []).flatMap((p) => p.split(",")).map((p) => port("--allow-connect", p));
  const bind = (values["allow-bind"] ?? []).flatMap((p) => p.split(",")).map((p) => port("--allow-bind", p));
  if (values["allow-net"] && connect.length + bind.length > 0) {
    throw new PolicyError("--allow-net", "unrestricted network already includes --allow-connect and --allow-bind; use one or the other");
  }

  const limits: { -readonly [K in keyof Limits]: Limits[K] } = {};
  if (values.memory !== undefined) limits.memory = parseSize("--memory", values.memory);
  if (values["file-size"] !== undefined) limits.fileSize = parseSize("--file-size", values["file-size"]);
  if (values["open-files"] !== undefined) limits.openFiles = whole("--open-files", values["open-files"]);
  if (values.pids !== undefined) limits.pids = whole("--pids", values.pids);
  if (values.cpu !== undefined) limits.cpuSeconds = parseWholeSeconds("--cpu", values.cpu);
  if (values.timeout !== undefined) limits.timeoutMs = parseDuration("--timeout", values.timeout);
  // TERM, SIGTERM or 15; the validator checks the name (as --signal) and that --timeout is there.
  if (values.signal !== undefined) limits.killSignal = /^\d+$/.test(values.signal) ? Number(values.signal) : values.signal;
  if (values["kill-after"] !== undefined) limits.killAfterMs = parseDuration("--kill-after", values["kill-after"], { zero: true });

  const read = (values["allow-read"] ?? []).flatMap((p) => p.split(",")).map(home);
  const write = (values["allow-write"] ?? []).map(home);
  const denyRead = (values["deny-read"] ?? []).map(home);
  const denyWrite = (values["deny-write"] ?? []).map(home);
  // Only what the flags say: a --policy file's fields stay where no flag was given (merge.ts).
  const flags: Policy = {
    fs: { ...(values["allow-read"] && { read }), ...(values["allow-write"] && { write }), ...(denyRead.length && { denyRead }), ...(denyWrite.length && { denyWrite }) },
    ...(values["allow-pty"] && { pty: true }),
    ...(values["allow-net"] ? { net: "all" } : connect.length + bind.length > 0 && { net: { connect, bind } }),
    limits,
    ...(values.env && { env: env(values.env) }),
    ...(values["allow-env"] && { inheritEnv: allowEnv(values["allow-env"]) }),
    ...(values.home !== undefined && { home: home(values.home) }),
    ...(values.cwd !== undefined && { cwd: home(values.cwd) }),
    ...(values.user !== undefined && { user: user(values.user) }),
    ...(values["best-effort"] && { compat: "best-effort" }),
  };
  const file = values.policy === undefined ? undefined : loadPolicyFile(home(values.policy));
  const merged = file === undefined ? flags : mergePolicy(file.policy, flags);
  // cordon run's defaults, spelled out as before.
  const policy: Policy = {
    ...merged,
    fs: { read: [], write: [], ...merged.fs },
    net: merged.net ?? "none",
    limits: merged.limits ?? {},
    compat: merged.compat ?? "hard",
  };
  return {
    argv: positionals,
    policy,
    ...(values.report !== undefined && { reportFile: home(values.report) }),
    ...(file && { blame: (e: PolicyError) => (fromFile(e.field, file.policy, flags) ? file.blame(e) : e) }),
  };
}
