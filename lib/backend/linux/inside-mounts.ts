// What jobs expect to find inside a private root, each a filesystem of the
// sandbox's own (view_mounts.zig):
// - /dev/shm: a tmpfs (POSIX shared memory and semaphores: Python's
//   multiprocessing), sized to the memory limit when there is one, else
//   SHM_DEFAULT_BYTES; never the host's.
// - /dev/pts and /dev/ptmx (opt-in `pty`): a new devpts instance, so the
//   command can open pseudo-terminals that are its own, and no terminal of
//   the host's.
// - the sandbox's own cgroups, read-only, at the host's mount points, seen
//   through a cgroup namespace: runtimes read their memory limit there
//   (memory.max on cgroup2, memory.limit_in_bytes on a v1 memory hierarchy).
// - /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr: links into the
//   sandbox's own /proc/self/fd, as on a host (bash's process substitution,
//   `> /dev/stderr`, `cat /dev/stdin`). They open nothing /proc/self/fd
//   would not: landlock checks a reopened file's own path.
// A path a grant already covers keeps the grant (the host's, as asked).
import { readFileSync } from "node:fs";
import type { ViewEntry } from "../../../ffi/linux-spawn.ts";
import { FS_RIGHTS } from "../../plan/linux/landlock/rights.ts";
import { parseCgroupMounts, type CgroupMount } from "./cgroup/mounts.ts";

/** /dev/shm's size without a memory limit: Docker's default for its containers' /dev/shm. */
export const SHM_DEFAULT_BYTES = 64 * 1024 * 1024;

/** The descriptor links every Linux host has in /dev (udev's and systemd's static nodes). */
export const FD_LINKS: readonly (readonly [path: string, target: string])[] = [
  ["/dev/fd", "/proc/self/fd"],
  ["/dev/stdin", "/proc/self/fd/0"],
  ["/dev/stdout", "/proc/self/fd/1"],
  ["/dev/stderr", "/proc/self/fd/2"],
];

type FsRight = keyof typeof FS_RIGHTS;
const SHM: readonly FsRight[] = ["read_file", "write_file", "read_dir", "remove_dir", "remove_file", "make_dir", "make_reg", "make_sym", "refer", "truncate"];
const PTS: readonly FsRight[] = ["read_file", "write_file", "read_dir", "ioctl_dev"];
const CGROUP: readonly FsRight[] = ["read_file", "read_dir"];

/** A cgroup hierarchy the sandbox was placed in, where the host mounts it. */
export type SandboxHierarchy = { readonly version: 1 | 2; readonly mountPoint: string; readonly controllers: readonly string[] };

export type InsideOptions = {
  /** The landlock ABI the ruleset handles (0: no ruleset, no rights to add). */
  readonly landlockAbi: number;
  readonly memory?: number;
  readonly pty: boolean;
  readonly cgroups: readonly SandboxHierarchy[];
};

/** Whether `path` or a directory it lies in is one of `dirs` (one set lookup per component, not a scan of the grants). */
function covered(path: string, dirs: ReadonlySet<string>): boolean {
  if (dirs.has("/")) return true;
  for (let p = path; p.length > 1; p = p.slice(0, p.lastIndexOf("/")) || "/") if (dirs.has(p)) return true;
  return false;
}

/** The rights of `names` this ABI knows (a ruleset refuses a right it does not handle). */
function rights(names: readonly FsRight[], abi: number): number | undefined {
  if (abi === 0) return undefined;
  return names.reduce((m, n) => (FS_RIGHTS[n].abi <= abi ? m | FS_RIGHTS[n].bit : m), 0);
}

/** The entries for `o`, left out where `granted` (the view's grants) covers the path. */
export function insideMounts(o: InsideOptions, granted: readonly string[]): ViewEntry[] {
  const grants = new Set(granted);
  const free = (path: string) => !covered(path, grants);
  const access = (names: readonly FsRight[]) => {
    const a = rights(names, o.landlockAbi);
    return a === undefined ? {} : { access: a };
  };
  const out: ViewEntry[] = [];
  if (free("/dev/shm")) out.push({ kind: "tmpfs", path: "/dev/shm", target: `mode=1777,size=${o.memory ?? SHM_DEFAULT_BYTES}`, ...access(SHM) });
  if (o.pty && free("/dev/pts")) {
    // newinstance is implied in a new mount namespace; ptmxmode lets the command open its ptmx.
    out.push({ kind: "devpts", path: "/dev/pts", target: "newinstance,ptmxmode=0666,mode=0620", ...access(PTS) });
    if (free("/dev/ptmx")) out.push({ kind: "symlink", path: "/dev/ptmx", target: "pts/ptmx" });
  }
  for (const [path, target] of FD_LINKS) if (free(path)) out.push({ kind: "symlink", path, target });
  for (const h of o.cgroups) {
    if (!free(h.mountPoint)) continue;
    out.push(
      h.version === 2
        ? { kind: "cgroup2", path: h.mountPoint, ...access(CGROUP) }
        : { kind: "cgroup", path: h.mountPoint, target: h.controllers.join(","), ...access(CGROUP) },
    );
  }
  return out;
}

let mounts: readonly CgroupMount[] | undefined;

/** Where the host mounts the hierarchies `joined` names ("v2", or v1 controllers), read once per process. */
export function hierarchiesOf(joined: Iterable<string>): SandboxHierarchy[] {
  try {
    mounts ??= parseCgroupMounts(readFileSync("/proc/self/mountinfo", "utf8"));
  } catch {
    mounts = [];
  }
  const out = new Map<string, SandboxHierarchy>();
  for (const h of joined) {
    const m = h === "v2" ? mounts.find((x) => x.version === 2) : mounts.find((x) => x.version === 1 && x.controllers.includes(h));
    if (m) out.set(m.mountPoint, { version: m.version, mountPoint: m.mountPoint, controllers: m.controllers });
  }
  return [...out.values()];
}
