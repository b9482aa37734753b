// From a user's policy to a ResolvedPolicy the backends can apply: the pure
// validator first, then what needs the filesystem — absolute real paths that
// exist, the user looked up by name, the system read set of this OS, the
// environment (lib/policy/env.ts) and the sandbox's private TMPDIR and HOME
// (lib/run-dir.ts). Every problem is a PolicyError naming its field.
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { homedir, tmpdir, userInfo } from "node:os";
import { resolve, sep } from "node:path";
import { PolicyError } from "./errors.ts";
import { composeEnv, inheritedEnv, ownEnv, type Account, type EnvReport } from "./policy/env.ts";
import { resolveEgress } from "./policy/egress.ts";
import { recordIdentities, type Identity } from "./policy/identity.ts";
import { protectedPaths, type ProtectedFs } from "./policy/protected.ts";
import { systemPaths, type SystemOs } from "./policy/system-paths.ts";
import { makeRunDir } from "./run-dir.ts";
import type { Policy, ResolvedPolicy, UserSpec } from "./policy/types.ts";
import { validatePolicy } from "./policy/validate.ts";

export type ResolveOptions = {
  /** Base of relative paths (default: process.cwd()). Grants resolve against it, not against `policy.cwd`. */
  readonly base?: string;
  /** The caller's environment, from which `inheritEnv` chooses (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the run's private TMPDIR and HOME are created (default: os.tmpdir()). */
  readonly tmpRoot?: string;
  /** Whose system read set (default: this platform). */
  readonly os?: SystemOs;
};

export type Resolution = {
  readonly policy: ResolvedPolicy;
  /** Removes the private TMPDIR and HOME and everything in them, whatever modes the command left: their paths are gone on return, the contents go on Bun's thread pool (run-dir.ts). Idempotent; never throws. */
  readonly cleanup: () => void;
  /** Names of the variables passed and set, for the report. */
  readonly env: EnvReport;
};

