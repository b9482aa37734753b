// Removing a tree that another process still writes in: a sandbox granted
// the temp root can write into another run's directory while cordon removes
// it, keep it from emptying (ENOTEMPTY, so the owner's rights are restored
// and the removal tried again) and swap a directory with an attacker-chosen
// mode for a symlink to a host file (renameat2 RENAME_EXCHANGE) in a loop.
// A chmod by path after a check by path then set that mode on the host file
// (setuid from outside, world-writable from inside, where the filter refuses
// setid bits) with cordon's rights. The host file must keep its
// mode; the tree goes once the writer stops.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, notLinux } from "../helpers/skip.ts";
import { removeTree, restoreOwnerRights } from "../../lib/remove-tree.ts";

const { compile } = await import("../../lib/spawn.ts");

const python = notLinux ?? (Bun.which("python3") ? undefined : "python3 is needed for the racing renameat2 loop");

/** In `root`: a directory "d" of mode 06077 swapped with a symlink "l" to `target`, and files made, until `seconds` pass. */
const RACER = `
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
root, target, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
end = time.time() + seconds
i = 0
print("ready", flush=True)
while time.time() < end and not os.path.exists(root + ".stop"):
    try:
        d, l = os.path.join(root, "d"), os.path.join(root, "l")
        if not os.path.lexists(d):
            os.mkdir(d)
            os.chmod(d, 0o6077)
        if not os.path.lexists(l):
            os.symlink(target, l)
        libc.renameat2(-100, d.encode(), -100, l.encode(), 2)
        open(os.path.join(root, "f%d" % i), "w").close()
        i += 1
    except OSError:
        pass
`;

describeUnless(python, "removing a tree another process writes in", () => {
  const base = mkdtempSync(join(tmpdir(), "cordon-rmrace-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  test("a directory swapped for a symlink to a host file while the tree is removed: the host file keeps its mode (no setuid, not world-writable), and the tree goes once the writer stops", async () => {
    const tree = join(base, "tree");
    const target = join(base, "host-file");
    writeFileSync(target, "host");
    chmodSync(target, 0o600);
    const racer = Bun.spawn(["python3", "-c", RACER, tree, target, "20"], { stdout: "pipe", stderr: "pipe" });
    const reader = racer.stdout.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toStartWith("ready");
    let runs = 0;
    let changed: string | undefined;
    try {
      // Before the fix about one run in a few hundred met the swap; 2000 runs or 12 s.
      const end = Date.now() + 12_000;
      while (runs < 2000 && Date.now() < end && changed === undefined) {
        mkdirSync(tree, { recursive: true });
        await Bun.sleep(2);
        removeTree(tree);
        runs++;
        const mode = statSync(target).mode & 0o7777;
        if (mode !== 0o600) changed = mode.toString(8);
      }
    } finally {
      writeFileSync(`${tree}.stop`, "");
      await racer.exited;
    }
    expect(changed).toBeUndefined();
    expect(runs).toBeGreaterThan(100);
    // With the racer gone, the tree it left goes whole.
    expect(removeTree(tree)).toBe(true);
    expect(existsSync(tree)).toBe(false);
  }, 40_000);

  test("from inside: a command granted the temp root races the removal of other spawns' TMPDIRs with that swap: the host file keeps its mode, and the other spawns run", async () => {
    const target = join(base, "host-file-2");
    writeFileSync(target, "host");
    chmodSync(target, 0o600);
    const prefix = join(tmpdir(), `cordon-${process.pid}-`);
    // Every run directory of this process but its own, over and over.
    const inside = `
import ctypes, glob, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
own = os.path.dirname(os.environ["TMPDIR"])
end = time.time() + 15
i = 0
while time.time() < end:
    for root in glob.glob(${JSON.stringify(prefix)} + "*"):
        if root == own:
            continue
        for _ in range(200):
            try:
                d, l = os.path.join(root, "d"), os.path.join(root, "l")
                if not os.path.lexists(d):
                    os.mkdir(d, 0o777)
                    os.chmod(d, 0o077)  # no setid bits inside: the filter refuses them; world-writable is enough
                if not os.path.lexists(l):
                    os.symlink(${JSON.stringify(target)}, l)
                libc.renameat2(-100, d.encode(), -100, l.encode(), 2)
                open(os.path.join(root, "f%d" % i), "w").close()
                i += 1
            except OSError:
                break
`;
    const box = compile({ fs: { write: [tmpdir()] } });
    const attacker = box.spawn(["python3", "-c", inside], { stdout: "ignore", stderr: "ignore" });
    let runs = 0;
    let changed: string | undefined;
    try {
      const end = Date.now() + 12_000;
      while (Date.now() < end && changed === undefined) {
        expect((await box.run(["sh", "-c", "sleep 0.05"])).exitCode).toBe(0);
        runs++;
        const mode = statSync(target).mode & 0o7777;
        if (mode !== 0o600) changed = mode.toString(8);
      }
    } finally {
      attacker.kill();
      await attacker.exited;
      await box.close();
    }
    expect(changed).toBeUndefined();
    expect(runs).toBeGreaterThan(20);
    // A removal the racer kept from finishing left its directory (the next cordon's sweep would take it): with the racer gone, each goes whole.
    const left = readdirSync(tmpdir()).filter((n) => n.startsWith(`cordon-${process.pid}-`));
    for (const n of left) expect(removeTree(join(tmpdir(), n))).toBe(true);
  }, 40_000);
});

describeUnless(notLinux, "giving the owner's rights back while the tree changes", () => {
  test("an earlier component swapped for a symlink to a host directory after the walk listed it: the host directory's child keeps its mode; the tree's own child, unswapped, gets its rights back", () => {
    const base = mkdtempSync(join(tmpdir(), "cordon-rmmid-"));
    try {
      const hostDir = join(base, "host-dir");
      mkdirSync(join(hostDir, "s"), { recursive: true });
      chmodSync(join(hostDir, "s"), 0o500);
      const tree = join(base, "tree");
      // "d/s" lacks the owner's rwx, so the walk gives it back.
      mkdirSync(join(tree, "d", "s"), { recursive: true });
      chmodSync(join(tree, "d", "s"), 0o500);
      // Between the listing of "d" and the open of "d/s", "d" becomes a link to the host directory, which holds its own "s".
      restoreOwnerRights(tree, (path) => {
        if (path.endsWith("/d/s")) {
          renameSync(join(tree, "d"), join(tree, "d-moved"));
          symlinkSync(hostDir, join(tree, "d"));
        }
      });
      expect(statSync(join(hostDir, "s")).mode & 0o7777).toBe(0o500);
      // Positive twin: the same walk with nothing swapped gives the tree's "s" its rights.
      rmSync(join(tree, "d"));
      renameSync(join(tree, "d-moved"), join(tree, "d"));
      restoreOwnerRights(tree);
      expect(statSync(join(tree, "d", "s")).mode & 0o7777).toBe(0o700);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
