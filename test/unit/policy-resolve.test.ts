// resolvePolicy: relative grants resolve against the base, symlinks to their
// targets, a missing path is a PolicyError naming it; each resolution gets
// its own directory holding an empty TMPDIR and HOME, which cleanup() removes.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PolicyError } from "../../lib/errors.ts";
import { resolvePolicy, resolveUser } from "../../lib/resolve-policy.ts";
import { drainRetired } from "../../lib/run-dir.ts";
import { testUnless } from "../helpers/skip.ts";

// A run directory cleaned up is removed on Bun's thread pool (run-dir.ts): settled before the next test looks at the temp root.
afterEach(() => drainRetired());

const scratch = realpathSync(mkdtempSync(join(tmpdir(), "cordon-resolve-test-")));
mkdirSync(join(scratch, "data"));
mkdirSync(join(scratch, "tmproot"));
writeFileSync(join(scratch, "data", "file"), "x");
symlinkSync(join(scratch, "data"), join(scratch, "link"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const opts = { base: scratch, tmpRoot: join(scratch, "tmproot"), env: { HOME: "/srv/user-x", TMPDIR: "/elsewhere" } };

function policyErrorOf(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("resolvePolicy", () => {
  test("relative and symlinked grants become real absolute paths", () => {
    const { policy, cleanup } = resolvePolicy({ fs: { read: ["data/file", "link"], write: ["./data"], system: false } }, opts);
    try {
      expect(policy.fs.read).toEqual([join(scratch, "data", "file"), join(scratch, "data")]);
      expect(policy.fs.write).toEqual([join(scratch, "data"), policy.runDir!]);
    } finally {
      cleanup();
    }
  });

  test("the symlinks on the way to a grant as spelled are listed where the lookup meets them; none, no list", () => {
    mkdirSync(join(scratch, "x"), { recursive: true });
    symlinkSync(join(scratch, "x"), join(scratch, "l1"));
    symlinkSync("../data", join(scratch, "x", "l2")); // relative: resolved from x
    try {
      const { policy, cleanup } = resolvePolicy({ fs: { read: ["l1/l2/file", "link"], system: false } }, opts);
      cleanup();
      expect(policy.fs.read).toEqual([join(scratch, "data", "file"), join(scratch, "data")]);
      expect(policy.fs.links).toEqual([join(scratch, "l1"), join(scratch, "x", "l2"), join(scratch, "link")]);
      const plain = resolvePolicy({ fs: { read: ["data"], system: false } }, opts);
      plain.cleanup();
      expect(plain.policy.fs.links).toBeUndefined();
    } finally {
      rmSync(join(scratch, "l1"));
      rmSync(join(scratch, "x"), { recursive: true });
    }
  });

  test("a grant that does not exist names its field and path, and leaves no TMPDIR", () => {
    const e = policyErrorOf(() => resolvePolicy({ fs: { write: ["data", "missing/dir"] } }, opts));
    expect(e.field).toBe("fs.write[1]");
    expect(e.message).toContain("missing/dir");
    expect(readdirSync(join(scratch, "tmproot"))).toEqual([]);
  });

  test("malformed input fails validation before anything is created", () => {
    expect(policyErrorOf(() => resolvePolicy({ limits: { memory: -1 } }, opts)).field).toBe("limits.memory");
    expect(readdirSync(join(scratch, "tmproot"))).toEqual([]);
  });

  test("cwd must be an existing directory", () => {
    expect(policyErrorOf(() => resolvePolicy({ cwd: "nope" }, opts)).field).toBe("cwd");
    expect(policyErrorOf(() => resolvePolicy({ cwd: "data/file" }, opts)).message).toContain("not a directory");
    const { policy, cleanup } = resolvePolicy({ cwd: "link", fs: { read: ["data"] } }, opts);
    cleanup();
    expect(policy.cwd).toBe(join(scratch, "data"));
  });

  test("an explicit cwd outside every grant is a PolicyError naming it, not an empty directory inside; the caller's own cwd may stay ungranted", () => {
    const e = policyErrorOf(() => resolvePolicy({ cwd: "data", fs: { system: false } }, opts));
    expect(e.field).toBe("cwd");
    expect(e.message).toContain("not granted: data");
    expect(readdirSync(join(scratch, "tmproot"))).toEqual([]);
    for (const fs of [{ read: ["data"] }, { write: ["."] }]) {
      const ok = resolvePolicy({ cwd: "data", fs }, opts);
      ok.cleanup();
      expect(ok.policy.cwd).toBe(join(scratch, "data"));
    }
    const implicit = resolvePolicy({ fs: { system: false } }, { ...opts, base: join(scratch, "data") });
    implicit.cleanup();
  });

  test("a private, empty, writable TMPDIR and HOME in the run's directory, which cleanup removes", () => {
    const a = resolvePolicy({}, opts);
    const b = resolvePolicy({}, opts);
    try {
      expect(a.policy.tmpDir).not.toBe(b.policy.tmpDir);
      expect(a.policy.home).not.toBe(b.policy.home);
      expect(readdirSync(a.policy.runDir!).sort()).toEqual(["home", "tmp"]);
      for (const d of [a.policy.tmpDir!, a.policy.home!]) {
        expect(readdirSync(d)).toEqual([]);
        expect(d.startsWith(a.policy.runDir! + "/")).toBe(true);
        writeFileSync(join(d, "junk"), "x");
      }
      expect(a.policy.env.TMPDIR).toBe(a.policy.tmpDir!);
      expect(a.policy.env.HOME).toBe(a.policy.home!);
      expect(a.policy.fs.write).toContain(a.policy.runDir!);
    } finally {
      a.cleanup();
      b.cleanup();
      a.cleanup();
    }
    expect(existsSync(a.policy.runDir!)).toBe(false);
  });

  test("environment: the base set by default, none of the caller's when inheritEnv is false, explicit values win", () => {
    const env = { ...opts.env, PATH: "/bin", LC_ALL: "C", GITHUB_TOKEN: "t0ken", OTHER: "o" };
    const base = resolvePolicy({ env: { A: "1" } }, { ...opts, env });
    const clean = resolvePolicy({ inheritEnv: false, env: { A: "1", TMPDIR: "/mine" } }, { ...opts, env });
    base.cleanup();
    clean.cleanup();
    const own = (p: typeof base.policy) => ({
      TMPDIR: p.tmpDir!,
      HOME: p.home!,
      XDG_CONFIG_HOME: `${p.home}/.config`,
      XDG_CACHE_HOME: `${p.home}/.cache`,
      XDG_DATA_HOME: `${p.home}/.local/share`,
      XDG_STATE_HOME: `${p.home}/.local/state`,
    });
    const { USER, LOGNAME, SHELL, ...rest } = base.policy.env;
    expect(rest).toEqual({ PATH: "/bin", LC_ALL: "C", ...own(base.policy), A: "1" });
    expect(base.env.passed).toEqual(["LC_ALL", "PATH"]);
    expect(base.env.set).toContain("A");
    expect(base.env.set).toContain("HOME");
    expect(USER === undefined || USER === LOGNAME).toBe(true);
    const { USER: _u, LOGNAME: _l, SHELL: _s, ...cleanRest } = clean.policy.env;
    expect(cleanRest).toEqual({ ...own(clean.policy), A: "1", TMPDIR: "/mine" });
    expect(clean.env.passed).toEqual([]);
  });

  test("defaults: no network, hard compat, system read set present on this host", () => {
    const { policy, cleanup } = resolvePolicy({}, opts);
    cleanup();
    expect(policy.net).toBe("none");
    expect(policy.compat).toBe("hard");
    expect(policy.fs.read.length).toBeGreaterThan(0);
    expect(policy.fs.read.every((p) => existsSync(p))).toBe(true);
    const off = resolvePolicy({ fs: { system: false } }, opts);
    off.cleanup();
    expect(off.policy.fs.read).toEqual([]);
    expect(off.policy.fs.write).toEqual([off.policy.runDir!]);
  });

  test("ports are de-duplicated and both lists always present", () => {
    const { policy, cleanup } = resolvePolicy({ net: { connect: [443, 443, 80] } }, opts);
    cleanup();
    expect(policy.net).toEqual({ connect: [443, 80], bind: [] });
  });
});

describe("resolveUser", () => {
  const passwd = existsSync("/etc/passwd");
  test("a uid with a gid stays as given; a bare uid without an entry uses itself as gid", () => {
    expect(resolveUser({ uid: 4242, gid: 7 })).toEqual({ uid: 4242, gid: 7 });
    expect(resolveUser(987654)).toEqual({ uid: 987654, gid: 987654 });
    expect(resolveUser("987654")).toEqual({ uid: 987654, gid: 987654 });
  });
  test("an unknown name is a PolicyError on field user", () => {
    expect(policyErrorOf(() => resolveUser("no-such-user-cordon")).field).toBe("user");
  });
  testUnless(passwd ? undefined : "no /etc/passwd on this host", "root by name is uid 0", () => expect(resolveUser("root").uid).toBe(0));
});

describe("TMPDIRs left by a cordon that died", () => {
  test("are removed by the next resolution; a live maker's and foreign names are kept", async () => {
    const root = join(scratch, "stale-root");
    mkdirSync(root);
    // A process that has certainly exited: its pid names the stale directory.
    const dead = Bun.spawn(["true"]);
    await dead.exited;
    const stale = join(root, `cordon-${dead.pid}-abc123`);
    const live = join(root, `cordon-${process.pid}-def456`);
    const foreign = join(root, "cordon-notes");
    for (const d of [stale, live, foreign]) mkdirSync(d);
    writeFileSync(join(stale, "leftover"), "x");
    const { policy, cleanup } = resolvePolicy({}, { ...opts, tmpRoot: root });
    cleanup();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(foreign)).toBe(true);
    expect(policy.tmpDir!.startsWith(join(root, `cordon-${process.pid}-`))).toBe(true);
  });
});
