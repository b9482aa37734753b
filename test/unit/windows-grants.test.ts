// Grant validation and the account tier's parent-side steps, on any OS: which
// paths count as links (refused: a grant would reach what they point at),
// every step of a path, the checks made as the account, its profile folders.
import { describe, expect, test } from "bun:test";
import { FILE_ACCESS, accountProfile, grantChecks, isLink, linkOnTheWay, pathSteps, planWindows, type PathInfo } from "../../lib/plan/windows/index.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";

const DIR = 0x10;
const REPARSE = 0x400;
const JUNCTION = 0xa0000003;
const SYMLINK = 0xa000000c;
const ONEDRIVE = 0x9000601a; // IO_REPARSE_TAG_CLOUD_6: a placeholder, no name surrogate

describe("windows grants: links on the way", () => {
  test("a junction, a symbolic link or a reparse point whose tag says nothing (Wine's Unix symlinks) is a link; a cloud placeholder and a plain directory are not", () => {
    expect(isLink({ attributes: DIR | REPARSE, reparseTag: JUNCTION })).toBe(true);
    expect(isLink({ attributes: DIR | REPARSE, reparseTag: SYMLINK })).toBe(true);
    expect(isLink({ attributes: DIR | REPARSE, reparseTag: 0 })).toBe(true);
    expect(isLink({ attributes: DIR | REPARSE, reparseTag: ONEDRIVE })).toBe(false);
    expect(isLink({ attributes: DIR, reparseTag: 0 })).toBe(false);
  });

  test("every step of a path is looked at, the drive or share root left out", () => {
    expect(pathSteps("C:\\a\\b\\c")).toEqual(["C:\\a", "C:\\a\\b", "C:\\a\\b\\c"]);
    expect(pathSteps("C:/a/b/")).toEqual(["C:\\a", "C:\\a\\b"]);
    expect(pathSteps("\\\\server\\share\\x\\y")).toEqual(["\\\\server\\share\\x", "\\\\server\\share\\x\\y"]);
    expect(pathSteps("\\\\?\\C:\\a")).toEqual(["\\\\?\\C:\\a"]);
    expect(pathSteps("\\\\?\\UNC\\server\\share\\x")).toEqual(["\\\\?\\UNC\\server\\share\\x"]);
    expect(pathSteps("C:\\")).toEqual([]);
  });

  test("the first link on the way is named with its tag; a path without one passes", () => {
    const fs: Record<string, PathInfo> = {
      "C:\\work": { attributes: DIR, reparseTag: 0 },
      "C:\\work\\cache": { attributes: DIR | REPARSE, reparseTag: JUNCTION },
      "C:\\work\\cache\\deps": { attributes: DIR, reparseTag: 0 },
      "C:\\work\\out": { attributes: DIR, reparseTag: 0 },
    };
    const lookup = (p: string) => fs[p] ?? { attributes: DIR, reparseTag: 0 };
    expect(linkOnTheWay("C:\\work\\cache\\deps", lookup)).toEqual({ at: "C:\\work\\cache", tag: JUNCTION });
    expect(linkOnTheWay("C:\\work\\out", lookup)).toBeUndefined();
  });
});

describe("windows account tier: steps made as the account", () => {
  const policy: ResolvedPolicy = {
    fs: { read: ["C:\\tools"], write: ["C:\\work\\out", "C:\\tmp\\run-1"] },
    env: {},
    cwd: "C:\\work",
    net: "none",
    limits: {},
    compat: "best-effort",
    runDir: "C:\\tmp\\run-1",
    tmpDir: "C:\\tmp\\run-1\\tmp",
    home: "C:\\tmp\\run-1\\home",
  };

  test("each read and write grant is checked as the account; the traverse-only working directory is not", () => {
    const plan = planWindows(policy, { elevated: true }, { identity: "account", name: "cordon-run" });
    expect(plan.isolation.checks).toEqual([
      { path: "C:\\tools", access: FILE_ACCESS.READ_EXECUTE, allowed: true, guarantee: "fs.read-confined", why: "the read grant" },
      { path: "C:\\work\\out", access: 0x4000_0000, allowed: true, guarantee: "fs.write-confined", why: "the write grant" },
      { path: "C:\\tmp\\run-1", access: 0x4000_0000, allowed: true, guarantee: "fs.write-confined", why: "the write grant" },
    ]);
    expect(grantChecks([{ path: "C:\\work", access: FILE_ACCESS.TRAVERSE, why: "cwd" }])).toEqual([]);
    expect(planWindows(policy, { elevated: true }).isolation.checks).toEqual([]);
  });

  test("the account's profile folders sit in the run's private HOME and the environment names them; a HOME the policy named is left alone", () => {
    const plan = planWindows(policy, { elevated: true }, { identity: "account", name: "cordon-run" });
    expect(plan.isolation.profile).toEqual(accountProfile("C:\\tmp\\run-1\\home"));
    expect(plan.isolation.profile!.dirs).toEqual(["C:\\tmp\\run-1\\home\\AppData", "C:\\tmp\\run-1\\home\\AppData\\Roaming", "C:\\tmp\\run-1\\home\\AppData\\Local"]);
    expect(plan.spawn.env).toMatchObject({ USERPROFILE: "C:\\tmp\\run-1\\home", APPDATA: "C:\\tmp\\run-1\\home\\AppData\\Roaming", LOCALAPPDATA: "C:\\tmp\\run-1\\home\\AppData\\Local" });
    const named = planWindows({ ...policy, home: "C:\\Users\\me" }, { elevated: true }, { identity: "account", name: "cordon-run" });
    expect(named.isolation.profile).toBeUndefined();
    // Not applied (no administrator): the caller's own variables stay.
    expect(planWindows(policy, { elevated: false }, { identity: "account", name: "cordon-run" }).spawn.env.USERPROFILE).toBeUndefined();
  });
});
