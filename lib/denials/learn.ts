// `cordon learn`: from the calls a run made (recorded by the seccomp
// supervisor), the narrowest policy that would have let it run: the files and
// directories it read or ran, where it wrote, the TCP ports it reached, and a
// memory limit above its peak, each grant with a note saying why it is there.
// Paths are collapsed to sensible roots: a directory three or more of whose
// entries were used is granted whole, but never "/", a top-level directory or
// the caller's home itself. Pure: the host is asked through `host`.
import { posix } from "node:path";
import type { Policy } from "../policy/types.ts";
import { peer, type Call } from "./calls.ts";
import { fsOps, type FsAccess } from "./view.ts";
import { AF_INET, AF_INET6, SOCK_STREAM, SOCK_TYPE_MASK } from "../plan/linux/seccomp/constants.ts";

type Use = { count: number; readonly how: Set<FsAccess>; readonly example: string };

/** What one run did, as the calls recorded it. */
export class Observations {
  readonly reads = new Map<string, Use>();
  readonly writes = new Map<string, Use>();
  readonly connect = new Set<number>();
  readonly bind = new Set<number>();
  /** IP sockets other than TCP streams (UDP, raw): cordon's port mode refuses them. */
  nonTcp = 0;
  ipSockets = 0;
  calls = 0;

  add(c: Call): void {
    this.calls++;
    if (c.errno !== 0) return;
    if (c.name === "socket") {
      const family = Number(c.args[0]! & 0xffffffffn);
      if (family === AF_INET || family === AF_INET6) {
        this.ipSockets++;
        if ((Number(c.args[1]! & 0xffffffffn) & SOCK_TYPE_MASK) !== SOCK_STREAM) this.nonTcp++;
      }
      return;
    }
    if (c.name === "connect" || c.name === "bind" || c.name === "sendto") {
      const p = peer(c, c.name === "sendto" ? 4 : 1);
      if (p && p.port !== 0) (c.name === "bind" ? this.bind : this.connect).add(p.port);
      const unix = unixPath(c, c.name === "sendto" ? 4 : 1);
      if (unix) use(this.writes, unix, "write");
      return;
    }
    for (const op of fsOps(c)) {
      if (op.access === "stat" || op.access === "read" || op.access === "exec" || op.access === "readdir") use(this.reads, op.path, op.access);
      else use(this.writes, op.path, op.access);
    }
  }
}

function use(m: Map<string, Use>, path: string, how: FsAccess): void {
  const u = m.get(path);
  if (u) {
    u.count++;
    u.how.add(how);
  } else m.set(path, { count: 1, how: new Set([how]), example: path });
}

/** A pathname unix socket's path from a recorded sockaddr_un. */
function unixPath(c: Call, i: number): string | undefined {
  const b = c.strings.get(24 + i);
  if (!b || b.length < 3 || (b[0]! | (b[1]! << 8)) !== 1 || b[2] === 0) return undefined;
  const end = b.indexOf(0, 2);
  return new TextDecoder().decode(b.subarray(2, end < 0 ? b.length : end));
}

export type LearnHost = {
  /** The real path of `p`, undefined when it does not exist (now, after the run). */
  realpath(p: string): string | undefined;
  isDirectory(p: string): boolean;
};

export type LearnContext = {
  readonly cwd: string;
  /** The caller's home: never granted whole. */
  readonly home?: string | undefined;
  /** Already in every policy (the system read set, resolved), or the run's own (its private TMPDIR and HOME, cordon's files): never learned. */
  readonly given: readonly string[];
  /** The command's peak resident memory, bytes (its own and the children it waited for). */
  readonly peakRss?: number | undefined;
  readonly wallMs?: number | undefined;
  /** The outer bound's grants as resolved (real paths): nothing beyond them is learned. */
  readonly bound: { readonly read: readonly string[]; readonly write: readonly string[] };
};

export type Learned = {
  readonly policy: Policy;
  /** One line per grant ("fs.read /usr/share/x": why), and per thing not learned. */
  readonly notes: Readonly<Record<string, string>>;
};

