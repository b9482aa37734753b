// Carve-outs as data, on every OS: the protected-path finder (on a made-up
// filesystem), the validator and the CLI, the shared plan (what a grant
// reaches, which directories are pinned), each OS's translation (Linux view
// entries, Seatbelt filters, unveil pairs, Windows DACL entries) and what
// each report says enforces them.
import { describe, expect, test } from "bun:test";
import { parseArgs } from "node:util";
import { parseRunArgs } from "../../lib/cli/args.ts";
import { flagOf } from "../../lib/cli/flags.ts";
import { PolicyError } from "../../lib/errors.ts";
import { carveRows, pinsOf, reachedCarve } from "../../lib/plan/carve.ts";
import { compileSeatbelt } from "../../lib/plan/darwin/seatbelt.ts";
import { planDarwin } from "../../lib/plan/darwin/index.ts";
import { planFreebsd } from "../../lib/plan/freebsd/index.ts";
import { freebsdReport } from "../../lib/plan/freebsd/report.ts";
import { carveOutReport } from "../../lib/plan/linux/carve-outs.ts";
import { planOpenbsd } from "../../lib/plan/openbsd/index.ts";
import { planWindows } from "../../lib/plan/windows/index.ts";
import { planIsolation } from "../../lib/plan/windows/isolation.ts";
import { hooksPathOf, PROTECTED_NAMES, protectedPaths, type ProtectedFs } from "../../lib/policy/protected.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";
import { validatePolicy } from "../../lib/policy/validate.ts";

/** A filesystem of `files` (path → text; a trailing "/" a directory; "-> target" a symlink). */
function fakeFs(files: Record<string, string>): ProtectedFs & { made: string[] } {
  const made: string[] = [];
  const entry = (p: string) => (p in files ? files[p] : `${p}/` in files ? "/" : undefined);
  const real = (p: string): string | undefined => {
    const e = entry(p);
    if (e === undefined) return undefined;
    return e.startsWith("-> ") ? real(e.slice(3)) : p;
  };
  return {
    made,
    home: "/job/home",
    kind: (p) => {
      const e = entry(p);
      return e === undefined ? undefined : e === "/" ? "dir" : e.startsWith("-> ") ? "link" : "file";
    },
    read: (p) => {
      const r = real(p);
      const e = r === undefined ? undefined : files[r];
      return e === undefined || e === "/" ? undefined : e;
    },
    real,
    list: (p) => [...new Set(Object.keys(files).filter((k) => k.startsWith(`${p}/`)).map((k) => k.slice(p.length + 1).split("/")[0]!))].filter(Boolean),
    make: (p, kind) => {
      made.push(p);
      if (kind === "dir") files[`${p}/`] = "/";
      else files[p] = "";
    },
  };
}

const repo = (extra: Record<string, string> = {}) => ({
  "/w/repo/": "/",
  "/w/repo/.git/": "/",
  "/w/repo/.git/HEAD": "ref: refs/heads/main\n",
  "/w/repo/.git/config": "[core]\n\tbare = false\n",
  "/w/repo/.git/hooks/": "/",
  ...extra,
});

