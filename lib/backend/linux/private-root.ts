// The view of the filesystem a sandbox gets when it has a mount namespace:
// its grants (bind-mounted at their own paths, symlinks recreated), the
// carve-outs beneath them, its own /dev/shm, /dev/pts and cgroups, its
// working directory (empty unless granted) and /proc — nothing else exists.
import { lstatSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import type { ViewEntry } from "../../../ffi/linux-spawn.ts";
import { systemPaths } from "../../policy/system-paths.ts";
import { GrantChangedError } from "../../errors.ts";
import { carveEntries, type CarveOuts } from "./carve-outs.ts";
import type { GrantFds } from "./grant-fds.ts";
import { procMasks } from "./proc-masks.ts";

/** What a view holds beyond the grants: carve-outs beneath them (carve-outs.ts) and filesystems of its own (inside-mounts.ts). */
export type ViewExtras = { readonly carve?: CarveOuts | undefined; readonly mounts?: readonly ViewEntry[] };

/** Parents first: a path sorts after every directory it lies in (stable, so equal paths keep their order). */
const byPath = (entries: readonly ViewEntry[]) => [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

const isWithin = (path: string, dir: string) => dir === "/" || path === dir || path.startsWith(dir + "/");

/**
 * Views of the same grants, kept by a compiled sandbox (and by one-shot
 * spawns' shared state): a run of spawns with one policy differs only in its
 * private TMPDIR. Bounded by VIEW_CACHE_SIZE.
 */
export type ViewCache = Map<string, readonly ViewEntry[]>;
const VIEW_CACHE_SIZE = 16;

/**
 * privateRootView for a spawn whose only new grant is `own`, a writable
 * directory it just made (its private TMPDIR): the view of the other grants
 * is worked out once per grant set (one lstat per grant) and `own` is added
 * to it. Every grant but `own` was resolved before this spawn (user grants
 * anew for each spawn), as for a view built afresh.
 */
export function privateRootViewWith(
  read: readonly string[],
  write: readonly string[],
  own: string,
  cwd: string,
  proc: boolean,
  links: readonly string[] = [],
  grants?: GrantFds,
  extras: ViewExtras = {},
  views?: ViewCache,
): ViewEntry[] {
  const others = write.filter((p) => p !== own);
  const key = JSON.stringify([read, others, links, extras.carve ?? null]);
  let base = views?.get(key);
  if (!base) {
    base = Object.freeze(withCarveOuts(grantEntries(read, others, links, grants), read, others, extras, grants).map((e) => Object.freeze(e)));
    if (views) {
      if (views.size >= VIEW_CACHE_SIZE) views.clear();
      views.set(key, base);
    }
  }
  const dirs = base.filter((e) => e.kind === "dir" || e.kind === "dir-ro").map((e) => ({ path: e.path, writable: e.kind === "dir" }));
  const parent = dirs.filter((d) => isWithin(own, d.path)).at(-1);
  // Parents first: `own` goes where a sorted build would have put it.
  const entries = [...base];
  if (!parent?.writable) {
    const at = entries.findIndex((e) => e.path > own);
    entries.splice(at < 0 ? entries.length : at, 0, { kind: "dir", path: own });
    dirs.push({ path: own, writable: true });
  }
  return withMountPoints(checkedBinds(withMounts(entries, extras), grants), dirs, cwd, proc);
}

/**
 * Entries for the native spawn's private root, parents first, from grants as
 * the plan expands them (lib/plan/linux expandRoot: once, for landlock and view). A
 * grant beneath another directory grant needs no mount of its own (landlock
 * tells their rights apart); a grant that vanished since the policy was
 * resolved is left out.
 */
export function privateRootView(read: readonly string[], write: readonly string[], cwd: string, proc: boolean, links: readonly string[] = [], grants?: GrantFds, extras: ViewExtras = {}): ViewEntry[] {
  const entries = withCarveOuts(grantEntries(read, write, links, grants), read, write, extras, grants);
  const dirs = entries.filter((e) => e.kind === "dir" || e.kind === "dir-ro").map((e) => ({ path: e.path, writable: e.kind === "dir" }));
  return withMountPoints(checkedBinds(withMounts(entries, extras), grants), dirs, cwd, proc);
}

/** The grants' entries with the carve-outs' among them, parents first. */
function withCarveOuts(entries: ViewEntry[], read: readonly string[], write: readonly string[], extras: ViewExtras, grants: GrantFds | undefined): ViewEntry[] {
  return extras.carve ? byPath([...entries, ...carveEntries(read, write, extras.carve, grants)]) : entries;
}

/** The view's own filesystems among the entries, parents first. */
function withMounts(entries: ViewEntry[], extras: ViewExtras): ViewEntry[] {
  return extras.mounts?.length ? byPath([...entries, ...extras.mounts]) : entries;
}

/**
 * Each bind of a grant checked against its policy's resolution carries the
 * grant's fd: the child makes the bind by path and stops the spawn (ESTALE)
 * when it shows another file (grant-fds.ts).
 */
function checkedBinds(entries: ViewEntry[], grants: GrantFds | undefined): ViewEntry[] {
  if (!grants) return entries;
  return entries.map((e) => {
    const checked = e.kind === "dir" || e.kind === "file" || e.kind === "dir-ro" || e.kind === "file-ro" || e.kind === "deny";
    const g = checked ? grants.byPath.get(e.path) : undefined;
    return g ? { ...e, sameAs: g.fd } : e;
  });
}

/** The working directory (empty unless granted) and /proc with its masks (proc-masks.ts), after the grants. */
function withMountPoints(entries: ViewEntry[], dirs: readonly { path: string }[], cwd: string, proc: boolean): ViewEntry[] {
  if (!dirs.some((d) => isWithin(cwd, d.path))) entries.push({ kind: "mkdir", path: cwd });
  if (proc) entries.push({ kind: "mkdir", path: "/proc" }, ...procMasks().map((path) => ({ kind: "mask" as const, path })));
  return entries;
}


/**
 * A device node is bound read-only even where it is granted for writing: the
 * device's reads and writes go to its driver, not to the filesystem, so they
 * still work, while chmod, chown and utimes of the host's node (root's, and
 * the command may be root) get EROFS.
 */
function isDevice(st: { isCharacterDevice(): boolean; isBlockDevice(): boolean }): boolean {
  return st.isCharacterDevice() || st.isBlockDevice();
}

/**
 * The grants' entries (binds and recreated symlinks), sorted, parents first.
 * `links`: symlinks on the way to grants as they were spelled, recreated too.
 */
function grantEntries(read: readonly string[], write: readonly string[], links: readonly string[], opens?: GrantFds): ViewEntry[] {
  const entries: ViewEntry[] = [];
  const dirs: { path: string; writable: boolean }[] = [];
  const writable = new Set(write);
  const spelled = new Set(links.filter((l) => !writable.has(l) && !read.includes(l)));
  const grants = [...read, ...write];
  const paths = [...new Set([...grants, ...aliases(grants), ...links])].sort();
  for (const path of paths) {
    const rw = writable.has(path);
    // Beneath a bind of the same kind nothing more is needed; a writable grant
    // beneath a read-only one gets its own writable bind on top.
    const parent = dirs.filter((d) => isWithin(path, d.path)).at(-1);
    if (parent && (parent.writable || !rw)) continue;
    // A checked grant is what its fd is (never a symlink swapped in since); others are looked at now.
    const opened = opens?.byPath.get(path);
    let kind = opened?.kind;
    if (kind === undefined) {
      let st;
      try {
        st = lstatSync(path);
      } catch {
        continue;
      }
      if (st.isSymbolicLink()) {
        let target: string;
        try {
          target = readlinkSync(path);
        } catch {
          if (spelled.has(path)) throw new GrantChangedError(path, "a symlink on the way to a grant is no longer one");
          continue; // gone since: nothing to recreate
        }
        entries.push({ kind: "symlink", path, target });
        continue;
      }
      // A symlink met on the way to a grant when the policy was resolved: a
      // directory there now would be bound where only a link was meant.
      if (spelled.has(path)) throw new GrantChangedError(path, "a symlink on the way to a grant is no longer one");
      kind = st.isDirectory() ? "dir" : isDevice(st) ? "device" : "file";
    }
    if (kind === "dir") {
      entries.push({ kind: rw ? "dir" : "dir-ro", path });
      dirs.push({ path, writable: rw });
    } else entries.push({ kind: rw && kind === "file" ? "file" : "file-ro", path });
  }
  return entries;
}


/**
 * Symlinks that lead into the grants: grants arrive resolved (/bin is
 * /usr/bin), but programs use the links — the ELF interpreter is
 * /lib64/ld-linux-x86-64.so.2 on a merged-/usr host. The top level of "/"
 * and the unresolved system read set are searched for them.
 */
function aliases(grants: readonly string[]): string[] {
  const granted = (p: string) => grants.some((g) => isWithin(p, g));
  return symlinkCandidates().filter(([link, target]) => !granted(link) && granted(target)).map(([link]) => link);
}

let candidates: [link: string, target: string][] | undefined;

/** The symlinks at the top of "/" and in the system read set, with where they lead (once per process). */
function symlinkCandidates(): [string, string][] {
  if (candidates) return candidates;
  let top: string[] = [];
  try {
    top = readdirSync("/").map((n) => `/${n}`);
  } catch {
    // unreadable root: no aliases
  }
  const system = systemPaths("linux");
  candidates = [...new Set([...top, ...system.read, ...system.write])].flatMap((p): [string, string][] => {
    try {
      return lstatSync(p).isSymbolicLink() ? [[p, realpathSync(p)]] : [];
    } catch {
      return [];
    }
  });
  return candidates;
}
