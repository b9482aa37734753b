// A compiled sandbox resolves its policy anew for each spawn (a private
// TMPDIR and HOME each), but its grants are the ones compile() resolved and
// reported: a grant path swapped for a symlink (or another file) between two
// spawns would otherwise carry the grant to wherever it leads now. A later
// resolution must name the same real paths, and the same files, as the
// first; the run's own directory is each spawn's and is left out.
import { GrantChangedError } from "../errors.ts";
import { identitiesOf } from "./identity.ts";
import type { ResolvedPolicy } from "./types.ts";

/** The granted paths of `p` (run directory left out) with what they named when resolved. */
function grants(p: ResolvedPolicy): Map<string, string> {
  const ids = identitiesOf(p);
  const out = new Map<string, string>();
  const add = (kind: string, path: string) => {
    if (path === p.runDir) return;
    const id = ids.get(path);
    out.set(`${kind} ${path}`, id ? `${id.dev}:${id.ino}` : "");
  };
  p.fs.read.forEach((path) => add("read", path));
  p.fs.write.forEach((path) => add("write", path));
  (p.fs.links ?? []).forEach((path) => add("link", path));
  add("cwd", p.cwd);
  return out;
}

/** Throws GrantChangedError unless `next` grants what `first` did, file for file. */
export function checkSameGrants(first: ResolvedPolicy, next: ResolvedPolicy): void {
  const was = grants(first);
  const now = grants(next);
  for (const [key, id] of was) {
    const path = key.slice(key.indexOf(" ") + 1);
    if (!now.has(key)) throw new GrantChangedError(path, "it resolves to another path than at compile()");
    if (now.get(key) !== id) throw new GrantChangedError(path, "another file is there than at compile()");
  }
  for (const key of now.keys()) if (!was.has(key)) throw new GrantChangedError(key.slice(key.indexOf(" ") + 1), "a grant resolves where it did not at compile()");
}
