// Removes a directory tree a sandbox wrote, whatever modes it left behind: a
// directory an unprivileged command chmod-ed to 000 cannot be listed or
// emptied, even by its owner, until the owner takes the rights back. Nothing
// is followed: symlinks are removed as links, so neither the walk nor a chmod
// ever leaves the tree.
import { chmodSync, lstatSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Gives the owner rwx on every directory of the tree it owns; files keep their modes (unlink needs none). */
function restoreOwnerRights(root: string): void {
  const euid = process.geteuid?.();
  // A stack, not recursion: the command chose the depth.
  const pending = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory()) continue;
      // Never a mode change on what another user owns (CAP_FOWNER would allow it).
      if ((st.mode & 0o700) !== 0o700 && (euid === undefined || st.uid === euid)) chmodSync(dir, (st.mode & 0o7777) | 0o700);
      for (const name of readdirSync(dir)) pending.push(join(dir, name));
    } catch {
      // Gone, or not ours: the removal below says what is left.
    }
  }
}

/**
 * Removes `root` and everything beneath it. Never throws: returns false when
 * something is left (a later sweep of stale TMPDIRs tries again).
 */
export function removeTree(root: string): boolean {
  // Most sandboxes leave their TMPDIR empty: one rmdir.
  try {
    rmdirSync(root);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      rmSync(root, { recursive: true, force: true });
      return true;
    } catch {
      if (attempt === 0) restoreOwnerRights(root);
    }
  }
  return false;
}
