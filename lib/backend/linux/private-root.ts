// The view of the filesystem a sandbox gets when it has a mount namespace:
// its grants (bind-mounted at their own paths, symlinks recreated), its
// working directory (empty unless granted) and /proc — nothing else exists.
import { lstatSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import type { ViewEntry } from "../../../ffi/linux-spawn.ts";
import { systemPaths } from "../../policy/system-paths.ts";

const isWithin = (path: string, dir: string) => dir === "/" || path === dir || path.startsWith(dir + "/");

/**
 * Entries for the spawn spine's private root, parents first. A grant beneath
 * another directory grant needs no mount of its own (landlock tells their
 * rights apart); a grant that vanished since the policy was resolved is left out.
 */
export function privateRootView(read: readonly string[], write: readonly string[], cwd: string, proc: boolean): ViewEntry[] {
  const entries: ViewEntry[] = [];
  const dirs: { path: string; writable: boolean }[] = [];
  const writable = new Set(write);
  const grants = [...read, ...write];
  const paths = [...new Set([...grants, ...aliases(grants)])].sort();
  for (const path of paths) {
    const rw = writable.has(path);
    // Beneath a bind of the same kind nothing more is needed; a writable grant
    // beneath a read-only one gets its own writable bind on top.
    const parent = dirs.filter((d) => isWithin(path, d.path)).at(-1);
    if (parent && (parent.writable || !rw)) continue;
    let st;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) entries.push({ kind: "symlink", path, target: readlinkSync(path) });
    else if (st.isDirectory()) {
      entries.push({ kind: rw ? "dir" : "dir-ro", path });
      dirs.push({ path, writable: rw });
    } else entries.push({ kind: rw ? "file" : "file-ro", path });
  }
  if (!dirs.some((d) => isWithin(cwd, d.path))) entries.push({ kind: "mkdir", path: cwd });
  if (proc) entries.push({ kind: "mkdir", path: "/proc" });
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
