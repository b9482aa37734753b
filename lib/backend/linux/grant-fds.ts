// Each grant opened once per spawn (O_PATH) and checked against what its
// policy resolved: the same fd then carries the landlock rule, and the private
// root's bind of that path is checked against it in the child. A grant
// swapped for a symlink (or another directory) between resolution and spawn
// is refused with GrantChangedError instead of granting what it now leads to.
import { fstatSync } from "node:fs";
import { openPath } from "../../../ffi/linux-landlock.ts";
import { closeFd } from "../../../ffi/linux.ts";
import { OsError } from "../../../ffi/errors.ts";
import { GrantChangedError } from "../../errors.ts";
import type { Identity } from "../../policy/identity.ts";

/** One opened grant, checked against the identity its policy recorded; `kind` is what the view binds. */
export type GrantFd = { readonly fd: number; readonly kind: "dir" | "file" | "device" };

export class GrantFds {
  readonly byPath = new Map<string, GrantFd>();

  /** The fd of `path`, opened by `open`. */
  fd(path: string): number | undefined {
    return this.byPath.get(path)?.fd;
  }

  /** Closes every fd (idempotent). */
  close(): void {
    for (const g of this.byPath.values()) closeFd(g.fd);
    this.byPath.clear();
  }
}

/**
 * Opens each of `paths` that has an identity in `ids` (the grants its policy
 * resolved: user grants and the private TMPDIR; the system set is root's and
 * stays opened by path) and checks it is still that file. O_PATH, following
 * symlinks as landlock always has: one swapped in leads to another file.
 */
export function openGrants(paths: readonly string[], ids: ReadonlyMap<string, Identity>): GrantFds {
  const out = new GrantFds();
  try {
    for (const path of new Set(paths)) {
      const want = ids.get(path);
      if (!want) continue;
      let fd: number;
      try {
        fd = openPath(path);
      } catch (e) {
        // Resolved a moment ago and gone now: it changed.
        if (e instanceof OsError) throw new GrantChangedError(path, e.errorName);
        throw e;
      }
      const st = fstatSync(fd, { bigint: true });
      const kind = st.isDirectory() ? "dir" : st.isCharacterDevice() || st.isBlockDevice() ? "device" : "file";
      out.byPath.set(path, { fd, kind });
      if (st.dev !== want.dev || st.ino !== want.ino) throw new GrantChangedError(path, "another file is there now");
    }
  } catch (e) {
    out.close();
    throw e;
  }
  return out;
}

/** ESTALE from the private root step: a bind showed another file than its grant's fd (private_root.zig). */
export function grantChangedInChild(e: unknown): GrantChangedError | undefined {
  if (!(e instanceof OsError) || e.errorName !== "ESTALE" || !e.op.startsWith("private root")) return undefined;
  return new GrantChangedError("a grant of the view", "its bind showed another file than the one checked");
}
