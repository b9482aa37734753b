// Run directories made ahead. A run directory is three metadata writes on the
// temp root's filesystem (mkdtemp, then tmp and home), made on the JS thread;
// while the disk is busy each may wait for a journal commit (over 1 ms per
// spawn, measured on a shared machine). Spares are made on Bun's thread pool
// under a hidden name (.cordon-<pid>-XXXXXX, so no run directory shows before
// a run takes one), checked when taken — a directory, not a symlink, this
// uid's, mode 0700, holding only its empty tmp (and home), alike — and
// renamed to a run's name: one metadata write. At most SPARES_MAX per temp
// root and shape; removed after SPARES_IDLE_MS unused, at exit, and, after a
// crash, by the next cordon's sweep (stale-tmp.ts knows the hidden names).
// Only for runs that keep the caller's uid, in the main thread (a Worker's
// realm has no exit of its own to clean up in).
import { lstatSync, readdirSync, renameSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { removeTree, removeTreeSettled } from "./remove-tree.ts";
import { tmpPrefix } from "./stale-tmp.ts";

const SPARES_MAX = 2;
const SPARES_IDLE_MS = 2000;

const ready = new Map<string, string[]>();
/** Runs served by a spare, and runs that found none ready (tests). */
export const spareCounts = { taken: 0, missed: 0 };

/** The spares ready for `root` (a real path) and shape, oldest first: made whole, not yet taken (tests). */
export function readySpares(root: string, home: boolean): readonly string[] {
  return [...(ready.get(keyOf(root, home)) ?? [])];
}
const filling = new Map<string, Promise<void>>();
let idle: ReturnType<typeof setTimeout> | undefined;
let exitHook = false;

const keyOf = (root: string, home: boolean) => `${home ? "h" : "t"}${root}`;
const children = (home: boolean) => (home ? ["home", "tmp"] : ["tmp"]);

/**
 * Removes a spare: its children and itself by one rmdir each, or whatever a
 * spoiled one holds (removeTree follows no symlink inside); `settled`: tried
 * again while it is there (at exit). Anything but a directory there now (a
 * symlink planted under its name) is left alone. Never throws (the next
 * sweep tries again).
 */
function removeSpare(spare: string, home: boolean, settled = false): void {
  try {
    if (!lstatSync(spare).isDirectory()) return;
  } catch {
    return;
  }
  if (settled) removeTreeSettled(spare, children(home));
  else removeTree(spare, children(home));
}

/** Whether `path` is a directory of this uid with mode 0700 (lstat: a symlink is not), and its inode. */
function ownDir(path: string): number | undefined {
  const st = lstatSync(path);
  const uid = process.geteuid?.();
  return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o7777) === 0o700 ? st.ino : undefined;
}

/**
 * The spare as made: this uid's directory, mode 0700, holding exactly its
 * children, each a directory (not a symlink) and empty. Their own modes are
 * not read: behind a 0700 directory of this uid nobody else reaches them.
 */
function intact(spare: string, home: boolean): number | undefined {
  try {
    const ino = ownDir(spare);
    if (ino === undefined) return undefined;
    const entries = readdirSync(spare, { withFileTypes: true });
    if (entries.map((e) => e.name).sort().join("/") !== children(home).join("/") || !entries.every((e) => e.isDirectory())) return undefined;
    for (const e of entries) if (readdirSync(join(spare, e.name)).length > 0) return undefined;
    return ino;
  } catch {
    return undefined;
  }
}

/** Spares whose children are still being made: removed at exit too. */
const making = new Map<string, boolean>();

async function makeOne(root: string, home: boolean): Promise<string> {
  const spare = await mkdtemp(join(root, `.${tmpPrefix()}`));
  making.set(spare, home);
  try {
    for (const c of children(home)) await mkdir(join(spare, c), { mode: 0o700 });
  } finally {
    making.delete(spare);
  }
  return spare;
}

function fill(root: string, home: boolean): void {
  const key = keyOf(root, home);
  if (filling.has(key) || (ready.get(key)?.length ?? 0) >= SPARES_MAX) return;
  if (!exitHook) {
    exitHook = true;
    process.on("exit", drainAtExit);
  }
  const run = (async () => {
    while ((ready.get(key)?.length ?? 0) < SPARES_MAX) {
      const spare = await makeOne(root, home);
      const list = ready.get(key) ?? [];
      ready.set(key, list);
      list.push(spare);
    }
  })()
    .catch(() => {
      // A root that refuses (full, read-only): runs make their directory as before.
    })
    .finally(() => {
      filling.delete(key);
      armIdle();
    });
  filling.set(key, run);
}

function armIdle(): void {
  if (idle) return void idle.refresh();
  idle = setTimeout(() => {
    idle = undefined;
    drainSparesNow();
  }, SPARES_IDLE_MS);
  idle.unref?.();
}

/**
 * A run directory for `root` (a real path) with tmp (and home), made ahead,
 * renamed to a run's name (cordon-<pid>-XXXXXX) and checked again there; or
 * undefined (none ready, or one that is no longer as made, which is then
 * removed). Either way more are made for the next run.
 */
export function takeSpare(root: string, home: boolean): string | undefined {
  const key = keyOf(root, home);
  const spare = ready.get(key)?.shift();
  // Refilled after this turn: starting the thread pool's work is not the spawn's to wait for.
  setImmediate(() => fill(root, home));
  armIdle();
  if (spare === undefined) {
    spareCounts.missed++;
    return undefined;
  }
  const ino = intact(spare, home);
  if (ino === undefined) {
    removeSpare(spare, home);
    return undefined;
  }
  const dir = join(dirname(spare), basename(spare).slice(1));
  try {
    renameSync(spare, dir);
    // The name now holds the directory checked (rename replaces whatever was at `dir`).
    if (ownDir(dir) === ino) {
      spareCounts.taken++;
      return dir;
    }
    removeSpare(dir, home);
  } catch {
    removeSpare(spare, home);
  }
  return undefined;
}

/** Removes every spare now (idle, exit, leak checks); fills under way add theirs later. */
function drainSparesNow(): void {
  for (const [key, list] of ready) for (const spare of list.splice(0)) removeSpare(spare, key.startsWith("h"));
}

/** At exit: the spares, and those still being made (the thread pool may add a child meanwhile: tried again). */
function drainAtExit(): void {
  drainSparesNow();
  for (const [spare, home] of making) removeSpare(spare, home, true);
}

/** Settles once no spare is being made, and removes every spare (leak checks, tests). */
export async function drainSpareRunDirs(): Promise<void> {
  while (filling.size > 0) await Promise.all([...filling.values()]);
  drainSparesNow();
}
