// A directory used by path after it was made or checked can be swapped for a
// symlink in between by a process writing beside it (a sandbox granted the
// temp root, next to another run's directory): a mkdir, chown or chmod
// through that path would then act wherever the symlink leads, with cordon's
// rights. Opened once without following (O_PATH | O_NOFOLLOW), the
// directory is reached again through its /proc/self/fd link, which names
// exactly the directory opened. Linux; elsewhere (or with no /proc) the path
// as given.
import { closeSync, constants, existsSync, openSync } from "node:fs";
import { UAPI_SHARED } from "../ffi/generated/linux-tables.ts";

const pinnable = process.platform === "linux" && existsSync("/proc/self/fd");

/** Runs `use` with a path naming exactly the directory `dir` is now (ELOOP or ENOTDIR if a symlink or no directory is there). */
export function inPinnedDir<T>(dir: string, use: (at: string) => T): T {
  if (!pinnable) return use(dir);
  const fd = openSync(dir, UAPI_SHARED.O_PATH | constants.O_NOFOLLOW | constants.O_DIRECTORY);
  try {
    return use(`/proc/self/fd/${fd}`);
  } finally {
    closeSync(fd);
  }
}
