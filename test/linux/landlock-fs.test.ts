// Filesystem escapes from a landlock sandbox, each with its positive twin:
// the child tries the forbidden thing (it must fail with the kernel's error)
// and the granted thing (it must work).
import { afterAll, beforeAll, expect } from "bun:test";
import { existsSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describeUnless, linuxRequirement, testUnless } from "../helpers/skip.ts";
import { confined, scratch, statusOf, testAbi } from "./landlock-fixture.ts";

const unmet = linuxRequirement(testAbi >= 1 ? undefined : "landlock ABI >= 1 (kernel or CORDON_LANDLOCK_ABI_CAP)");

describeUnless(unmet, "landlock filesystem confinement", () => {
  let t: ReturnType<typeof scratch>;
  beforeAll(() => {
    t = scratch();
    symlinkSync(join(t.out, "f"), join(t.rw, "to-out"));
    symlinkSync(join(t.rw, "f"), join(t.rw, "to-in"));
  });
  afterAll(() => t.cleanup());
  const run = (ops: Parameters<typeof confined>[0]) => confined(ops, { read: [t.ro], write: [t.rw] });

  testUnless(undefined, "write outside every grant is denied; inside the write grant it works", async () => {
    const { results } = await run([["write", join(t.out, "f")], ["write", join(t.out, "new")], ["write", join(t.rw, "new")]]);
    expect(results).toEqual(["EACCES", "EACCES", "ok"]);
    expect(readFileSync(join(t.out, "f"), "utf8")).toBe("data");
    expect(existsSync(join(t.out, "new"))).toBe(false);
    expect(readFileSync(join(t.rw, "new"), "utf8")).toBe("x");
  });

  testUnless(undefined, "a read grant allows reading but not writing", async () => {
    const { results } = await run([["read", join(t.ro, "f")], ["listdir", t.ro], ["write", join(t.ro, "f")]]);
    expect(results).toEqual(["ok", "ok", "EACCES"]);
  });

  testUnless(undefined, "read and listing outside every grant are denied", async () => {
    const { results } = await run([["read", join(t.out, "f")], ["listdir", t.out], ["read", join(t.rw, "f")]]);
    expect(results).toEqual(["EACCES", "EACCES", "ok"]);
  });

  testUnless(undefined, "a symlink inside the grant pointing outside does not open the outside file", async () => {
    const { results } = await run([["read", join(t.rw, "to-out")], ["write", join(t.rw, "to-out")], ["read", join(t.rw, "to-in")]]);
    expect(results).toEqual(["EACCES", "EACCES", "ok"]);
    expect(readFileSync(join(t.out, "f"), "utf8")).toBe("data");
  });

  testUnless(undefined, "mkdir, mkfifo, symlink, rmdir and unlink outside are denied; inside they work", async () => {
    const { results } = await run([
      ["mkfifo", join(t.out, "p")],
      ["symlink", "/etc/passwd", join(t.out, "s")],
      ["mkfifo", join(t.rw, "p")],
      ["symlink", "/etc/passwd", join(t.rw, "s")],
      ["mkdir", join(t.out, "d")],
      ["rmdir", join(t.out, "sub")],
      ["unlink", join(t.out, "true")],
      ["mkdir", join(t.rw, "d")],
      ["rmdir", join(t.rw, "d")],
      ["write", join(t.rw, "gone")],
      ["unlink", join(t.rw, "gone")],
    ]);
    expect(results).toEqual(["EACCES", "EACCES", "ok", "ok", "EACCES", "EACCES", "EACCES", "ok", "ok", "ok", "ok"]);
    expect(existsSync(join(t.out, "p"))).toBe(false);
    expect(statSync(join(t.out, "sub")).isDirectory()).toBe(true);
    expect(existsSync(join(t.out, "true"))).toBe(true);
  });

  testUnless(undefined, "a file cannot be renamed out of the grant; a rename in the same directory works", async () => {
    const { results } = await run([
      ["write", join(t.rw, "mv")],
      ["rename", join(t.rw, "mv"), join(t.out, "mv")],
      ["rename", join(t.rw, "mv"), join(t.ro, "mv")],
      ["rename", join(t.rw, "mv"), join(t.rw, "mv2")],
    ]);
    expect(results.slice(0, 1)).toEqual(["ok"]);
    expect(["EACCES", "EXDEV"]).toContain(results[1]!);
    expect(["EACCES", "EXDEV"]).toContain(results[2]!);
    expect(results[3]).toBe("ok");
    expect(existsSync(join(t.out, "mv"))).toBe(false);
    expect(existsSync(join(t.rw, "mv2"))).toBe(true);
  });

  testUnless(undefined, "renames and links across directories inside the grant need REFER (ABI 2); ABI 1 denies them all", async () => {
    const { results, report } = await run([
      ["write", join(t.rw, "r1")],
      ["rename", join(t.rw, "r1"), join(t.rw, "sub", "r1")],
      ["link", join(t.rw, "f"), join(t.rw, "sub", "l1")],
    ]);
    expect(statusOf(report, "fs.refer")).toBe("enforced");
    if (testAbi >= 2) expect(results).toEqual(["ok", "ok", "ok"]);
    else expect(results).toEqual(["ok", "EXDEV", "EXDEV"]);
  });

  testUnless(undefined, "a hard link of an outside file into the grant is denied; a link inside works", async () => {
    const { results } = await run([
      ["link", join(t.out, "f"), join(t.rw, "stolen")],
      ["link", join(t.ro, "f"), join(t.rw, "stolen-ro")],
      ["link", join(t.rw, "f"), join(t.rw, "f-link")],
    ]);
    expect(["EACCES", "EXDEV"]).toContain(results[0]!);
    expect(["EACCES", "EXDEV"]).toContain(results[1]!);
    expect(results[2]).toBe("ok");
    expect(existsSync(join(t.rw, "stolen"))).toBe(false);
  });

  testUnless(undefined, "truncate(2) outside the write grant is denied from ABI 3 (and reported missing below); inside it works", async () => {
    const { results, report } = await run([["truncate", join(t.ro, "f")], ["truncate", join(t.rw, "f")]]);
    expect(results[1]).toBe("ok");
    if (testAbi >= 3) {
      expect(statusOf(report, "fs.truncate")).toBe("enforced");
      expect(results[0]).toBe("EACCES");
      expect(readFileSync(join(t.ro, "f"), "utf8")).toBe("data");
    } else {
      // Below ABI 3 the kernel cannot check truncate(2): the report must say so, and it really succeeds.
      expect(statusOf(report, "fs.truncate")).toBe("not-enforced");
      expect(results[0]).toBe("ok");
    }
  });

  testUnless(undefined, "ioctl on a device needs IOCTL_DEV (ABI 5): denied under a read grant, allowed under a write grant", async () => {
    // /dev/urandom is in the system read set; the second run also grants it for writing.
    const ro = await run([["ioctl_rnd", "/dev/urandom"]]);
    const rw = await confined([["ioctl_rnd", "/dev/urandom"]], { write: ["/dev/urandom"] });
    expect(rw.results).toEqual(["ok"]);
    if (testAbi >= 5) {
      expect(statusOf(ro.report, "fs.ioctl_dev")).toBe("enforced");
      expect(ro.results).toEqual(["EACCES"]);
    } else {
      expect(statusOf(ro.report, "fs.ioctl_dev")).toBe("not-enforced");
      expect(ro.results).toEqual(["ok"]);
    }
  });

  testUnless(undefined, "a binary outside every grant cannot be executed; one inside a grant runs", async () => {
    const { results } = await run([["exec", join(t.out, "true")], ["exec", join(t.ro, "true")], ["exec", join(t.rw, "true")]]);
    expect(results).toEqual(["EACCES", "ok", "ok"]);
  });
});
