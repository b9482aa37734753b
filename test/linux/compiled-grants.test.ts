// A compiled sandbox's grants are the files compile() resolved: each spawn
// resolves the policy anew (its own TMPDIR and HOME), and a grant path
// swapped for a symlink to an outside directory between two spawns must be
// refused (GrantChangedError, nothing run), not followed to where it leads.
// Tried with a command writing through the grant's path, checked on the host.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { compile } = await import("../../lib/spawn.ts");
const { GrantChangedError } = await import("../../lib/errors.ts");

const base = mkdtempSync(join(tmpdir(), "cordon-compiled-grants-"));
const granted = join(base, "w");
const outside = join(base, "outside");
mkdirSync(granted);
mkdirSync(outside);
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Puts a symlink to `outside` where the grant was; `restore()` puts the directory back. */
function swap() {
  renameSync(granted, `${granted}.real`);
  symlinkSync(outside, granted);
  return () => {
    rmSync(granted);
    renameSync(`${granted}.real`, granted);
  };
}

const write = (name: string) => ["sh", "-c", `echo x > ${granted}/${name}`];

describeUnless(notLinux, "a compiled sandbox's grants between its spawns", () => {
  test("a grant swapped for a symlink between two spawns of one box: the second is refused with GrantChangedError and nothing lands outside; put back, spawns write into the grant again", async () => {
    const box = compile({ fs: { write: [granted] } });
    try {
      expect((await box.run(write("a"))).exitCode).toBe(0);
      const restore = swap();
      try {
        expect(() => box.spawn(write("b"), { stdout: "ignore" })).toThrow(GrantChangedError);
      } finally {
        restore();
      }
      expect(readdirSync(outside)).toEqual([]);
      expect((await box.run(write("c"))).exitCode).toBe(0);
      expect(readdirSync(granted).sort()).toEqual(["a", "c"]);
    } finally {
      await box.close();
    }
  });

  test("a warm box whose grant is swapped for a symlink as a spawn takes a waiting sandbox: the refill is not made on the outside directory, the next spawn is refused, nothing lands outside", async () => {
    const box = compile({ fs: { write: [granted] } }, { warm: 1 });
    try {
      await box.warmed();
      const a = box.spawn(write("d"), { stdout: "ignore" });
      // The refill resolves the policy after this (on the event loop): it meets the symlink.
      const restore = swap();
      try {
        expect(await a.exited).toBe(0);
        await box.warmed();
        expect(box.warmReady).toBe(0);
        expect(() => box.spawn(write("e"), { stdout: "ignore" })).toThrow(GrantChangedError);
      } finally {
        restore();
      }
      expect(readdirSync(outside)).toEqual([]);
      expect((await box.run(write("f"))).exitCode).toBe(0);
      expect(readdirSync(granted)).toContain("f");
    } finally {
      await box.close();
    }
  }, 20_000);

  test("a granted file replaced at its path between two spawns (an editor's atomic save) is still the grant: the next spawn reads the new content", async () => {
    const file = join(base, "config");
    writeFileSync(file, "one");
    const box = compile({ fs: { read: [file] } });
    try {
      expect((await box.run(["cat", file])).stdout).toBe("one");
      writeFileSync(`${file}.new`, "two");
      renameSync(`${file}.new`, file);
      expect((await box.run(["cat", file])).stdout).toBe("two");
      expect(readFileSync(file, "utf8")).toBe("two");
    } finally {
      await box.close();
    }
  });
});
