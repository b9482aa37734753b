// What the tree left in its run directory (private TMPDIR and HOME), removed once the tree is gone
// (no process holds a handle in it any more), entry by entry. The portable
// layer then removes the empty directory. Bun's recursive rmSync fails under
// Wine 8 (EFAULT, measured), and its failure would become the run's.
import { readdirSync, rmdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";

export function emptyDir(dir: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // gone already
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    try {
      if (e.isDirectory()) {
        emptyDir(path);
        rmdirSync(path);
      } else unlinkSync(path);
    } catch {
      // left for the portable layer's own removal to report
    }
  }
}