describe("the default protected paths", () => {
  test("the documented list", () => {
    expect(PROTECTED_NAMES).toEqual([".git/hooks", ".git/config"]);
  });

  test("a repository at a write grant: its hooks and config; a read-only or exactly granted one is not listed", () => {
    expect(protectedPaths(["/w/repo"], [], "/elsewhere", fakeFs(repo())).paths).toEqual(["/w/repo/.git/config", "/w/repo/.git/hooks"]);
    expect(protectedPaths(["/w/repo"], ["/w/repo/.git/hooks"], "/elsewhere", fakeFs(repo())).paths).toEqual(["/w/repo/.git/config"]);
    expect(protectedPaths([], [], "/w/repo", fakeFs(repo())).paths).toEqual([]);
  });

  test("the repository around a write grant: a grant inside .git, or a subdirectory of the checkout with the working directory elsewhere", () => {
    expect(protectedPaths(["/w/repo/.git"], [], "/", fakeFs(repo())).paths).toEqual(["/w/repo/.git/config", "/w/repo/.git/hooks"]);
    expect(protectedPaths(["/w/repo/.git/objects"], [], "/", fakeFs(repo({ "/w/repo/.git/objects/": "/" }))).paths).toEqual([]);
    // A subdirectory grant: the repository is found, but its .git lies outside the grant: nothing to keep, nothing made there.
    const files: Record<string, string> = repo({ "/w/repo/src/": "/" });
    delete files["/w/repo/.git/hooks/"];
    const fs = fakeFs(files);
    expect(protectedPaths(["/w/repo/src"], [], "/", fs).paths).toEqual([]);
    expect(fs.made).toEqual([]);
  });

  test("submodules' gitdirs beneath .git/modules, nested names included", () => {
    const fs = fakeFs(repo({ "/w/repo/.git/modules/": "/", "/w/repo/.git/modules/libs/": "/", "/w/repo/.git/modules/libs/a/": "/", "/w/repo/.git/modules/libs/a/HEAD": "x", "/w/repo/.git/modules/libs/a/hooks/": "/", "/w/repo/.git/modules/libs/a/config": "" }));
    expect(protectedPaths(["/w/repo"], [], "/", fs).paths).toEqual(["/w/repo/.git/config", "/w/repo/.git/hooks", "/w/repo/.git/modules/libs/a/config", "/w/repo/.git/modules/libs/a/hooks"]);
  });

  test("the working directory inside a write grant is looked at too; a repository nested elsewhere in the grant is not", () => {
    expect(protectedPaths(["/w"], [], "/w/repo", fakeFs({ "/w/": "/", ...repo() })).paths).toEqual(["/w/repo/.git/config", "/w/repo/.git/hooks"]);
    expect(protectedPaths(["/w"], [], "/w", fakeFs({ "/w/": "/", ...repo() })).paths).toEqual([]);
  });

  test("a linked worktree: the .git file, its gitdir's hooks and config, and the common directory's", () => {
    const fs = fakeFs({
      ...repo({ "/w/repo/.git/worktrees/": "/", "/w/repo/.git/worktrees/wt/": "/", "/w/repo/.git/worktrees/wt/commondir": "../..\n", "/w/repo/.git/worktrees/wt/config": "" }),
      "/w/wt/": "/",
      "/w/wt/.git": "gitdir: /w/repo/.git/worktrees/wt\n",
    });
    expect(protectedPaths(["/w/wt", "/w/repo"], [], "/w/wt", fs).paths).toEqual([
      "/w/repo/.git/config", "/w/repo/.git/hooks", "/w/repo/.git/worktrees/wt/config", "/w/wt/.git",
    ]);
    expect(protectedPaths(["/w/wt"], [], "/w/wt", fs).paths).toEqual(["/w/wt/.git"]);
  });

  test("core.hooksPath inside a grant is protected; the last one in [core] wins, other sections do not count", () => {
    expect(hooksPathOf('[core]\n\thooksPath = .husky\n[alias]\n\thookspath = nope\n[Core]\n\tHooksPath = "other"\n')).toBe("other");
    expect(hooksPathOf("[alias]\n\thooksPath = x\n")).toBeUndefined();
    const fs = fakeFs(repo({ "/w/repo/.git/config": "[core]\n\thooksPath = .husky\n", "/w/repo/.husky/": "/" }));
    expect(protectedPaths(["/w/repo"], [], "/", fs).paths).toContain("/w/repo/.husky");
  });

  test("a repository's missing hooks directory and config are made, so none can be created inside; not in a non-repository", () => {
    const fs = fakeFs({ "/w/repo/": "/", "/w/repo/.git/": "/", "/w/repo/.git/HEAD": "ref: x\n" });
    expect(protectedPaths(["/w/repo"], [], "/", fs).paths).toEqual(["/w/repo/.git/config", "/w/repo/.git/hooks"]);
    expect(fs.made).toEqual(["/w/repo/.git/hooks", "/w/repo/.git/config"]);
    const notRepo = fakeFs({ "/w/x/": "/", "/w/x/.git/": "/" });
    expect(protectedPaths(["/w/x"], [], "/", notRepo).paths).toEqual([]);
    expect(notRepo.made).toEqual([]);
  });

  test("a symlink on the way (a linked hooks directory) protects its target and is reported as a gap", () => {
    const files: Record<string, string> = repo({ "/w/repo/.git/hooks": "-> /w/repo/hooks-real", "/w/repo/hooks-real/": "/" });
    delete files["/w/repo/.git/hooks/"];
    const fs = fakeFs(files);
    const found = protectedPaths(["/w/repo"], [], "/", fs);
    expect(found.paths).toContain("/w/repo/hooks-real");
    expect(found.gaps).toEqual(["/w/repo/.git/hooks"]);
  });
});

