// Run directories made ahead (lib/run-dir-spares.ts): the next run takes one
// (renamed from its hidden name), one that is no longer as it was made is
// never used, and none is left once drained or at exit.
import { afterAll, afterEach, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { readySpares, spareCounts } from "../../lib/run-dir-spares.ts";
import { drainRetired, makeRunDir } from "../../lib/run-dir.ts";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const scratch = realpathSync(mkdtempSync(join(tmpdir(), "cordon-spares-")));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => drainRetired());

/** The spares made since `seen`, whole and ready to be taken (waits until there are `n`; a name listed in `root` may still lack its children). */
async function sparesIn(root: string, n: number, seen: readonly string[] = []): Promise<string[]> {
  const fresh = () => readySpares(root, true).map((p) => basename(p)).filter((s) => !seen.includes(s));
  for (let i = 0; i < 400 && fresh().length < n; i++) await Bun.sleep(5);
  return fresh();
}

describeUnless(notLinux, "run directories made ahead", () => {
  test("after a run, spares wait under hidden names and the next run takes one (its tmp and home empty, mode 0700), renamed to a run's name", async () => {
    const root = mkdtempSync(join(scratch, "root-"));
    const first = makeRunDir(root, { home: true });
    const spares = await sparesIn(root, 2);
    expect(spares.length).toBe(2);
    const taken = spareCounts.taken;
    const second = makeRunDir(root, { home: true });
    expect(spareCounts.taken).toBe(taken + 1);
    expect(spares.map((s) => s.slice(1))).toContain(basename(second.dir));
    expect(basename(second.dir)).toMatch(new RegExp(`^cordon-${process.pid}-\\w{6}$`));
    expect(readdirSync(second.dir).sort()).toEqual(["home", "tmp"]);
    expect(readdirSync(second.tmp)).toEqual([]);
    first.remove();
    second.remove();
    await drainRetired();
    expect(readdirSync(root)).toEqual([]);
  });

  test("a spare tampered with while it waits (a file planted in its tmp, a mode changed, swapped for a symlink) is removed, never used: the run gets a fresh, empty directory", async () => {
    const root = mkdtempSync(join(scratch, "root-"));
    const outside = mkdtempSync(join(scratch, "outside-"));
    // Empty directories named as a spare's children: a removal through a planted symlink would take them.
    for (const c of ["tmp", "home"]) mkdirSync(join(outside, c));
    makeRunDir(root, { home: true }).remove();
    let spares = await sparesIn(root, 2);
    // One planted file, one mode widened: both spares spoiled.
    writeFileSync(join(root, spares[0]!, "tmp", "planted"), "x");
    chmodSync(join(root, spares[1]!), 0o755);
    for (const spoiled of spares) {
      const run = makeRunDir(root, { home: true });
      expect(basename(run.dir)).not.toBe(spoiled.slice(1));
      expect(readdirSync(run.tmp)).toEqual([]);
      run.remove();
    }
    // A spare replaced by a symlink to a directory outside: not followed, not used.
    spares = await sparesIn(root, 2, spares);
    for (const s of spares) {
      rmSync(join(root, s), { recursive: true });
      symlinkSync(outside, join(root, s));
    }
    for (const s of spares) {
      const run = makeRunDir(root, { home: true });
      expect(realpathSync(run.dir)).toBe(run.dir);
      expect(run.dir.startsWith(root)).toBe(true);
      expect(basename(run.dir)).not.toBe(s.slice(1));
      run.remove();
    }
    expect(readdirSync(outside).sort()).toEqual(["home", "tmp"]);
    await drainRetired();
    // What is left is the planted symlinks only: the spoiled spares were removed whole.
    expect(readdirSync(root).sort()).toEqual([...spares].sort());
    expect(existsSync(outside)).toBe(true);
  });

  test("a process that exits right after its runs leaves no spare behind", async () => {
    const root = mkdtempSync(join(scratch, "root-"));
    const p = Bun.spawn([process.execPath, join(import.meta.dir, "..", "fixtures", "run-dir", "exit-now.ts"), root], { stdout: "inherit", stderr: "inherit" });
    expect(await p.exited).toBe(0);
    expect(readdirSync(root)).toEqual([]);
  });
});
