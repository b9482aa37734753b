// A compiled sandbox resolves its policy anew for each spawn (a private
// TMPDIR and HOME each), but its grants are the ones compile() resolved and
// reported: a grant path swapped for a symlink between two spawns would
// otherwise carry the grant to wherever the symlink leads now. A later
// resolution must grant the same real paths as the first (the run's own
// directory is each spawn's and is left out). A file replaced at the same
// path (an editor's atomic save) is still that grant; the spawn's own
// resolution pins it against a swap while the spawn starts (grant-fds.ts).
import { GrantChangedError } from "../errors.ts";
import type { ResolvedPolicy } from "./types.ts";

/** The granted real paths of `p` by kind, the run directory left out. */
function grants(p: ResolvedPolicy): string[] {
  const own = (path: string) => path !== p.runDir;
  return [
    ...p.fs.read.filter(own).map((path) => `read ${path}`),
    ...p.fs.write.filter(own).map((path) => `write ${path}`),
    ...(p.fs.links ?? []).map((path) => `link ${path}`),
    `cwd ${p.cwd}`,
  ];
}

const pathOf = (key: string) => key.slice(key.indexOf(" ") + 1);

/** Throws GrantChangedError unless `next` grants the real paths `first` did. */
export function checkSameGrants(first: ResolvedPolicy, next: ResolvedPolicy): void {
  const was = new Set(grants(first));
  const now = new Set(grants(next));
  for (const key of was) if (!now.has(key)) throw new GrantChangedError(pathOf(key), "it resolves to another path than at compile()");
  for (const key of now) if (!was.has(key)) throw new GrantChangedError(pathOf(key), "a grant resolves here that did not at compile()");
}
