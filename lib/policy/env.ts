// Which variables the sandbox gets. Pure: the caller's environment is an
// argument. Secure by default: a documented base set of the caller's
// variables (what shells and tools need to run and print), the variables
// cordon sets itself (TMPDIR, HOME and its XDG directories, the account), and
// the policy's own `env`. More of the caller's variables pass only when named;
// a `NAME*` pattern never admits a name that looks like it holds a secret.
import type { SystemOs } from "./system-paths.ts";

/** The caller's variables every sandbox gets (when set): search path, locale, terminal, colour, time zone, CI flag. */
export const BASE_ENV: readonly string[] = ["PATH", "LANG", "LANGUAGE", "LC_*", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "TZ", "CI"];

/** Added on Windows, where programs cannot start or find the system without them. */
export const WINDOWS_BASE_ENV: readonly string[] = [
  "SystemRoot",
  "SystemDrive",
  "windir",
  "ComSpec",
  "PATHEXT",
  "OS",
  "NUMBER_OF_PROCESSORS",
  "PROCESSOR_*",
  "ProgramData",
  "ProgramFiles",
  "ProgramFiles(x86)",
  "ProgramW6432",
  "CommonProgramFiles",
  "CommonProgramFiles(x86)",
  "CommonProgramW6432",
];

/**
 * Names a pattern never admits, case-insensitive (`*` is any text): they pass
 * only when named exactly, or with the whole environment. Broad on purpose: a
 * harmless name caught here costs one exact name on the command line.
 */
export const SECRET_LOOKING: readonly string[] = [
  "*TOKEN*",
  "*SECRET*",
  "*PASSWORD*",
  "*PASSWD*",
  "*_KEY",
  "*API_KEY*",
  "*APIKEY*",
  "*PRIVATE*",
  "*CREDENTIAL*",
  "*AUTH*",
  "*COOKIE*",
  "*SESSION*",
];

const secretRe = new RegExp(
  `^(?:${SECRET_LOOKING.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")).join("|")})$`,
  "i",
);

export function looksSecret(name: string): boolean {
  return secretRe.test(name);
}

/**
 * Absent: the base set. A list: the base set plus these names and `NAME*`
 * prefix patterns. true: the caller's whole environment. false: none of it.
 */
export type InheritEnv = boolean | readonly string[];

/** Why `pattern` is not a variable name or `NAME*` pattern, or undefined when it is one. */
export function envPatternProblem(pattern: string): string | undefined {
  if (pattern === "") return "must not be empty";
  if (/[=\0]/.test(pattern)) return "a variable name must not contain '=' or NUL";
  if (pattern.slice(0, -1).includes("*")) return "'*' may only end a pattern (NAME*)";
  return undefined;
}

/** Windows variable names are case-insensitive; everywhere else exact. */
const fold = (os: SystemOs) => (os === "win32" ? (s: string) => s.toUpperCase() : (s: string) => s);

function admits(pattern: string, name: string, os: SystemOs): boolean {
  const f = fold(os);
  if (!pattern.endsWith("*")) return f(pattern) === f(name);
  return f(name).startsWith(f(pattern.slice(0, -1))) && !looksSecret(name);
}

/** The caller's variables that pass in under `inherit`. */
export function inheritedEnv(caller: Readonly<Record<string, string | undefined>>, inherit: InheritEnv | undefined, os: SystemOs): Record<string, string> {
  if (inherit === false) return {};
  const patterns = inherit === true ? undefined : [...BASE_ENV, ...(os === "win32" ? WINDOWS_BASE_ENV : []), ...(inherit ?? [])];
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(caller)) {
    if (value === undefined) continue;
    if (!patterns || patterns.some((p) => admits(p, name, os))) out[name] = value;
  }
  return out;
}

export type Account = { readonly name: string; readonly shell?: string };

/**
 * What cordon sets itself: TMPDIR, HOME and the XDG base directories beneath
 * it, and the account the command runs as (USER, LOGNAME, SHELL) where known.
 * On Windows, the profile and temp variables it reads instead; no account.
 */
export function ownEnv(o: { readonly tmpDir: string; readonly home: string; readonly account?: Account | undefined; readonly os: SystemOs }): Record<string, string> {
  const sep = o.os === "win32" ? "\\" : "/";
  const under = (...parts: string[]) => [o.home, ...parts].join(sep);
  const xdg = {
    XDG_CONFIG_HOME: under(".config"),
    XDG_CACHE_HOME: under(".cache"),
    XDG_DATA_HOME: under(".local", "share"),
    XDG_STATE_HOME: under(".local", "state"),
  };
  if (o.os === "win32") return { TMPDIR: o.tmpDir, TEMP: o.tmpDir, TMP: o.tmpDir, HOME: o.home, USERPROFILE: o.home, ...xdg };
  const account = o.account ? { USER: o.account.name, LOGNAME: o.account.name, ...(o.account.shell && { SHELL: o.account.shell }) } : {};
  return { TMPDIR: o.tmpDir, HOME: o.home, ...xdg, ...account };
}

export type EnvReport = {
  /** Names of the caller's variables passed in with the caller's values. */
  readonly passed: readonly string[];
  /** Names cordon or the policy's `env` set (they win over the caller's). */
  readonly set: readonly string[];
};

/**
 * The sandbox's environment, layer over layer (later wins; on Windows a name
 * replaces the same name in any case), and the report of its names.
 */
export function composeEnv(
  inherited: Readonly<Record<string, string>>,
  own: Readonly<Record<string, string>>,
  explicit: Readonly<Record<string, string>>,
  os: SystemOs,
): { env: Record<string, string>; report: EnvReport } {
  const f = fold(os);
  const setNames = new Map<string, string>();
  for (const layer of [own, explicit]) for (const name of Object.keys(layer)) setNames.set(f(name), name);
  const env: Record<string, string> = {};
  const passed: string[] = [];
  for (const [name, value] of Object.entries(inherited)) {
    if (setNames.has(f(name))) continue;
    env[name] = value;
    passed.push(name);
  }
  for (const layer of [own, explicit]) {
    for (const [name, value] of Object.entries(layer)) {
      const spelled = setNames.get(f(name))!;
      if (spelled !== name) delete env[name];
      env[spelled] = value;
    }
  }
  return { env, report: { passed: passed.sort(), set: [...setNames.values()].sort() } };
}
