// The private root's carve-outs beneath grants: a denied read is covered by
// an empty mode-0000 file or directory (read-only), a denied write and a
// protected path (lib/policy/protected.ts) are bound read-only. Landlock
// cannot take access back beneath a granted directory, so these mounts are
// what enforces a carve-out inside a grant.
//
// A read-only bind stops writes to the path, but its parent may be writable:
// renaming the parent away and making a new one in its place would put a
// fresh, writable path where the protected one was (a new `.git` beside the
// real one, renamed). So every directory between the write grant and the
// carve-out is bound onto itself: a mount point cannot be renamed or removed
// (EBUSY), while everything inside it stays writable. A rename across such a
// directory's boundary gets EXDEV, as between two mounts (mv copies then).
import { lstatSync } from "node:fs";
import { dirname } from "node:path";
import type { ViewEntry } from "../../../ffi/linux-spawn.ts";
import { GrantChangedError } from "../../errors.ts";
import type { GrantFds } from "./grant-fds.ts";

export type CarveOuts = {
  /** Real paths nothing may read beneath. */
  readonly denyRead: readonly string[];
  /** Real paths kept read-only: denied writes and protected paths. */
  readonly readOnly: readonly string[];
};

const isWithin = (path: string, dir: string) => dir === "/" || path === dir || path.startsWith(dir + "/");
const beneath = (path: string, dir: string) => path !== dir && isWithin(path, dir);

/** The policy's carve-outs, or undefined when it has none. */
export function carveOutsOf(fs: { readonly denyRead?: readonly string[]; readonly denyWrite?: readonly string[]; readonly protected?: readonly string[] }): CarveOuts | undefined {
  const readOnly = [...(fs.denyWrite ?? []), ...(fs.protected ?? [])];
  if (!fs.denyRead?.length && !readOnly.length) return undefined;
  return { denyRead: fs.denyRead ?? [], readOnly };
}

/** Every path a carve-out's mounts are checked against (opened with the grants). */
export function carvePaths(c: CarveOuts | undefined): string[] {
  return c ? [...c.denyRead, ...c.readOnly] : [];
}

/**
 * The view entries of `carve` under the (expanded) grants: one per
 * carve-out inside a grant that would reach it, and the pins of the
 * directories between it and its outermost write grant.
 */
export function carveEntries(read: readonly string[], write: readonly string[], carve: CarveOuts, grants?: GrantFds): ViewEntry[] {
  const entries = new Map<string, ViewEntry>();
  const pins = new Set<string>();
  const pin = (path: string) => {
    const outer = write.filter((w) => beneath(path, w)).sort((a, b) => a.length - b.length)[0];
    if (outer === undefined) return; // nothing writable above it: nothing can be renamed
    for (let p = dirname(path); beneath(p, outer); p = dirname(p)) pins.add(p);
  };
  for (const d of carve.denyRead) {
    if (![...read, ...write].some((g) => beneath(d, g))) continue; // outside every grant: absent anyway
    entries.set(d, { kind: "deny", path: d });
    pin(d);
  }
  for (const d of carve.readOnly) {
    if (entries.has(d) || !write.some((w) => beneath(d, w))) continue; // not writable anyway
    entries.set(d, { kind: kindOf(d, grants) === "dir" ? "dir-ro" : "file-ro", path: d });
    pin(d);
  }
  for (const p of pins) if (!entries.has(p)) entries.set(p, { kind: "dir", path: p });
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
