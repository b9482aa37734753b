// The private TMPDIR is removed whatever the command left in it, and its
// removal never replaces the command's exit status. An unprivileged command
// can leave a directory chmod-ed 000, which its owner cannot list or empty
// (root can): cordon gives the owner its rights back, walking the tree
// without following symlinks, and removes it. Run as root and as uid 65534.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";
import { checkout, worldReadableCopy } from "../helpers/world-readable.ts";

const isRoot = process.getuid?.() === 0;
const asNobody = notLinux ?? linuxRequirement(!isRoot ? "switching to uid 65534 needs root" : Bun.which("setpriv") ? undefined : "setpriv(1) not installed");
const copy = asNobody === undefined ? worldReadableCopy(["ffi", "lib", "bin"]) : undefined;
const scratch = mkdtempSync(join(tmpdir(), "cordon-tmpdir-cleanup-"));
chmodSync(scratch, 0o755);
afterAll(() => {
  copy?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * The command: a tree its owner cannot enter (a/b/c and a file, then 000 from
 * the bottom up), a symlink out of the TMPDIR to `outside`, and exit 3.
 */
const script = (outside: string) =>
  `echo "$TMPDIR"; mkdir -p "$TMPDIR/a/b/c" && touch "$TMPDIR/a/b/c/f" && ln -s ${outside} "$TMPDIR/a/b/out" && chmod 000 "$TMPDIR/a/b/c" "$TMPDIR/a/b" "$TMPDIR/a" "$TMPDIR" && exit 3`;

/** A directory outside every grant, owned by `uid`, mode 0500: removal must neither enter nor chmod it. */
function outsideDir(uid: number): string {
  const dir = mkdtempSync(join(scratch, "outside-"));
  writeFileSync(join(dir, "keep"), "keep\n");
  chownSync(join(dir, "keep"), uid, uid);
  chownSync(dir, uid, uid);
  chmodSync(dir, 0o500);
  return dir;
}

/** A temp root owned by `uid` holding a dead cordon's TMPDIR (the same locked tree); returns both. */
async function staleTmpDir(uid: number) {
  const root = mkdtempSync(join(scratch, "tmproot-"));
  const dead = Bun.spawn(["true"]);
  await dead.exited;
  const stale = join(root, `cordon-${dead.pid}-abc123`);
  mkdirSync(join(stale, "a", "b"), { recursive: true });
  writeFileSync(join(stale, "a", "b", "f"), "x");
  for (const d of [root, stale, join(stale, "a"), join(stale, "a", "b"), join(stale, "a", "b", "f")]) chownSync(d, uid, uid);
  for (const d of [join(stale, "a", "b"), join(stale, "a")]) chmodSync(d, 0);
  return { root, stale };
}

async function check(prefix: string[], bun: string, bin: string, cwd: string, uid: number) {
  const outside = outsideDir(uid);
  const { root, stale } = await staleTmpDir(uid);
  const p = Bun.spawn([...prefix, bun, bin, "run", "--", "sh", "-c", script(outside)], {
    cwd,
    env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: cwd, TMPDIR: root },
    stdout: "pipe",
    stderr: "pipe",
    timeout: 30_000,
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  const tmp = out.trim();
  // The TMPDIR lives in the run's directory (beside its HOME); both go.
  expect({ code, err, tmp }).toEqual({ code: 3, err: "", tmp: expect.stringMatching(/\/cordon-\d+-\w{6}\/tmp$/) });
  expect(existsSync(dirname(tmp))).toBe(false);
  expect(existsSync(stale)).toBe(false);
  // Nothing of this run is left under the temp root either: a run directory retired at exit (renamed to a
  // hidden name, removed on Bun's thread pool) is removed before the process exits.
  expect(readdirSync(root)).toEqual([]);
  expect({ mode: statSync(outside).mode & 0o7777, entries: readdirSync(outside) }).toEqual({ mode: 0o500, entries: ["keep"] });
}

describeUnless(notLinux, "the private TMPDIR after a command that locked itself out of it", () => {
  const uid = process.getuid?.() ?? 0;
  test(`as the caller (uid ${uid}${isRoot ? ", root" : ""}): exit status 3 is the command's, the TMPDIR is gone, a symlink out of it is not followed, a dead cordon's locked TMPDIR is swept`, async () => {
    await check([], process.execPath, join(checkout, "bin", "cordon.ts"), scratch, uid);
  }, 40_000);
});

describeUnless(asNobody, "the private TMPDIR after a command that locked itself out of it (cordon as uid 65534)", () => {
  test("as uid 65534: exit status 3 is the command's (not 125), the chmod-000 tree is removed, a symlink out of it is not followed, a dead cordon's locked TMPDIR is swept", async () => {
    await check(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], copy!.bun, join(copy!.dir, "bin", "cordon.ts"), copy!.dir, 65534);
  }, 40_000);
});
