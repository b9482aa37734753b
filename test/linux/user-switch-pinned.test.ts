// The private TMPDIR is handed to a switched uid (policy.user) by path after
// the run directory holding it was checked; a sandbox granted the temp root
// (root inside, owning every run directory of this process as cordon does)
// can swap that run directory for a symlink in between. Racing spawns this
// way gave /tmp-like host directories to uid 65534 about once in a few
// hundred spawns; here the swap is made outright before the hand-over,
// which must refuse with a typed error and leave the host directory alone.
// The twin: the same hand-over in place works.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, linuxRequirement } from "../helpers/skip.ts";

const { giveTo } = await import("../../lib/backend/linux/user-switch.ts");
const { OsError } = await import("../../lib/errors.ts");

const isRoot = process.getuid?.() === 0;
const nobody = { uid: 65534, gid: 65534 };

describeUnless(linuxRequirement(isRoot ? undefined : "handing a directory to another uid needs root"), "handing the private TMPDIR to the switched uid", () => {
  const base = mkdtempSync(join(tmpdir(), "cordon-give-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  test("a run directory swapped for a symlink to a host directory holding tmp: the hand-over is an OsError and that tmp keeps its owner; in place, the TMPDIR becomes the uid's", () => {
    const run = join(base, "run");
    const victim = join(base, "victim");
    mkdirSync(join(run, "tmp"), { recursive: true });
    mkdirSync(join(victim, "tmp"), { recursive: true });
    // The swap a racing sandbox makes.
    renameSync(run, `${run}.real`);
    symlinkSync(victim, run);
    expect(() => giveTo(nobody, [join(run, "tmp")])).toThrow(OsError);
    expect(statSync(join(victim, "tmp")).uid).toBe(0);
    // Put back: handed over.
    rmSync(run);
    renameSync(`${run}.real`, run);
    giveTo(nobody, [join(run, "tmp")]);
    expect(statSync(join(run, "tmp")).uid).toBe(65534);
  });
});