/** Real path of an existing `path`, or a PolicyError naming `field`. */
function existing(field: string, path: string, base: string): string {
  try {
    return realpathSync(resolve(base, path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new PolicyError(field, `does not exist: ${path}`);
    throw new PolicyError(field, `cannot resolve ${path}: ${code ?? String(e)}`);
  }
}

/**
 * The symlinks a lookup of `path` (absolute) passes through, each where the
 * lookup meets it: /a/l1/b with l1 -> /x and /x/b -> y gives /a/l1 and /x/b.
 */
function symlinksOnTheWay(path: string): string[] {
  const links: string[] = [];
  let at = "/";
  for (const part of path.split("/")) {
    if (!part) continue;
    const next = at === "/" ? `/${part}` : `${at}/${part}`;
    try {
      if (!lstatSync(next).isSymbolicLink()) {
        at = next;
        continue;
      }
      links.push(next);
      at = realpathSync(next);
    } catch {
      return links; // resolved already by existing(): gone since
    }
  }
  return links;
}

/**
 * What the real path `path` names now, for the backend to check the grant
 * against when it opens it. A real path holds no symlink: finding one means
 * the path changed since realpath, and the grant is refused.
 */
function identity(field: string, path: string): Identity {
  let st;
  try {
    st = lstatSync(path, { bigint: true });
  } catch (e) {
    throw new PolicyError(field, `changed while it was resolved (${(e as NodeJS.ErrnoException).code ?? String(e)}): ${path}`);
  }
  if (st.isSymbolicLink()) throw new PolicyError(field, `changed while it was resolved (now a symlink): ${path}`);
  return { dev: st.dev, ino: st.ino };
}

/** System paths present on this host, as real paths; absent ones are dropped. */
/** Resolved once per process and OS: the system set does not move while cordon runs. */
const systemCache = new Map<string, { read: string[]; write: string[] }>();

function presentSystemPaths(os: SystemOs, env: Readonly<Record<string, string | undefined>>) {
  const key = `${os}\0${env.SystemRoot ?? ""}`;
  const cached = systemCache.get(key);
  if (cached) return cached;
  const found = resolveSystemPaths(os, env);
  systemCache.set(key, found);
  return found;
}

function resolveSystemPaths(os: SystemOs, env: Readonly<Record<string, string | undefined>>) {
  const root = env.SystemRoot ?? "C:\\Windows";
  const real = (paths: readonly string[]) =>
    paths.flatMap((p) => {
      try {
        return [realpathSync(p.replace("%SystemRoot%", root))];
      } catch {
        return [];
      }
    });
  const set = systemPaths(os);
  return { read: real(set.read), write: real(set.write) };
}

type PasswdEntry = { name: string; uid: number; gid: number; shell: string };

function passwd(): PasswdEntry[] {
  let text = "";
  try {
    text = readFileSync("/etc/passwd", "utf8");
  } catch {
    return [];
  }
  return text.split("\n").flatMap((line) => {
    const [name, , uid, gid, , , shell = ""] = line.split(":");
    return name && uid && gid && !line.startsWith("#") ? [{ name, uid: Number(uid), gid: Number(gid), shell }] : [];
  });
}

/** uid and gid of `spec`: names through /etc/passwd; a bare uid takes its passwd group, or gid = uid. */
export function resolveUser(spec: UserSpec): { uid: number; gid: number } {
  if (typeof spec === "object") return { uid: spec.uid, gid: spec.gid ?? passwd().find((e) => e.uid === spec.uid)?.gid ?? spec.uid };
  if (typeof spec === "number") return { uid: spec, gid: passwd().find((e) => e.uid === spec)?.gid ?? spec };
  if (/^\d+$/.test(spec)) return resolveUser(Number(spec));
  const entry = passwd().find((e) => e.name === spec);
  if (!entry) throw new PolicyError("user", `no such user: ${spec}`);
  return { uid: entry.uid, gid: entry.gid };
}

/** Accounts by uid, looked up once per process: a spawn reads no /etc/passwd for them. */
const accounts = new Map<number, Account | undefined>();

/**
 * USER, LOGNAME and SHELL for `uid`: its passwd entry, or for the caller's
 * own uid what the OS says (macOS keeps accounts outside /etc/passwd). A
 * shell that refuses logins (nologin, false) is no SHELL to offer.
 */
function accountOf(uid: number | undefined): Account | undefined {
  if (uid === undefined) return undefined;
  if (!accounts.has(uid)) accounts.set(uid, lookUpAccount(uid));
  return accounts.get(uid);
}

function lookUpAccount(uid: number): Account | undefined {
  const entry = passwd().find((e) => e.uid === uid);
  let found: { name: string; shell: string } | undefined = entry;
  if (!found && uid === process.getuid?.()) {
    try {
      const me = userInfo();
      found = { name: me.username, shell: me.shell ?? "" };
    } catch {
      return undefined;
    }
  }
  if (!found) return undefined;
  const shell = /\/(nologin|false)$/.test(found.shell) ? "" : found.shell;
  return { name: found.name, ...(shell && { shell }) };
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}

function hostOs(): SystemOs {
  const p = process.platform;
  return p === "darwin" || p === "freebsd" || p === "openbsd" || p === "win32" ? p : "linux";
}

/** The policy's `home`: an existing directory, granted read-write like `fs.write`. */
function grantedHome(path: string, base: string, ids: Map<string, Identity>): string {
  const home = existing("home", path, base);
  if (!statSync(home).isDirectory()) throw new PolicyError("home", `not a directory: ${path}`);
  ids.set(home, identity("home", home));
  return home;
}

/** Beneath `dir` or `dir` itself, with this OS's separator (C:\\x on Windows). */
const within = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** The paths of `paths` not beneath another one of them (a deny beneath a deny adds nothing). */
function outermost(paths: readonly string[]): string[] {
  const all = unique([...paths]);
  return all.filter((p) => !all.some((q) => q !== p && within(p, q)));
}

/** The host's filesystem, as the protected-path finder asks it. */
const hostFs: ProtectedFs = {
  kind(path) {
    try {
      const st = lstatSync(path);
      return st.isSymbolicLink() ? "link" : st.isDirectory() ? "dir" : "file";
    } catch {
      return undefined;
    }
  },
  read(path) {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  },
  real(path) {
    try {
      return realpathSync(path);
    } catch {
      return undefined;
    }
  },
  make(path, kind) {
    if (kind === "dir") mkdirSync(path, { mode: 0o755 });
    else closeSync(openSync(path, "a", 0o644));
  },
  list(path) {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
  get home() {
    return homedir();
  },
};

type CarveOuts = {
  read: string[];
  write: string[];
  fs: Pick<ResolvedPolicy["fs"], "denyRead" | "denyWrite" | "protected" | "protectedGaps">;
};

/**
 * Deny wins: a grant beneath a denied read is dropped, a write grant beneath
 * a denied write becomes a read grant. Then the default protected paths
 * inside what is still writable (lib/policy/protected.ts), unless a grant
 * names one exactly or a deny covers it already. `read` and `write` are the
 * real paths granted (system set included); `userWrite` the user's own.
 */
function carveOuts(policy: Policy, base: string, read: string[], write: string[], userWrite: readonly string[], cwd: string, ids: Map<string, Identity>): CarveOuts {
  const denyRead = outermost((policy.fs?.denyRead ?? []).map((p, i) => existing(`fs.denyRead[${i}]`, p, base)));
  const denied = (p: string) => denyRead.some((d) => within(p, d));
  const denyWrite = outermost((policy.fs?.denyWrite ?? []).map((p, i) => existing(`fs.denyWrite[${i}]`, p, base))).filter((p) => !denied(p));
  const readOnly = (p: string) => denied(p) || denyWrite.some((d) => within(p, d));
  const keptWrite = write.filter((p) => !readOnly(p));
  const keptRead = unique([...read, ...write.filter((p) => !denied(p) && readOnly(p))]).filter((p) => !denied(p));
  const userKept = userWrite.filter((p) => keptWrite.includes(p));
  const found = protectedPaths(userKept, userKept, cwd, hostFs);
  const prot = found.paths.filter((p) => !readOnly(p));
  // Checked at spawn like the grants: the view's binds and covers must show these very files.
  denyRead.forEach((p) => ids.set(p, identity("fs.denyRead", p)));
  denyWrite.forEach((p) => ids.set(p, identity("fs.denyWrite", p)));
  prot.forEach((p) => ids.set(p, identity("fs.protected", p)));
  return {
    read: keptRead,
    write: keptWrite,
    fs: {
      ...(denyRead.length && { denyRead }),
      ...(denyWrite.length && { denyWrite }),
      ...(prot.length && { protected: prot }),
      ...(found.gaps.length && { protectedGaps: found.gaps }),
    },
  };
}

/**
 * The working directory must be one the sandbox can see: an explicit `cwd`
 * outside every grant would be an empty directory inside, so it is refused,
 * naming it. The default (the caller's own) stays as it was: an ungranted
 * one is an empty directory inside. Beneath a denied read, neither can work.
 */
function checkCwd(policy: Policy, cwd: string, read: readonly string[], write: readonly string[], denyRead: readonly string[]): void {
  if (denyRead.some((d) => within(cwd, d))) throw new PolicyError("cwd", `lies beneath a denied read: ${policy.cwd ?? cwd}`);
  if (policy.cwd === undefined) return;
  if (![...read, ...write].some((g) => within(cwd, g))) throw new PolicyError("cwd", `not granted: ${policy.cwd} (grant it with fs.read or fs.write, --allow-read or --allow-write)`);
}

/** Validate `input`, resolve it against this host and create the private TMPDIR and HOME. */
export function resolvePolicy(input: unknown, options: ResolveOptions = {}): Resolution {
  const policy: Policy = validatePolicy(input);
  const base = options.base ?? process.cwd();
  const callerEnv = options.env ?? process.env;

  const cwd = existing("cwd", policy.cwd ?? ".", base);
  if (!statSync(cwd).isDirectory()) throw new PolicyError("cwd", `not a directory: ${policy.cwd}`);
  const read = (policy.fs?.read ?? []).map((p, i) => existing(`fs.read[${i}]`, p, base));
  const write = (policy.fs?.write ?? []).map((p, i) => existing(`fs.write[${i}]`, p, base));
  // Taken right after realpath: the backend opens each grant again and refuses one that is no longer this file.
  const ids = new Map<string, Identity>();
  read.forEach((p, i) => ids.set(p, identity(`fs.read[${i}]`, p)));
  write.forEach((p, i) => ids.set(p, identity(`fs.write[${i}]`, p)));
  // Only a grant whose real path differs from its spelling passed a symlink.
  const real = [...read, ...write];
  const spelled = [...(policy.fs?.read ?? []), ...(policy.fs?.write ?? [])].map((p) => resolve(base, p));
  const links = unique(spelled.filter((p, i) => p !== real[i]).flatMap(symlinksOnTheWay));
  const system = policy.fs?.system === false ? { read: [], write: [] } : presentSystemPaths(options.os ?? hostOs(), callerEnv);
  const home = policy.home === undefined ? undefined : grantedHome(policy.home, base, ids);
  // A kept HOME is written like a grant: carve-outs and protected paths apply beneath it too.
  const carved = carveOuts(policy, base, unique([...system.read, ...read]), unique([...system.write, ...write, ...(home ? [home] : [])]), write, cwd, ids);
  checkCwd(policy, cwd, carved.read, carved.write, carved.fs.denyRead ?? []);
  const user = policy.user === undefined ? undefined : resolveUser(policy.user);
  // Host grants: their own field, and net "none" for every backend that does not know them.
  const egress = typeof policy.net === "object" && policy.net.hosts !== undefined ? resolveEgress(policy.net) : undefined;
  const net = egress ? "none" : policy.net === undefined || typeof policy.net === "string" ? (policy.net ?? "none") : {
    connect: unique((policy.net.connect ?? []).map(String)).map(Number),
    bind: unique((policy.net.bind ?? []).map(String)).map(Number),
  };

  const os = options.os ?? hostOs();

  // Last, so that a PolicyError above leaves nothing behind.
  const run = makeRunDir(options.tmpRoot ?? tmpdir(), { home: home === undefined, owner: user });
  try {
    ids.set(run.dir, identity("tmpDir", run.dir));
  } catch (e) {
    run.remove();
    throw e;
  }
  const homeDir = home ?? run.home!;
  // The XDG directories follow the HOME the command gets, the policy's own `env.HOME` too.
  const own = ownEnv({ tmpDir: run.tmp, home: policy.env?.HOME ?? homeDir, account: accountOf(user?.uid ?? process.getuid?.()), os });
  const { env, report } = composeEnv(inheritedEnv(callerEnv, policy.inheritEnv, os), own, policy.env ?? {}, os);
  const resolved: ResolvedPolicy = {
    fs: { read: carved.read, write: unique([...carved.write, run.dir]), ...(links.length && { links }), ...carved.fs },
    env,
    cwd,
    net,
    ...(egress && { egress }),
    limits: { ...policy.limits },
    ...(user && { user }),
    compat: policy.compat ?? "hard",
    ...(policy.pty && { pty: true }),
    tmpDir: run.tmp,
    home: homeDir,
    runDir: run.dir,
  };
  recordIdentities(resolved, ids);
  return { policy: resolved, cleanup: run.retire, env: report };
}
