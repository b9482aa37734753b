// Warm sandboxes of one box wait with their private TMPDIR and HOME made and
// granted. A command whose policy grants the temp root can write into the
// directories of the sandboxes still waiting; the next spawn must not find
// what it left there (a .profile in its HOME, a file in its TMPDIR): a
// touched sandbox is removed and the spawn gets fresh directories.
import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { compile, spawn } = await import("../../lib/spawn.ts");

/** Writes `planted` into the HOME and TMPDIR of every other run directory of this process it can see. */
const plant = `for d in ${tmpdir()}/cordon-${process.pid}-*; do [ "$d/home" = "$HOME" ] && continue; echo x > "$d/home/.profile" && echo x > "$d/tmp/planted" && echo "planted $d"; done; echo own > "$HOME/own" && echo own-written`;
const look = 'ls -A "$HOME" "$TMPDIR"; echo mine > "$HOME/mine" && echo mine-written';

describeUnless(notLinux, "warm sandboxes and the temp root granted", () => {
  test("a command granted the temp root plants files in the waiting sandboxes' HOME and TMPDIR: the next spawn starts with both empty and runs; the planting command's own HOME is written", async () => {
    await spawn(["/bin/true"], {}, { stdout: "ignore" }).exited;
    const runDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`cordon-${process.pid}-`));
    const before = runDirs();
    const box = compile({ fs: { write: [tmpdir()] } }, { warm: 2 });
    try {
      await box.warmed();
      const a = await box.run(["sh", "-c", plant]);
      expect(a.exitCode).toBe(0);
      expect(a.stdout).toContain("own-written");
      // The waiting sandbox was reached (the attack happened)...
      expect(a.stdout).toContain("planted ");
      // ...and the next spawn finds none of it.
      const b = await box.run(["sh", "-c", look]);
      expect(b.exitCode).toBe(0);
      expect(b.stdout.split("\n").filter((l) => l && !l.endsWith(":") && l !== "mine-written")).toEqual([]);
      expect(b.stdout).toContain("mine-written");
      await box.warmed();
      expect(box.warmReady).toBe(2);
    } finally {
      await box.close();
    }
    expect(runDirs()).toEqual(before);
  }, 20_000);
});
