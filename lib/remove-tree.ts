// Removes a directory tree a sandbox wrote, whatever modes it left behind: a
// directory an unprivileged command chmod-ed to 000 cannot be listed or
// emptied, even by its owner, until the owner takes the rights back. Nothing
// is followed: symlinks are removed as links, so neither the walk nor a chmod
// ever leaves the tree.
import { chmodSync, closeSync, constants, fstatSync, lchmodSync, lstatSync, openSync, readdirSync, readlinkSync, realpathSync, rmdirSync, rmSync, type Stats } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UAPI_SHARED } from "../ffi/generated/linux-tables.ts";

/** An fd naming the file itself, whatever its mode (Linux). */
const { O_PATH } = UAPI_SHARED;

/**
 * The mode of the directory entry `path` itself and a chmod of exactly it.
 * A process still writing in the tree (another sandbox granted the temp
 * root) may swap a directory for a symlink between a check by path and a
 * chmod by path, which would then change the mode of whatever the symlink
 * names, with this process's rights. Linux: an O_PATH fd opened without
 * following (any mode), changed through its /proc/self/fd link, and only if
 * that link reads back as `path`: O_NOFOLLOW covers the last component only,
 * and an earlier one swapped for a symlink since the walk listed it would
 * lead the open out of the tree. macOS: lchmod, which changes a symlink
 * itself (an earlier component swapped there is not caught).
 */
function entryOf(path: string): { readonly st: Stats; readonly chmod: (mode: number) => void; readonly dir: string; readonly close: () => void } {
  if (process.platform === "linux") {
    const fd = openSync(path, O_PATH | constants.O_NOFOLLOW);
    const at = `/proc/self/fd/${fd}`;
    try {
      if (readlinkSync(at) !== path) throw new Error(`${path} left the tree while it was walked`);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return { st: fstatSync(fd), chmod: (mode) => chmodSync(at, mode), dir: at, close: () => closeSync(fd) };
  }
  const change = lchmodSync ?? chmodSync;
  return { st: lstatSync(path), chmod: (mode) => change(path, mode), dir: path, close: () => {} };
}

/**
 * Gives the owner rwx on every directory of the tree it owns; files keep their
 * modes (unlink needs none). `beforeEntry` is for tests: it runs before each
 * entry is opened, where another process could change the tree.
 */
export function restoreOwnerRights(root: string, beforeEntry?: (path: string) => void): void {
  const euid = process.geteuid?.();
  // The walk goes by the real path, which each entry's fd must read back as
  // (the parent's: `root` itself is opened without following, as any entry).
  let real: string;
  try {
    real = join(realpathSync(dirname(root)), basename(root));
  } catch {
    return;
  }
  // A stack, not recursion: the command chose the depth.
  const pending = [real];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let entry: ReturnType<typeof entryOf> | undefined;
    try {
      beforeEntry?.(dir);
      entry = entryOf(dir);
      const { st } = entry;
      if (!st.isDirectory()) continue;
      // Never a mode change on what another user owns (CAP_FOWNER would allow it).
      if ((st.mode & 0o700) !== 0o700 && (euid === undefined || st.uid === euid)) entry.chmod((st.mode & 0o7777) | 0o700);
      for (const name of readdirSync(entry.dir)) pending.push(join(dir, name));
    } catch {
      // Gone, or not ours: the removal below says what is left.
    } finally {
      entry?.close();
    }
  }
}

/** Whether `path` itself (not what a symlink there names) is a directory. */
function isDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * removeTree at process exit, where Bun's thread pool may still be removing
 * (or making) in the same tree: a walk that meets its changes fails, so it is
 * tried again while `root` is there (a few times; the next sweep does the rest).
 */
export function removeTreeSettled(root: string, children: readonly string[] = []): void {
  for (let i = 0; i < 5; i++) {
    removeTree(root, children);
    try {
      lstatSync(root);
    } catch {
      return;
    }
  }
}

/** rmdir that says whether `path` is gone (removed now, or never there); any other failure is false. */
function rmdirGone(path: string): boolean {
  try {
    rmdirSync(path);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/**
 * Removes `root` and everything beneath it. Never throws: returns false when
 * something is left (a later sweep of stale TMPDIRs tries again). `children`:
 * the directories the caller made in `root` (a run directory's tmp and home),
 * tried first with one rmdir each: most sandboxes leave them empty, and a
 * failed rmdir or a recursive removal costs an exception and a walk (about
 * 0.5 ms of the JS thread) where the removal is not retired to the thread
 * pool (run-dir.ts): Workers, failed spawns, spares.
 */
export function removeTree(root: string, children: readonly string[] = []): boolean {
  // Through `children` by path only while `root` is a directory: a symlink planted under its name would lead those rmdirs elsewhere.
  if (children.length > 0 && isDirectory(root) && children.every((c) => rmdirGone(join(root, c))) && rmdirGone(root)) return true;
  if (children.length === 0 && rmdirGone(root)) return true;
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
