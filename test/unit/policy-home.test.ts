// HOME as resolvePolicy makes it: private and empty in the run's directory,
// or the policy's own directory granted read-write and kept; owned by the
// target uid under `user`; and the same HOME, environment and write set in
// the macOS, FreeBSD and Windows plans.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PolicyError } from "../../lib/errors.ts";
import { planDarwin } from "../../lib/plan/darwin/index.ts";
import { planFreebsd } from "../../lib/plan/freebsd/index.ts";
import { planWindows } from "../../lib/plan/windows/index.ts";
import type { SystemOs } from "../../lib/policy/system-paths.ts";
import { resolvePolicy } from "../../lib/resolve-policy.ts";
import { drainRetired } from "../../lib/run-dir.ts";
import { testUnless } from "../helpers/skip.ts";

// A run directory cleaned up is removed on Bun's thread pool (run-dir.ts): settled before the next test looks at the temp root.
afterEach(() => drainRetired());

const scratch = realpathSync(mkdtempSync(join(tmpdir(), "cordon-home-test-")));
const tmpRoot = join(scratch, "tmproot");
mkdirSync(tmpRoot);
mkdirSync(join(scratch, "cache-home"));
writeFileSync(join(scratch, "file"), "x");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const callerEnv = { PATH: "/bin", HOME: "/root", GITHUB_TOKEN: "ghp_value1" };
const opts = { base: scratch, tmpRoot, env: callerEnv };

describe("HOME", () => {
  test("home names an existing directory: granted read-write, kept by cleanup, and the XDG directories follow it", () => {
    const { policy, cleanup } = resolvePolicy({ home: "cache-home" }, opts);
    writeFileSync(join(policy.home!, "kept"), "1");
    const made = readdirSync(policy.runDir!);
    cleanup();
    const home = join(scratch, "cache-home");
    expect(policy.home).toBe(home);
    expect(policy.env.HOME).toBe(home);
    expect(policy.env.XDG_CACHE_HOME).toBe(`${home}/.cache`);
    expect(policy.fs.write).toContain(home);
    expect(made).toEqual(["tmp"]); // no private home made
    expect(existsSync(join(home, "kept"))).toBe(true);
    expect(existsSync(policy.runDir!)).toBe(false);
  });

  test("an explicit env.HOME is the HOME the command gets, and the XDG directories follow it", () => {
    const { policy, cleanup } = resolvePolicy({ env: { HOME: "/srv/elsewhere" } }, opts);
    cleanup();
    expect(policy.env.HOME).toBe("/srv/elsewhere");
    expect(policy.env.XDG_CONFIG_HOME).toBe("/srv/elsewhere/.config");
  });

  test("a home that does not exist, or is not a directory, is a PolicyError on home, and nothing is left", () => {
    for (const [home, message] of [["missing", "does not exist"], ["file", "not a directory"]] as const) {
      let err: unknown;
      try {
        resolvePolicy({ home }, opts);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as PolicyError).field).toBe("home");
      expect((err as PolicyError).message).toContain(message);
    }
    expect(readdirSync(tmpRoot)).toEqual([]);
  });

  testUnless(process.getuid?.() === 0 ? undefined : "giving a directory to another uid needs root", "under user 65534 the TMPDIR and HOME are that uid's, and the run's directory lets it pass but not list", () => {
    const { policy, cleanup } = resolvePolicy({ user: { uid: 65534, gid: 65534 } }, opts);
    try {
      for (const d of [policy.tmpDir!, policy.home!]) expect({ uid: statSync(d).uid, gid: statSync(d).gid, mode: statSync(d).mode & 0o777 }).toEqual({ uid: 65534, gid: 65534, mode: 0o700 });
      expect({ uid: statSync(policy.runDir!).uid, mode: statSync(policy.runDir!).mode & 0o777 }).toEqual({ uid: 0, mode: 0o711 });
    } finally {
      cleanup();
    }
    expect(existsSync(policy.runDir!)).toBe(false);
  });
});

describe("env and HOME in the plans of other systems", () => {
  const resolved = (os: SystemOs, policy: object = {}) => {
    const r = resolvePolicy({ compat: "best-effort", ...policy }, { ...opts, os });
    r.cleanup();
    return r;
  };

  test("macOS: the Seatbelt profile's write grants hold HOME and TMPDIR (the run's directory) and the policy's home", () => {
    const { policy } = resolved("darwin");
    const writes = planDarwin(policy).launch.profile!.params.filter(([k]) => k.startsWith("WRITE_")).map(([, v]) => v);
    expect(writes).toContain(policy.runDir!);
    expect(policy.env.HOME!.startsWith(`${policy.runDir}/`)).toBe(true);
    expect(policy.env.TMPDIR!.startsWith(`${policy.runDir}/`)).toBe(true);
    expect(policy.env.GITHUB_TOKEN).toBeUndefined();
    const own = resolved("darwin", { home: "cache-home" }).policy;
    expect(planDarwin(own).launch.profile!.params.filter(([k]) => k.startsWith("WRITE_")).map(([, v]) => v)).toContain(join(scratch, "cache-home"));
  });

  test("FreeBSD: HOME in the write set, the base environment only, and no path confinement claimed", () => {
    const { policy, env } = resolved("freebsd");
    expect(policy.fs.write).toContain(policy.runDir!);
    expect(env.passed).toEqual(["PATH"]);
    const plan = planFreebsd(policy, { root: false, racct: false });
    expect(plan.report.find((g) => g.guarantee === "fs.write-confined")?.status).toBe("not-enforced");
  });

  test("Windows: the plan spawns with the resolved environment unchanged, HOME, USERPROFILE and TEMP in the run's directory, which gets a write grant", () => {
    const { policy } = resolved("win32", { inheritEnv: ["GITHUB_TOKEN"] });
    const plan = planWindows(policy, { elevated: false });
    expect(plan.spawn.env).toMatchObject(policy.env); // plus TMP and TEMP, which Windows programs read
    expect(plan.spawn.env.GITHUB_TOKEN).toBe("ghp_value1");
    expect(plan.spawn.env.USERPROFILE).toBe(policy.home!);
    expect(plan.spawn.env.TEMP).toBe(policy.tmpDir!);
    expect(plan.spawn.env.USER).toBeUndefined();
    expect(plan.isolation.acl).toContainEqual(expect.objectContaining({ path: policy.runDir!, why: "write" }));
  });
});
