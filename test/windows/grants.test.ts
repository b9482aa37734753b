// A DACL grant goes on what its path leads to, so a grant with a junction or
// symbolic link on the way is refused before anything is granted
// (GrantChangedError: the policy resolved its grants to real paths). On
// Windows the link is a junction (mklink /J needs no privilege); under Wine,
// which cannot make links itself, scripts/wine-test.sh hands over a Unix
// symlink, which Wine reports as a reparse point with tag 0.
import { expect } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { closeHandle } from "../../ffi/windows.ts";
import { fileInfo } from "../../ffi/windows-acl.ts";
import { exitCode, spawnProcess, waitProcess } from "../../ffi/windows-spawn.ts";
import { refuseLinkedGrants } from "../../lib/backend/windows/grants.ts";
import { applyIdentity } from "../../lib/backend/windows/identity.ts";
import { windowsHost } from "../../lib/backend/windows/index.ts";
import { GrantChangedError } from "../../lib/errors.ts";
import { FILE_ACCESS, commandLine, isLink, planWindows } from "../../lib/plan/windows/index.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { cleanupAfterEach, lacking, notWindows, scratchDir, wine } from "./support.ts";

const T = 60_000;
const cmdExe = process.env.ComSpec ?? "C:\\windows\\system32\\cmd.exe";
const cleanup = cleanupAfterEach();

/** A directory `target` and a link to it: a junction on Windows, Wine's handed-over Unix symlink. */
function linkAndTarget(): { link: string; target: string } | undefined {
  if (wine) {
    const dir = process.env.CORDON_WINE_LINKS;
    return dir ? { link: join(dir, "link"), target: join(dir, "target") } : undefined;
  }
  const dir = scratchDir(cleanup, "grants");
  const target = join(dir, "target");
  mkdirSync(target);
  const link = join(dir, "link");
  const c = spawnProcess({ commandLine: commandLine([cmdExe, "/d", "/c", "mklink", "/J", link, target]) });
  closeHandle(c.thread);
  expect(waitProcess(c.process, T)).toBe(true);
  expect(exitCode(c.process)).toBe(0);
  closeHandle(c.process);
  return { link, target };
}

const noLinks = wine && !process.env.CORDON_WINE_LINKS ? "under Wine the link comes from scripts/wine-test.sh (CORDON_WINE_LINKS), which did not run this" : undefined;

describeUnless(notWindows, "grants with a link on the way", () => {
  testUnless(noLinks, "a grant through a junction or symlink is refused (GrantChangedError), at the link or beneath it; the real directory is granted", () => {
    const { link, target } = linkAndTarget()!;
    expect(isLink(fileInfo(link))).toBe(true);
    expect(isLink(fileInfo(target))).toBe(false);
    for (const path of [link, join(link, "sub")]) {
      let error: unknown;
      try {
        refuseLinkedGrants([{ path, access: FILE_ACCESS.READ_EXECUTE, why: "read" }]);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GrantChangedError);
      expect((error as GrantChangedError).message).toContain(`${link} is a junction or symbolic link now`);
    }
    expect(() => refuseLinkedGrants([{ path: target, access: FILE_ACCESS.READ_EXECUTE, why: "read" }])).not.toThrow();
  }, T);

  testUnless(noLinks ?? lacking("appcontainer", "acl"), "applying an identity whose grant has a junction on the way throws GrantChangedError before anything is applied; through the real directory it applies and undoes", () => {
    const { link, target } = linkAndTarget()!;
    const plan = (read: string) => planWindows({ fs: { read: [read], write: [] }, env: {}, cwd: target, net: "none", limits: {}, compat: "best-effort" }, windowsHost());
    const linked = plan(link);
    expect(linked.isolation.acl.map((g) => g.path)).toContain(link);
    expect(() => applyIdentity(linked)).toThrow(GrantChangedError);
    const applied = applyIdentity(plan(target));
    cleanup.push(() => applied.undo());
    expect(applied.applied).toBe(true);
    applied.undo();
  }, T);
});
