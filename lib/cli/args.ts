// `cordon run` flags → a policy, with node:util parseArgs. The flags are a
// contract scripts depend on; docs/cli.md lists them. Values are checked here
// only as far as the text goes (a port is digits); ranges and paths are the
// validator's and the resolver's, which name the same flags (see flags.ts).
import type { parseArgs as ParseArgs } from "node:util";
import { PolicyError } from "../errors.ts";
import { parseHostRule } from "../policy/net-hosts.ts";
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
  /** --explain: list what the sandbox refused after the command. */
  readonly explain?: boolean;
};

export const runOptions = {
  "allow-read": { type: "string", multiple: true },
  "allow-write": { type: "string", multiple: true },
  "allow-net": { type: "string", multiple: true },
  "deny-net": { type: "string", multiple: true },
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
  explain: { type: "boolean" },
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
 * `--allow-env` and `--allow-net` alone (Deno's form) are the whole
 * environment and the whole network. parseArgs has no optional values, so
 * before parsing each becomes `--flag=` this marker: a NUL, which no real
 * argument can hold.
 */
const WHOLE = "\0";

/** `args` with a bare `--allow-env` or `--allow-net` before `--` spelled so parseArgs takes it (cordon audit parses the run flags too). */
export function bareAllowEnv(args: readonly string[]): string[] {
  const end = args.indexOf("--");
  return args.map((a, i) => ((a === "--allow-env" || a === "--allow-net") && (end < 0 || i < end) ? `${a}=${WHOLE}` : a));
}

/** `--allow-net`: "all" alone, else the HOST[:PORT] grants listed (comma-separated, repeatable). */
function allowNet(items: readonly string[] | undefined): "all" | string[] | undefined {
  if (!items) return undefined;
  if (items.includes(WHOLE)) {
    if (items.length > 1) throw new PolicyError("--allow-net", "the whole network (bare --allow-net) already includes every host; use one or the other");
    return "all";
  }
  return hostList("--allow-net", items);
}

/** HOST[:PORT] items, comma-separated and repeatable, each checked as a grant (an empty one too). */
function hostList(flag: string, items: readonly string[]): string[] {
  const hosts = items.flatMap((p) => p.split(","));
  for (const h of hosts) {
    const rule = parseHostRule(h);
    if (typeof rule === "string") throw new PolicyError(flag, rule);
  }
  return hosts;
}

/** `--allow-env`: true for the whole environment, else the names and patterns listed. */
function allowEnv(items: readonly string[]): true | string[] {
  return items.includes(WHOLE) ? true : items.flatMap((p) => p.split(","));
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
  const allowed = allowNet(values["allow-net"]);
  const denied = values["deny-net"] && hostList("--deny-net", values["deny-net"]);
  if (allowed === "all" && connect.length + bind.length > 0) {
    throw new PolicyError("--allow-net", "unrestricted network already includes --allow-connect and --allow-bind; use one or the other");
  }
  if (Array.isArray(allowed) && connect.length + bind.length > 0) {
    throw new PolicyError("--allow-net", "host grants give the command a network of its own: --allow-connect and --allow-bind name the host's ports; name ports in the grants instead (HOST:PORT)");
  }
  if (denied && !Array.isArray(allowed)) throw new PolicyError("--deny-net", "needs --allow-net=HOST[:PORT],... (it narrows host grants)");

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
    ...(allowed === "all" ? { net: "all" } : allowed ? { net: { hosts: allowed, ...(denied && { deny: denied }) } } : connect.length + bind.length > 0 && { net: { connect, bind } }),
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
    ...(values.explain && { explain: true }),
  };
}
