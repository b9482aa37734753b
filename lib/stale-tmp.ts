// Private TMPDIRs are named after the cordon process that made them
// (cordon-<pid>-XXXXXX). One left behind by a cordon that was killed before
// it could clean up is removed by the next one: only ours (same uid), and
// only when its maker is gone, so a live sandbox's directory is never touched.
// Limit: cordons in different PID namespaces sharing one temp directory under
// the same uid cannot see each other; give each its own TMPDIR root
// (os.tmpdir() follows $TMPDIR).
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { removeTree } from "./remove-tree.ts";

export function tmpPrefix(pid = process.pid): string {
  return `cordon-${pid}-`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes TMPDIRs under `root` whose cordon process no longer exists. Returns how many. */
export function removeStaleTmpDirs(root: string): number {
  let removed = 0;
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    // A leading dot: a run directory retired (run-dir.ts) whose removal its cordon did not finish.
    const pid = Number(/^\.?cordon-(\d+)-[A-Za-z0-9]{6}$/.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    const dir = join(root, name);
    try {
      // lstat: a symlink planted under that name (by anyone) is not a TMPDIR of ours.
      const st = lstatSync(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
    } catch {
      continue; // raced with another cleaner
    }
    if (removeTree(dir)) removed++;
  }
  return removed;
}
