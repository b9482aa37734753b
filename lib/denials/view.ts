// What a private root refuses without landlock ever seeing it: a path outside
// every grant does not exist in the sandbox (ENOENT), a write beneath a
// read grant meets a read-only bind (EROFS), and a directory holding grants
// lists only them. From a call the supervisor recorded, the file operation
// it made and whether the view, cordon's own construction, refused it. A
// path that does not exist on the host either is no denial (it would fail
// anyway), nor is one that resolves into the grants. Pure: the host is asked
// through `host`.
import { posix } from "node:path";
import { absolutePath, text, type Call } from "./calls.ts";
import type { DenialInput } from "./log.ts";
import { UAPI_AARCH64, UAPI_SHARED, UAPI_X86_64 } from "../../ffi/generated/linux-tables.ts";

/** `stat`: a lookup (stat, access, readlink, chdir, open with O_PATH): the path must exist in the view, its content is not read. */
export type FsAccess = "stat" | "read" | "exec" | "readdir" | "write" | "create" | "remove";
export type FsOp = { readonly access: FsAccess; readonly path: string };

export type View = {
  /** Real paths granted for reading (the system set included), for writing, and the symlinks recreated on the way to them. */
  readonly read: readonly string[];
  readonly write: readonly string[];
  readonly links: readonly string[];
  readonly cwd: string;
};

export type Host = {
  /** The real path of `p` on the host, undefined when it does not exist. */
  realpath(p: string): string | undefined;
};

const { O_ACCMODE, O_CREAT, O_PATH } = UAPI_SHARED;
/** O_DIRECTORY is the one open flag here whose value differs between the two arches (asm/fcntl.h). */
const O_DIRECTORY = { x86_64: UAPI_X86_64.O_DIRECTORY, aarch64: UAPI_AARCH64.O_DIRECTORY } as const;

const LOOKUPS = new Set(["stat", "lstat", "newfstatat", "statx", "access", "faccessat", "faccessat2", "readlink", "readlinkat", "chdir"]);
const ATTRS = new Set(["truncate", "chmod", "fchmodat", "chown", "lchown", "fchownat", "utimensat"]);

function openAccess(flags: bigint, arch: Call["arch"]): FsAccess {
  const f = Number(flags & 0xffffffffn);
  if (f & O_PATH) return "stat";
  if ((f & O_ACCMODE) === 0) return f & O_DIRECTORY[arch ?? "x86_64"] ? "readdir" : "read";
  return f & O_CREAT ? "create" : "write";
}

/** The file operations a recorded call made (a rename removes one name and makes another). */
export function fsOps(c: Call): FsOp[] {
  const at = (i: number, access: FsAccess): FsOp[] => {
    const path = absolutePath(c, i);
    return path === undefined ? [] : [{ access, path }];
  };
  switch (c.name) {
    case "open":
      return at(0, openAccess(c.args[1]!, c.arch));
    case "creat":
      return at(0, "create");
    case "openat":
      return at(1, openAccess(c.args[2]!, c.arch));
    case "execve":
      return at(0, "exec");
    case "execveat":
      return at(1, "exec");
    case "mkdir":
    case "mknod":
      return at(0, "create");
    case "mkdirat":
    case "mknodat":
      return at(1, "create");
    case "symlink":
      return at(1, "create");
    case "symlinkat":
      return at(2, "create");
    case "rmdir":
    case "unlink":
      return at(0, "remove");
    case "unlinkat":
      return at(1, "remove");
    case "rename":
      return [...at(0, "remove"), ...at(1, "create")];
    case "link":
      return [...at(0, "read"), ...at(1, "create")];
    case "renameat":
    case "renameat2":
      return [...at(1, "remove"), ...at(3, "create")];
    case "linkat":
      return [...at(1, "read"), ...at(3, "create")];
    case "getdents":
    case "getdents64": {
      const p = text(c, 32);
      return p?.startsWith("/") ? [{ access: "readdir", path: p }] : [];
    }
  }
  if (LOOKUPS.has(c.name)) return at(c.name.endsWith("at") || c.name.endsWith("at2") || c.name === "statx" ? 1 : 0, "stat");
  if (ATTRS.has(c.name)) return at(c.name.endsWith("at") ? 1 : 0, "write");
  return [];
}

const within = (p: string, dir: string) => dir === "/" || p === dir || p.startsWith(dir + "/");

/** The denial the view stands for in `op`, if it refused it. */
export function viewDenial(op: FsOp, view: View, host: Host): DenialInput | undefined {
  const p = op.path;
  if (within(p, "/proc")) return undefined; // the sandbox's own procfs
  const inWrite = view.write.some((g) => within(p, g));
  const inRead = inWrite || view.read.some((g) => within(p, g)) || view.links.includes(p);
  const grants = [...view.read, ...view.write, ...view.links];
  // A directory of the view itself: the root, a parent of grants, the working directory's mount point.
  const viewDir = (d: string) => d === view.cwd || grants.some((g) => within(g, d));
  const by = "private root (seccomp user-notify of path calls)";
  const refused = (access: FsAccess, target: string, flag: "--allow-read" | "--allow-write", detail: string): DenialInput => ({
    class: "fs",
    access,
    target,
    allow: `${flag}=${target}`,
    by,
    detail,
  });
  const real = host.realpath(p);
  const intoGrants = real !== undefined && grants.some((g) => within(real, g));
  if (op.access === "stat" || op.access === "read" || op.access === "exec" || op.access === "readdir") {
    if (inRead) return undefined;
    if (viewDir(p)) return op.access === "readdir" && !intoGrants ? refused("readdir", p, "--allow-read", "the directory lists only the grants beneath it") : undefined;
    if (real === undefined || intoGrants) return undefined;
    // A lookup and a read of one path are one denial: the same grant lifts both.
    return refused(op.access === "stat" ? "read" : op.access, p, "--allow-read", "outside every grant: not in the sandbox (ENOENT)");
  }
  if (inWrite) return undefined; // a writable bind: landlock decides, and its audit records say so
  const parent = posix.dirname(p);
  // Creating a file that exists is writing it (open with O_CREAT of an existing file).
  const access: FsAccess = op.access === "create" && real !== undefined ? "write" : op.access;
  const target = access === "write" && real !== undefined ? p : parent;
  if (inRead) return refused(access, target, "--allow-write", "beneath a read grant: a read-only bind (EROFS)");
  if (viewDir(parent)) return undefined; // a directory of the view: landlock decides
  const realTarget = host.realpath(target);
  if (realTarget === undefined || grants.some((g) => within(realTarget, g))) return undefined;
  return refused(access, target, "--allow-write", "outside every grant: not in the sandbox (ENOENT)");
}
