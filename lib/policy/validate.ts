// Structural validation of a user's policy, before any syscall. Pure: paths
// are checked for shape only; lib/resolve-policy.ts checks that they exist.
// Every error is a PolicyError naming the offending field ("limits.memory",
// "fs.write[2]") so a misconfiguration never turns into a weaker sandbox.
import { PolicyError } from "../errors.ts";
import { envPatternProblem, type InheritEnv } from "./env.ts";
import { parseHostRule, parseResolver } from "./net-hosts.ts";
import { closest } from "./suggest.ts";
import type { Compat, Limits, Net, Policy, UserSpec } from "./types.ts";

const MiB = 2 ** 20;
/** Kernel ceilings: PID_MAX_LIMIT and the largest fs.nr_open. */
const MAX_PIDS = 2 ** 22;
const MAX_OPEN_FILES = 2 ** 30;
/** uid_t/gid_t are 32 bits; (uid_t)-1 means "unchanged" and is refused. */
const MAX_ID = 2 ** 32 - 2;

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** The unknown-key message, with the key most likely meant when one is close. */
function unknownKey(key: string, keys: readonly string[]): string {
  const near = closest(key, keys);
  return `unknown key${near === undefined ? "" : `; did you mean "${near}"?`} (known: ${keys.join(", ")})`;
}

/** `field` "" is the policy itself. */
function object(field: string, v: unknown, keys: readonly string[]): Obj {
  if (!isObject(v)) throw new PolicyError(field || "policy", `expected an object, got ${typeName(v)}`);
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw new PolicyError(field ? `${field}.${k}` : k, unknownKey(k, keys));
  }
  return v;
}

function boolean(field: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new PolicyError(field, `expected a boolean, got ${typeName(v)}`);
  return v;
}

/** A string the kernel can take: non-empty, no NUL (which would silently truncate it). */
function text(field: string, v: unknown): string {
  if (typeof v !== "string") throw new PolicyError(field, `expected a string, got ${typeName(v)}`);
  if (v === "") throw new PolicyError(field, "must not be empty");
  if (v.includes("\0")) throw new PolicyError(field, "must not contain a NUL character");
  return v;
}

function integer(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new PolicyError(field, `expected an integer, got ${typeName(v) === "number" ? v : typeName(v)}`);
  if (v < min || v > max) throw new PolicyError(field, `must be between ${min} and ${max}, got ${v}`);
  return v;
}

function paths(field: string, v: unknown): string[] {
  if (!Array.isArray(v)) throw new PolicyError(field, `expected an array of paths, got ${typeName(v)}`);
  return v.map((p, i) => text(`${field}[${i}]`, p));
}

function ports(field: string, v: unknown): number[] {
  if (!Array.isArray(v)) throw new PolicyError(field, `expected an array of ports, got ${typeName(v)}`);
  return v.map((p, i) => integer(`${field}[${i}]`, p, 1, 65535));
}

function hostRules(field: string, v: unknown): string[] {
  if (!Array.isArray(v)) throw new PolicyError(field, `expected an array of HOST[:PORT], got ${typeName(v)}`);
  return v.map((h, i) => {
    const rule = parseHostRule(text(`${field}[${i}]`, h));
    if (typeof rule === "string") throw new PolicyError(`${field}[${i}]`, rule);
    return h as string;
  });
}

function resolver(v: unknown): string {
  const t = text("net.resolver", v);
  const problem = parseResolver(t);
  if (typeof problem === "string") throw new PolicyError("net.resolver", problem);
  return t;
}

function net(v: unknown): Net {
  if (v === "none" || v === "all") return v;
  if (typeof v === "string") throw new PolicyError("net", `expected "none", "all", { connect, bind } or { hosts, deny }, got "${v}"`);
  const o = object("net", v, ["connect", "bind", "hosts", "deny", "resolver"]);
  if (o.hosts !== undefined) {
    // A network of its own has no host ports to grant; binds inside it are the sandbox's own.
    for (const k of ["connect", "bind"]) if (o[k] !== undefined) throw new PolicyError(`net.${k}`, "not with net.hosts: the command gets a network of its own, reached only through the granted hosts (name ports there, e.g. \"example.org:443\")");
    return {
      hosts: hostRules("net.hosts", o.hosts),
      ...(o.deny !== undefined && { deny: hostRules("net.deny", o.deny) }),
      ...(o.resolver !== undefined && { resolver: resolver(o.resolver) }),
    };
  }
  for (const k of ["deny", "resolver"]) if (o[k] !== undefined) throw new PolicyError(`net.${k}`, "only with net.hosts");
  return {
    ...(o.connect !== undefined && { connect: ports("net.connect", o.connect) }),
    ...(o.bind !== undefined && { bind: ports("net.bind", o.bind) }),
  };
}

