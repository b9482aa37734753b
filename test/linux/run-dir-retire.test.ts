// A run directory is retired when its command's tree is gone: its path is
// gone when `exited` settles (renamed to a hidden name beside it), its
// contents are removed on Bun's thread pool, whatever modes the command left;
// a hidden leftover of a cordon that died is swept by the next one.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { spawn } from "../../lib/index.ts";
import { drainRetired, makeRunDir } from "../../lib/run-dir.ts";
import { removeTree } from "../../lib/remove-tree.ts";
import { removeStaleTmpDirs } from "../../lib/stale-tmp.ts";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const scratch = mkdtempSync(join(tmpdir(), "cordon-retire-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describeUnless(notLinux, "retired run directories", () => {
  test("the TMPDIR's run directory is gone when exited settles, the hidden one after drainRetired(), a chmod-000 tree the command left included", async () => {
    const p = spawn(["/bin/sh", "-c", 'echo "$TMPDIR"; mkdir -p "$TMPDIR/a/b" && touch "$TMPDIR/a/b/f" && chmod 000 "$TMPDIR/a/b" "$TMPDIR/a"'], {}, { stdout: "pipe", stderr: "inherit" });
    const [out, code] = await Promise.all([new Response(p.stdout as ReadableStream).text(), p.exited]);
    expect(code).toBe(0);
    const run = dirname(out.trim());
    expect(basename(run)).toMatch(/^cordon-\d+-\w{6}$/);
    expect(existsSync(run)).toBe(false);
    await drainRetired();
    expect(existsSync(join(dirname(run), `.${basename(run)}`))).toBe(false);
  });

  test("a retired directory's hidden name is swept once its cordon is gone (and only then)", async () => {
    const root = mkdtempSync(join(scratch, "root-"));
    const dead = Bun.spawn(["true"]);
    await dead.exited;
    const left = join(root, `.cordon-${dead.pid}-abc123`);
    const mine = join(root, `.cordon-${process.pid}-abc123`);
    for (const d of [left, mine]) mkdirSync(join(d, "tmp"), { recursive: true });
    expect(removeStaleTmpDirs(root)).toBe(1);
    expect(readdirSync(root)).toEqual([basename(mine)]);
  });

  test("a process that exits as soon as exited settles leaves nothing under the temp root (the removal under way is finished at exit)", async () => {
    const root = mkdtempSync(join(scratch, "root-"));
    const p = Bun.spawn([process.execPath, join(import.meta.dir, "..", "fixtures", "run-dir", "exit-now.ts"), root], { stdout: "inherit", stderr: "inherit" });
    expect(await p.exited).toBe(0);
    expect(readdirSync(root)).toEqual([]);
  });

  test("the same after spawnSync(), whose spawn runs in a Worker, and an immediate exit", async () => {
    const root = mkdtempSync(join(scratch, "root-"));
    const p = Bun.spawn([process.execPath, join(import.meta.dir, "..", "fixtures", "run-dir", "sync-exit.ts"), root], { stdout: "inherit", stderr: "inherit" });
    expect(await p.exited).toBe(0);
    expect(readdirSync(root)).toEqual([]);
  });

  test("removeTree of a run directory's name that a symlink now holds removes the link, never the empty tmp and home it leads to", () => {
    const root = mkdtempSync(join(scratch, "root-"));
    const outside = mkdtempSync(join(scratch, "outside-"));
    for (const c of ["tmp", "home"]) mkdirSync(join(outside, c));
    const link = join(root, `cordon-${process.pid}-linked`);
    symlinkSync(outside, link);
    expect(removeTree(link, ["tmp", "home"])).toBe(true);
    expect(existsSync(link)).toBe(false);
    expect(readdirSync(outside).sort()).toEqual(["home", "tmp"]);
  });

  test("retire() twice, or of a directory already gone, is harmless; remove() stays synchronous", async () => {
    const root = mkdtempSync(join(scratch, "root-"));
    const a = makeRunDir(root, { home: true });
    a.retire();
    a.retire();
    const b = makeRunDir(root, { home: false });
    b.remove();
    expect(existsSync(b.dir)).toBe(false);
    await drainRetired();
    expect(readdirSync(root)).toEqual([]);
  });
});
