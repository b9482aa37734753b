// The private root's carve-outs beneath grants (lib/plan/carve.ts): a denied
// read is covered by an empty mode-0000 file or directory (read-only), a
// denied write and a protected path are bound read-only. Landlock cannot
// take access back beneath a granted directory, so these mounts are what
// enforces a carve-out inside a grant.
//
// A read-only bind stops writes to the path, but its parent may be writable:
// renaming the parent away and making a new one in its place would put a
// fresh, writable path where the protected one was (a new `.git` beside the
// real one, renamed). So every directory between the write grant and the
// carve-out is bound onto itself: a mount point cannot be renamed or removed
// (EBUSY), while everything inside it stays writable. A rename across such a
// directory's boundary gets EXDEV, as between two mounts (mv copies then).
import { lstatSync } from "node:fs";
import type { ViewEntry } from "../../../ffi/linux-spawn.ts";
import { GrantChangedError } from "../../errors.ts";
import { pinsOf, reachedCarve, type Carve } from "../../plan/carve.ts";
import type { GrantFds } from "./grant-fds.ts";

export type CarveOuts = Carve;

/**
 * The view entries of `carve` under the (expanded) grants: one per
 * carve-out a grant reaches, and the pins of the directories between it and
 * its outermost write grant.
 */
export function carveEntries(read: readonly string[], write: readonly string[], carve: CarveOuts, grants?: GrantFds): ViewEntry[] {
  const reached = reachedCarve({ read, write, denyRead: carve.denyRead, denyWrite: carve.readOnly });
  const entries = new Map<string, ViewEntry>();
  for (const d of reached.denyRead) entries.set(d, { kind: "deny", path: d });
  for (const d of reached.readOnly) if (!entries.has(d)) entries.set(d, { kind: kindOf(d, grants) === "dir" ? "dir-ro" : "file-ro", path: d });
  for (const p of pinsOf([...entries.keys()], write)) if (!entries.has(p)) entries.set(p, { kind: "dir", path: p });
  return [...entries.values()];
}

function kindOf(path: string, grants: GrantFds | undefined): "dir" | "file" {
  const opened = grants?.byPath.get(path)?.kind;
  if (opened) return opened === "dir" ? "dir" : "file";
  try {
    return lstatSync(path).isDirectory() ? "dir" : "file";
  } catch (e) {
    throw new GrantChangedError(path, `a carve-out is gone (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