describe("carve-outs in the policy and the CLI", () => {
  test("fs.denyRead and fs.denyWrite are path lists, pty a boolean; bad values name their field", () => {
    expect(validatePolicy({ fs: { denyRead: ["/a"], denyWrite: ["/b"] }, pty: true })).toEqual({ fs: { denyRead: ["/a"], denyWrite: ["/b"] }, pty: true });
    const field = (input: unknown) => {
      try {
        validatePolicy(input);
      } catch (e) {
        return (e as PolicyError).field;
      }
    };
    expect(field({ fs: { denyRead: "/a" } })).toBe("fs.denyRead");
    expect(field({ fs: { denyWrite: ["/a", ""] } })).toBe("fs.denyWrite[1]");
    expect(field({ pty: "yes" })).toBe("pty");
  });

  test("--deny-read, --deny-write and --allow-pty set them, and errors name the flags", () => {
    const { policy } = parseRunArgs(["--allow-write=.", "--deny-read=.env", "--deny-read=secrets", "--deny-write=.git", "--allow-pty", "--", "true"], parseArgs);
    expect(policy.fs).toEqual({ read: [], write: ["."], denyRead: [".env", "secrets"], denyWrite: [".git"] });
    expect(policy.pty).toBe(true);
    expect(parseRunArgs(["--", "true"], parseArgs).policy.pty).toBeUndefined();
    expect([flagOf("fs.denyRead[1]"), flagOf("fs.denyWrite"), flagOf("pty")]).toEqual(["--deny-read", "--deny-write", "--allow-pty"]);
  });
});

describe("the shared carve-out plan", () => {
  const fs = { read: ["/usr", "/ref"], write: ["/w"], denyRead: ["/ref/secret", "/w/a/b/.env", "/etc/shadow"], denyWrite: ["/w/a/kept"], protected: ["/w/repo/.git/hooks"] };

  test("only what a grant reaches needs enforcing: denied reads beneath any grant, read-only paths beneath a write grant", () => {
    expect(reachedCarve(fs)).toEqual({ denyRead: ["/ref/secret", "/w/a/b/.env"], readOnly: ["/w/a/kept", "/w/repo/.git/hooks"] });
    expect(reachedCarve({ read: ["/w"], write: [], denyWrite: ["/w/x"] })).toEqual({ denyRead: [], readOnly: [] });
  });

  test("the directories between a carve-out and its outermost write grant are pinned; none above a read-only grant", () => {
    expect(pinsOf(["/ref/secret", "/w/a/b/.env", "/w/a/kept", "/w/repo/.git/hooks"], ["/w", "/w/a"])).toEqual(["/w/a", "/w/a/b", "/w/repo", "/w/repo/.git"]);
    expect(pinsOf(["/w/kept"], ["/w"])).toEqual([]);
  });

  test("rows: fs.deny-confined for denyRead and denyWrite, fs.protected-paths for the protected paths, a gap leaves it partial", () => {
    const row = (guarantee: "fs.deny-confined" | "fs.protected-paths", reached: boolean) => ({ guarantee, status: "enforced" as const, by: [String(reached)] });
    expect(carveRows(fs, row).map((g) => [g.guarantee, g.by[0]])).toEqual([["fs.deny-confined", "true"], ["fs.protected-paths", "true"]]);
    expect(carveRows({ read: [], write: [] }, row)).toEqual([]);
    expect(carveRows({ read: [], write: ["/w"], protectedGaps: ["/w/.git"] }, row)[0]).toMatchObject({ guarantee: "fs.protected-paths", status: "partial" });
  });
});

const resolved = (fs: ResolvedPolicy["fs"]): ResolvedPolicy => ({ fs, env: {}, cwd: "/w", net: "none", limits: {}, compat: "hard" });

