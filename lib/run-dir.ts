// Each run's own directory, made beneath the temp root and removed after the
// run: `tmp` (its TMPDIR) and, unless the policy names a home, `home` (its
// HOME), both empty. The directory is one write grant, so a run adds one
// bind and one landlock rule whatever it holds; it keeps the cordon-<pid>-
// name and the caller as owner, so a cordon that died leaves nothing the next
// one's sweep (stale-tmp.ts) cannot remove. Under another uid the two
// directories are that uid's, and the run directory only lets it pass.
import { chmodSync, lchownSync, mkdirSync, mkdtempSync, realpathSync, renameSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isMainThread } from "node:worker_threads";
import { PolicyError } from "./errors.ts";
import { inPinnedDir } from "./pinned-dir.ts";
import { removeTree, removeTreeSettled } from "./remove-tree.ts";
import { drainSpareRunDirs, takeSpare } from "./run-dir-spares.ts";
import { removeStaleTmpDirs, tmpPrefix } from "./stale-tmp.ts";

export type RunDir = {
  /** The run's directory (the write grant); removed by `remove`. */
  readonly dir: string;
  readonly tmp: string;
  /** Absent when the policy names its own home. */
  readonly home?: string;
  /** Removes the whole directory, whatever modes the command left. Idempotent; never throws. */
  readonly remove: () => void;
  /**
   * The same for a run that ended: the directory's path is gone when this
   * returns (renamed to a hidden name beside it), its contents are removed
   * on Bun's thread pool (retireDir below). Falls back to `remove`.
   */
  readonly retire: () => void;
};

/** Removals under way on Bun's thread pool, by hidden path. */
const retiring = new Map<string, Promise<void>>();
let exitHook = false;

/**
 * Removing a run directory on ext4 costs about 50 µs per directory in the
 * kernel (more while the disk is busy), on the JS thread; a rename costs one.
 * The hidden name keeps the cordon-<pid>- part: a cordon that dies first
 * leaves it to the next one's sweep (stale-tmp.ts), and this process removes
 * what is still under way when it exits.
 */
function retireDir(dir: string, remove: () => void): void {
  const hidden = join(dirname(dir), `.${basename(dir)}`);
  try {
    renameSync(dir, hidden);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") remove();
    return;
  }
  if (!exitHook) {
    exitHook = true;
    process.on("exit", () => {
      for (const h of retiring.keys()) removeTreeSettled(h);
    });
  }
  const done = rm(hidden, { recursive: true, force: true })
    .catch(() => void removeTree(hidden)) // modes the command left (chmod 000): the walk that restores them
    .finally(() => retiring.delete(hidden));
  retiring.set(hidden, done);
}

/** Settles once every retired run directory is removed and no spare is left (leak checks, tests). */
export async function drainRetired(): Promise<void> {
  while (retiring.size > 0) await Promise.all([...retiring.values()]);
  await drainSpareRunDirs();
}

/** Temp roots already swept of dead cordons' directories by this process. */
const swept = new Set<string>();
/** Real paths of temp roots; a root is not expected to move while cordon runs. */
const realRoots = new Map<string, string>();

function realRoot(root: string): string {
  let real = realRoots.get(root);
  if (real === undefined) {
    real = realpathSync(root);
    realRoots.set(root, real);
  }
  return real;
}

/** Makes the run's directory beneath `root`; `owner` is the uid and gid the command runs as, when not the caller's. */
export function makeRunDir(root: string, o: { readonly home: boolean; readonly owner?: { readonly uid: number; readonly gid: number } | undefined }): RunDir {
  if (!swept.has(root)) {
    // Once per process: a dead cordon's directory does not come back while this one runs.
    swept.add(root);
    removeStaleTmpDirs(root);
  }
  const giveTo = o.owner && o.owner.uid !== process.geteuid?.() ? o.owner : undefined;
  // Made ahead where it can be (run-dir-spares.ts), else now; beneath the root's real path, so its path is real too.
  const spare = giveTo === undefined && isMainThread ? takeSpare(realRoot(root), o.home) : undefined;
  const dir = spare ?? mkdtempSync(join(realRoot(root), tmpPrefix()));
  // Never throws: a tree that cannot be removed must not replace the command's exit status; the next sweep tries again.
  const own = o.home ? ["tmp", "home"] : ["tmp"];
  const remove = () => void removeTree(dir, own);
  const tmp = join(dir, "tmp");
  const home = o.home ? join(dir, "home") : undefined;
  // A spare was made and checked as these are (run-dir-spares.ts); a fresh one is made now.
  if (spare === undefined) {
    try {
      // Through the directory made, never a symlink put in its place meanwhile (pinned-dir.ts); lchown follows nothing placed inside.
      inPinnedDir(dir, (at) => {
        for (const d of own) mkdirSync(join(at, d), 0o700);
        if (giveTo) {
          try {
            for (const d of own) lchownSync(join(at, d), giveTo.uid, giveTo.gid);
            chmodSync(at, 0o711);
          } catch (e) {
            throw new PolicyError("user", `cannot give the private TMPDIR and HOME to uid ${giveTo.uid}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
          }
        }
      });
    } catch (e) {
      remove();
      throw e;
    }
  }
  // In a Worker (spawnSync runs spawn() in one), nothing runs at the process's exit on this realm's behalf: removed at once there.
  return { dir, tmp, ...(home && { home }), remove, retire: isMainThread ? () => retireDir(dir, remove) : remove };
}