function limits(v: unknown): Limits {
  const o = object("limits", v, ["memory", "pids", "cpuSeconds", "timeoutMs", "killSignal", "killAfterMs", "openFiles", "fileSize"]);
  const out: { -readonly [K in keyof Limits]: Limits[K] } = {};
  if (o.memory !== undefined) out.memory = integer("limits.memory", o.memory, MiB, Number.MAX_SAFE_INTEGER);
  if (o.pids !== undefined) out.pids = integer("limits.pids", o.pids, 1, MAX_PIDS);
  if (o.cpuSeconds !== undefined) out.cpuSeconds = integer("limits.cpuSeconds", o.cpuSeconds, 1, Number.MAX_SAFE_INTEGER);
  if (o.timeoutMs !== undefined) {
    // A wall clock is measured, not counted: fractions of a millisecond are fine.
    const t = o.timeoutMs;
    if (typeof t !== "number" || !Number.isFinite(t)) throw new PolicyError("limits.timeoutMs", `expected a number of milliseconds, got ${typeName(t)}`);
    if (t <= 0 || t > Number.MAX_SAFE_INTEGER) throw new PolicyError("limits.timeoutMs", `must be positive and at most ${Number.MAX_SAFE_INTEGER}, got ${t}`);
    out.timeoutMs = t;
  }
  if (o.killSignal !== undefined) out.killSignal = killSignal(o.killSignal);
  if (o.killAfterMs !== undefined) {
    const k = o.killAfterMs;
    if (typeof k !== "number" || !(k >= 0 && k <= Number.MAX_SAFE_INTEGER)) throw new PolicyError("limits.killAfterMs", `expected milliseconds from 0 to ${Number.MAX_SAFE_INTEGER}, got ${String(k)}`);
    out.killAfterMs = k;
  }
  for (const k of ["killSignal", "killAfterMs"] as const)
    if (out[k] !== undefined && out.timeoutMs === undefined) throw new PolicyError(`limits.${k}`, "takes effect only with a timeout (limits.timeoutMs, --timeout), which is not set");
  if (o.openFiles !== undefined) out.openFiles = integer("limits.openFiles", o.openFiles, 1, MAX_OPEN_FILES);
  if (o.fileSize !== undefined) out.fileSize = integer("limits.fileSize", o.fileSize, 1, Number.MAX_SAFE_INTEGER);
  return out;
}

/** POSIX signal names (numbers differ between OSes: the backend maps the name). */
const SIGNALS = "HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS".split(" ");

/** A signal by name ("SIGTERM", "TERM") or number (1-64); kept as given when valid. */
function killSignal(v: unknown): string | number {
  if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 64) return v;
  if (typeof v === "string" && SIGNALS.includes(v.startsWith("SIG") ? v.slice(3) : v)) return v;
  throw new PolicyError("limits.killSignal", `not a signal: ${JSON.stringify(v)} (a name like "SIGTERM" or a number 1-64)`);
}

function user(v: unknown): UserSpec {
  if (typeof v === "number") return integer("user", v, 0, MAX_ID);
  if (typeof v === "string") {
    const name = text("user", v);
    if (/[:\s/]/.test(name)) throw new PolicyError("user", `not a user name or uid: ${JSON.stringify(name)}`);
    return name;
  }
  const o = object("user", v, ["uid", "gid"]);
  const uid = integer("user.uid", o.uid, 0, MAX_ID);
  return o.gid === undefined ? { uid } : { uid, gid: integer("user.gid", o.gid, 0, MAX_ID) };
}

function env(v: unknown): Record<string, string> {
  const o = object("env", v, Object.keys(isObject(v) ? v : {}));
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) {
    if (k === "" || k.includes("=") || k.includes("\0")) throw new PolicyError(`env.${k}`, "a variable name must be non-empty, without '=' or NUL");
    if (typeof val !== "string") throw new PolicyError(`env.${k}`, `expected a string, got ${typeName(val)}`);
    if (val.includes("\0")) throw new PolicyError(`env.${k}`, "must not contain a NUL character");
    out[k] = val;
  }
  return out;
}

/** true, false, or a list of variable names and `NAME*` patterns. */
function inheritEnv(v: unknown): InheritEnv {
  if (typeof v === "boolean") return v;
  if (!Array.isArray(v)) throw new PolicyError("inheritEnv", `expected true, false or an array of names and NAME* patterns, got ${typeName(v)}`);
  return v.map((p, i) => {
    if (typeof p !== "string") throw new PolicyError(`inheritEnv[${i}]`, `expected a string, got ${typeName(p)}`);
    const problem = envPatternProblem(p);
    if (problem) throw new PolicyError(`inheritEnv[${i}]`, `${problem}: ${JSON.stringify(p)}`);
    return p;
  });
}

function compat(v: unknown): Compat {
  if (v === "hard" || v === "best-effort") return v;
  throw new PolicyError("compat", `expected "hard" or "best-effort", got ${JSON.stringify(v)}`);
}

const topKeys = ["fs", "env", "inheritEnv", "home", "cwd", "net", "limits", "user", "compat", "pty"] as const;

/** A well-formed copy of `input`, or a PolicyError naming the first offending field. */
export function validatePolicy(input: unknown): Policy {
  const o = object("", input ?? {}, topKeys);
  const policy: { -readonly [K in keyof Policy]: Policy[K] } = {};
  if (o.fs !== undefined) {
    const fs = object("fs", o.fs, ["read", "write", "system", "denyRead", "denyWrite"]);
    policy.fs = {
      ...(fs.read !== undefined && { read: paths("fs.read", fs.read) }),
      ...(fs.write !== undefined && { write: paths("fs.write", fs.write) }),
      ...(fs.system !== undefined && { system: boolean("fs.system", fs.system) }),
      ...(fs.denyRead !== undefined && { denyRead: paths("fs.denyRead", fs.denyRead) }),
      ...(fs.denyWrite !== undefined && { denyWrite: paths("fs.denyWrite", fs.denyWrite) }),
    };
  }
  if (o.env !== undefined) policy.env = env(o.env);
  if (o.inheritEnv !== undefined) policy.inheritEnv = inheritEnv(o.inheritEnv);
  if (o.home !== undefined) policy.home = text("home", o.home);
  if (o.cwd !== undefined) policy.cwd = text("cwd", o.cwd);
  if (o.net !== undefined) policy.net = net(o.net);
  if (o.limits !== undefined) policy.limits = limits(o.limits);
  if (o.user !== undefined) policy.user = user(o.user);
  if (o.compat !== undefined) policy.compat = compat(o.compat);
  if (o.pty !== undefined) policy.pty = boolean("pty", o.pty);
  return policy;
}
