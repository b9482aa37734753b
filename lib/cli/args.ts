// `cordon run` flags → a policy, with node:util parseArgs. The flags are a
// contract scripts depend on; docs/cli.md lists them. Values are checked here
// only as far as the text goes (a port is digits); ranges and paths are the
// validator's and the resolver's, which name the same flags (see flags.ts).
import type { parseArgs as ParseArgs } from "node:util";
import { PolicyError } from "../errors.ts";
import { parseSize } from "../policy/size.ts";
import type { Limits, Policy, UserSpec } from "../policy/types.ts";

export type RunArgs = {
  /** The command and its arguments (everything after `--`). */
  readonly argv: string[];
  /** Not validated yet: resolvePolicy() does that. */
  readonly policy: Policy;
  readonly reportFile?: string;
  /** --explain: list what the sandbox refused after the command. */
  readonly explain?: boolean;
};

export const runOptions = {
  "allow-read": { type: "string", multiple: true },
  "allow-write": { type: "string", multiple: true },
  "allow-net": { type: "boolean" },
  "allow-connect": { type: "string", multiple: true },
  "allow-bind": { type: "string", multiple: true },
  memory: { type: "string" },
  pids: { type: "string" },
  cpu: { type: "string" },
  timeout: { type: "string" },
  user: { type: "string" },
  env: { type: "string", multiple: true },
  "allow-env": { type: "string", multiple: true },
  home: { type: "string" },
  cwd: { type: "string" },
  "best-effort": { type: "boolean" },
  report: { type: "string" },
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

function seconds(flag: string, text: string): number {
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(n > 0)) throw new PolicyError(flag, `not a positive number of seconds: ${JSON.stringify(text)}`);
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
  const { values, positionals, tokens } = parseArgs({ args: bareAllowEnv(args), options: runOptions, strict: true, allowPositionals: true, tokens: true });
  const terminator = tokens.findIndex((t) => t.kind === "option-terminator");
  const early = tokens.find((t, i) => t.kind === "positional" && (terminator < 0 || i < terminator));
  if (early && early.kind === "positional") throw new PolicyError("command", `put the command after --: cordon run [options] -- ${early.value}`);
  if (positionals.length === 0) throw new PolicyError("command", "missing: cordon run [options] -- COMMAND [ARG...]");

  const connect = (values["allow-connect"] ?? []).flatMap((p) => p.split(",")).map((p) => port("--allow-connect", p));
  const bind = (values["allow-bind"] ?? []).flatMap((p) => p.split(",")).map((p) => port("--allow-bind", p));
  if (values["allow-net"] && connect.length + bind.length > 0) {
    throw new PolicyError("--allow-net", "unrestricted network already includes --allow-connect and --allow-bind; use one or the other");
  }

  const limits: { -readonly [K in keyof Limits]: number } = {};
  if (values.memory !== undefined) limits.memory = parseSize("--memory", values.memory);
  if (values.pids !== undefined) limits.pids = whole("--pids", values.pids);
  if (values.cpu !== undefined) limits.cpuSeconds = whole("--cpu", values.cpu);
  if (values.timeout !== undefined) limits.timeoutMs = seconds("--timeout", values.timeout) * 1000;

  const read = (values["allow-read"] ?? []).flatMap((p) => p.split(",")).map(home);
  const write = (values["allow-write"] ?? []).map(home);
  const policy: Policy = {
    fs: { read, write },
    net: values["allow-net"] ? "all" : connect.length + bind.length > 0 ? { connect, bind } : "none",
    limits,
    ...(values.env && { env: env(values.env) }),
    ...(values["allow-env"] && { inheritEnv: allowEnv(values["allow-env"]) }),
    ...(values.home !== undefined && { home: home(values.home) }),
    ...(values.cwd !== undefined && { cwd: home(values.cwd) }),
    ...(values.user !== undefined && { user: user(values.user) }),
    compat: values["best-effort"] ? "best-effort" : "hard",
  };
  return { argv: positionals, policy, ...(values.report !== undefined && { reportFile: home(values.report) }), ...(values.explain && { explain: true }) };
}