const within = (p: string, dir: string) => dir === "/" || p === dir || p.startsWith(dir + "/");
/** Collapse no higher than this: "/x/y" (depth 2) is the shallowest root granted whole. */
const MIN_DEPTH = 2;
const COLLAPSE_AT = 3;

function depth(p: string): number {
  return p === "/" ? 0 : p.split("/").length - 1;
}

/** Paths (each with its uses) collapsed: a directory with COLLAPSE_AT used entries stands for them. */
function collapse(paths: Map<string, Use>, home: string | undefined, host: LearnHost): Map<string, Use> {
  let current = new Map(paths);
  for (let changed = true; changed; ) {
    changed = false;
    const children = new Map<string, string[]>();
    for (const p of current.keys()) {
      const parent = posix.dirname(p);
      if (parent !== p) children.set(parent, [...(children.get(parent) ?? []), p]);
    }
    for (const [parent, kids] of children) {
      if (kids.length < COLLAPSE_AT || depth(parent) < MIN_DEPTH || parent === home || !host.isDirectory(parent)) continue;
      const merged: Use = { count: 0, how: new Set(), example: current.get(kids[0]!)!.example };
      for (const k of kids) {
        const u = current.get(k)!;
        merged.count += u.count;
        for (const h of u.how) merged.how.add(h);
        current.delete(k);
      }
      const had = current.get(parent);
      if (had) {
        merged.count += had.count;
        for (const h of had.how) merged.how.add(h);
      }
      current.set(parent, merged);
      changed = true;
    }
  }
  // Nothing beneath another grant of the same list.
  const keys = [...current.keys()].sort();
  const out = new Map<string, Use>();
  for (const k of keys) if (![...out.keys()].some((o) => within(k, o))) out.set(k, current.get(k)!);
  return out;
}

function words(u: Use): string {
  const how = [...u.how].sort().join("/");
  return `${u.count} ${how} call${u.count === 1 ? "" : "s"}${u.example ? ` (first: ${u.example})` : ""}`;
}

const MiB = 2 ** 20;

