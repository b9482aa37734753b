// A user switch (policy.user): what the host must allow for the command to
// run as another uid with no supplementary groups, and the directories cordon
// made for it handed to that user.
import { lchownSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { inPinnedDir } from "../../pinned-dir.ts";
import { OsError, PermissionError } from "../../../ffi/errors.ts";

type Ids = { readonly uid: number; readonly gid: number };

/**
 * The directories cordon made for this sandbox (its private TMPDIR, 0700)
 * become the user's: made by this process, they are its own otherwise, and
 * the command could not write them. lchown: nothing placed there is followed.
 */
export function giveTo(user: Ids, paths: readonly string[]): void {
  for (const path of paths) {
    try {
      // The run directory holding it may have been swapped for a symlink since it was checked: reached through the one opened.
      inPinnedDir(dirname(path), (at) => lchownSync(join(at, basename(path)), user.uid, user.gid));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new OsError("chown", "errno", err.errno ?? -1, err.code ?? "EIO", `${path} to ${user.uid}:${user.gid}`);
    }
  }
}

/** "deny": setgroups(2) is refused in this user namespace (a nested host, e.g. bubblewrap). */
function setgroupsDenied(): boolean {
  try {
    return readFileSync("/proc/self/setgroups", "utf8").trim() === "deny";
  } catch {
    return false; // no such file: not in a user namespace that restricts it (or a kernel before 3.19)
  }
}

/**
 * Where setgroups is denied the command cannot be stripped of supplementary
 * groups, so it keeps this process's: allowed only when there are none,
 * refused (before anything runs) otherwise. Returns the report note.
 */
export function checkGroups(): string | undefined {
  if (!setgroupsDenied()) return undefined;
  const groups = process.getgroups?.() ?? [];
  if (groups.length > 0)
    throw new PermissionError("setgroups", "errno", -1, "EPERM", `supplementary groups ${groups.join(",")} cannot be dropped: setgroups is denied in this user namespace`);
  return "user: setgroups is denied in this user namespace; the command has no supplementary groups because this process has none";
}