describe("each OS's carve-outs", () => {
  test("Linux: enforced by the private root's mounts where one is made, refused (not enforced) where not", () => {
    const fs = { read: ["/usr"], write: ["/w"], denyWrite: ["/w/kept"], protected: ["/w/.git/hooks"] };
    const withRoot = carveOutReport({ fs }, { privateRoot: true, landlock: true });
    expect(withRoot.map((g) => [g.guarantee, g.status])).toEqual([["fs.deny-confined", "enforced"], ["fs.protected-paths", "enforced"]]);
    const without = carveOutReport({ fs }, { privateRoot: false, landlock: true });
    expect(without.map((g) => g.status)).toEqual(["not-enforced", "not-enforced"]);
    expect(without[1]!.reason).toContain("exact path");
  });

  test("macOS: require-not filters beneath the grants, the pinned directories not writable themselves; partial (hard links)", () => {
    const fs = { read: ["/usr"], write: ["/job/src"], denyRead: ["/job/src/.env"], protected: ["/job/src/.git/hooks"] };
    const out = compileSeatbelt({ fs, net: "none", cwd: "/job/src" });
    const key = (v: string) => out.params.find(([, p]) => p === v)![0];
    expect(out.text).toContain(`(require-not (subpath (param "${key("/job/src/.env")}")))`);
    expect(out.text).toContain(`(require-not (subpath (param "${key("/job/src/.git/hooks")}")))`);
    expect(out.text).toContain(`(require-not (literal (param "${key("/job/src/.git")}")))`);
    const write = out.text.split("\n").find((l) => l.startsWith("(allow file-write*"))!;
    const read = out.text.split("\n").find((l) => l.startsWith("(allow file-read*") && l.includes("WRITE_0"))!;
    expect(write).toContain(key("/job/src/.git/hooks"));
    expect(read).not.toContain(key("/job/src/.git/hooks")); // read-only paths stay readable
    expect(read).toContain(key("/job/src/.env"));
    const rows = planDarwin(resolved(fs)).report.filter((g) => g.guarantee.startsWith("fs.deny") || g.guarantee === "fs.protected-paths");
    expect(rows.map((g) => [g.guarantee, g.status])).toEqual([["fs.deny-confined", "partial"], ["fs.protected-paths", "partial"]]);
  });

  test("OpenBSD: unveiled as the more specific path (none, rx); partial where a directory between would need pinning", () => {
    const fs = { read: ["/usr"], write: ["/w"], denyRead: ["/w/.env"], protected: ["/w/.git/hooks"] };
    const plan = planOpenbsd(resolved(fs));
    expect(plan.launch.unveil).toEqual([["/usr", "rx"], ["/w", "rwxc"], ["/w/.env", ""], ["/w/.git/hooks", "rx"]]);
    const rows = plan.report.filter((g) => g.guarantee === "fs.deny-confined" || g.guarantee === "fs.protected-paths");
    expect(rows.map((g) => g.status)).toEqual(["partial", "partial"]);
    expect(rows[1]!.reason).toContain("/w/.git");
  });

  test("FreeBSD: not enforced (no path confinement without Capsicum or a jail)", () => {
    const rows = freebsdReport(resolved({ read: [], write: ["/w"], denyWrite: ["/w/k"] }), { root: true, racct: true });
    expect(rows.find((g) => g.guarantee === "fs.deny-confined")?.status).toBe("not-enforced");
  });

  test("Windows: deny entries for the sandbox's SID beneath the grants, DELETE denied on the directories between; none at low integrity", () => {
    const fs = { read: ["C:\\tools"], write: ["C:\\work"], denyRead: ["C:\\work\\.env"], denyWrite: ["C:\\work\\sub\\kept"] };
    const plan = planIsolation(resolved(fs), { elevated: false }, {}, {}, "seed");
    expect(plan.acl.filter((g) => g.deny)).toEqual([
      { path: "C:\\work\\.env", access: 0x1f01ff, why: "deny-read", deny: true },
      { path: "C:\\work\\sub\\kept", access: 0xd0156, why: "deny-write", deny: true },
      { path: "C:\\work\\sub", access: 0x10000, why: "pin", deny: true, inherit: false },
    ]);
    expect(plan.report.find((g) => g.guarantee === "fs.deny-confined")?.status).toBe("enforced");
    const low = planIsolation(resolved(fs), { elevated: false }, {}, { identity: "low-integrity" }, "seed");
    expect(low.report.find((g) => g.guarantee === "fs.deny-confined")?.status).toBe("not-enforced");
  });
});

describe("pty elsewhere", () => {
  test("macOS, FreeBSD, OpenBSD and Windows refuse pty: true naming the field (their ptys are the host's), not ignore it", () => {
    const policy = { ...resolved({ read: [], write: [] }), pty: true };
    const field = (plan: () => unknown) => {
      try {
        plan();
      } catch (e) {
        return e instanceof PolicyError ? e.field : String(e);
      }
      return "planned";
    };
    expect(field(() => planDarwin(policy))).toBe("pty");
    expect(field(() => planFreebsd(policy, { root: false, racct: false }))).toBe("pty");
    expect(field(() => planOpenbsd(policy))).toBe("pty");
    expect(field(() => planWindows(policy, { elevated: false }))).toBe("pty");
    expect(field(() => planDarwin({ ...policy, pty: false }))).toBe("planned");
  });
});