/** The narrowest policy for what the run did. */
export function learnPolicy(obs: Observations, ctx: LearnContext, host: LearnHost): Learned {
  const notes: Record<string, string> = {};
  const given = (p: string) => ctx.given.some((g) => within(p, g)) || within(p, "/proc");
  // What the outer bound refused (its denials say so) is never learned: the policy stays inside it.
  const bounded = (p: string, grants: readonly string[]) => {
    const real = host.realpath(p) ?? p;
    return grants.some((g) => within(real, g) || within(p, g));
  };
  // Writes: a file only written is granted itself; one created (it may not be there before the next
  // run), removed or gone grants its directory.
  const writes = new Map<string, Use>();
  for (const [p, u] of obs.writes) {
    if (given(p)) continue;
    const real = host.realpath(p);
    const onlyWritten = u.how.size === 1 && u.how.has("write");
    const target = onlyWritten && real !== undefined && !host.isDirectory(p) ? p : posix.dirname(p);
    if (host.realpath(target) === undefined || given(target) || !bounded(target, ctx.bound.write)) continue;
    const had = writes.get(target);
    if (had) {
      had.count += u.count;
      for (const h of u.how) had.how.add(h);
    } else writes.set(target, { count: u.count, how: new Set(u.how), example: p });
  }
  const write = collapse(writes, ctx.home, host);
  // Reads of what exists, not given already, not beneath a write grant. A
  // directory only looked up (stat, chdir) needs to exist in the view, not
  // its content: it is granted only when no other grant lies beneath it.
  const reads = new Map<string, Use>();
  const lookedUp: [string, Use][] = [];
  for (const [p, u] of obs.reads) {
    if (given(p) || host.realpath(p) === undefined || !bounded(p, [...ctx.bound.read, ...ctx.bound.write])) continue;
    if ([...write.keys()].some((w) => within(p, w))) continue;
    if (u.how.size === 1 && u.how.has("stat") && host.isDirectory(p)) lookedUp.push([p, u]);
    else if (host.isDirectory(p) && (depth(p) < MIN_DEPTH || p === ctx.home)) notes[`not granted ${p}`] = `${words(u)}: granting it would hand out ${p === "/" ? "everything" : p === ctx.home ? "the whole home" : "a whole top-level directory"}`;
    else reads.set(p, u);
  }
  const granted = () => [...reads.keys(), ...write.keys(), ...ctx.given];
  for (const [p, u] of lookedUp) {
    if (granted().some((g) => within(g, p))) continue; // a parent of grants: in the view already
    if (depth(p) < MIN_DEPTH || p === ctx.home) {
      notes[`not granted ${p}`] = `only looked up (${words(u)}); granting it would hand out a whole ${p === ctx.home ? "home" : "top-level directory"}`;
      continue;
    }
    reads.set(p, u);
  }
  // The working directory listed and files beneath it read: the project, granted whole.
  const project = reads.get(ctx.cwd);
  if (project?.how.has("readdir") && depth(ctx.cwd) >= MIN_DEPTH && ctx.cwd !== ctx.home) {
    for (const [p, u] of [...reads]) {
      if (p === ctx.cwd || !within(p, ctx.cwd)) continue;
      project.count += u.count;
      for (const h of u.how) project.how.add(h);
      reads.delete(p);
    }
  }
  // A directory only listed, with grants beneath it (the parents a tool scans for its project's root):
  // the view lists those grants there; granting it would hand out every sibling.
  for (const [p, u] of [...reads]) {
    if (p === ctx.cwd && project?.how.has("readdir")) continue;
    if ([...u.how].some((h) => h !== "readdir" && h !== "stat") || !host.isDirectory(p)) continue;
    if (![...reads.keys(), ...write.keys()].some((g) => g !== p && within(g, p))) continue;
    reads.delete(p);
    notes[`not granted ${p}`] = `only listed (${words(u)}), with grants beneath it: the sandbox lists those there`;
  }
  const read = collapse(reads, ctx.home, host);
  for (const [p, u] of read) notes[`fs.read ${p}`] = words(u);
  for (const [p, u] of write) notes[`fs.write ${p}`] = words(u);

  let net: Policy["net"] = "none";
  if (obs.nonTcp > 0) {
    net = "all";
    notes.net = `${obs.nonTcp} IP socket(s) other than TCP streams (UDP, e.g. DNS, or raw): cordon's port list is TCP only, so the network is unrestricted`;
  } else if (obs.connect.size + obs.bind.size > 0) {
    net = { connect: [...obs.connect].sort((a, b) => a - b), bind: [...obs.bind].sort((a, b) => a - b) };
    notes.net = `TCP ports reached: connect ${[...obs.connect].join(", ") || "none"}, bind ${[...obs.bind].join(", ") || "none"}`;
  } else notes.net = obs.ipSockets ? "IP sockets were made but never connected or bound: no network" : "no IP socket was made: no network";

  const limits: { memory?: number } = {};
  if (ctx.peakRss !== undefined && ctx.peakRss > 0) {
    limits.memory = Math.max(64 * MiB, Math.ceil((2 * ctx.peakRss) / MiB) * MiB);
    notes["limits.memory"] = `twice the peak resident memory seen (${Math.ceil(ctx.peakRss / MiB)}M)`;
  }
  if (ctx.wallMs !== undefined) notes["limits.timeoutMs"] = `not set: the run took ${Math.round(ctx.wallMs)} ms; a timeout is the job's to choose`;
  notes.env = "not learned: a program reads its environment with library calls no syscall filter sees; the policy keeps cordon's default set (add inheritEnv names the job needs)";
  // The working directory goes in only where it is granted (an ungranted one would be refused); else the caller's stays.
  const cwdGranted = [...read.keys(), ...write.keys()].some((g) => within(ctx.cwd, g));
  if (!cwdGranted) notes.cwd = `not set: the job ran in ${ctx.cwd}, which it did not need granted; it runs in the caller's working directory`;
  const policy: Policy = {
    fs: { read: [...read.keys()], write: [...write.keys()] },
    net,
    limits,
    ...(cwdGranted ? { cwd: ctx.cwd } : {}),
  };
  return { policy, notes };
}
