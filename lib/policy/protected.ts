// The default protected paths: what stays read-only inside a write grant
// unless it is granted by its own exact path. A job granted its checkout
// (`--allow-write=.`) must not be able to plant what the next, trusted step
// runs: git runs the hooks and obeys the configuration of the repository it
// works in (core.hooksPath, core.fsmonitor, aliases, filters all execute
// commands). The list, in one place:
//
// - `.git/hooks` and `.git/config` of the repository at, or around, each
//   write grant and the working directory (the nearest `.git` above it, or
//   the `.git` directory it lies in);
// - when `.git` is a file (a linked worktree or a submodule: "gitdir: PATH"),
//   the file itself (rewritten, it would point git elsewhere), PATH/hooks and
//   PATH/config, and the common directory's (PATH/commondir) hooks and config;
// - the hooks and config of the submodules' gitdirs (`.git/modules/...`);
// - the directory core.hooksPath names in those configs, when it lies inside
//   a write grant.
//
// A repository's common `hooks` directory and `config` are made (empty) when
// missing, as `git init` would have: a missing one could be created inside.
// Other repositories nested deeper in a grant are not looked for: name their
// paths with denyWrite. A symlink on the way (`.git` or `hooks` as a link)
// lies in a writable directory and could be replaced: its target is
// protected, and the link is reported as a gap.
import { basename, dirname, join, resolve, sep } from "node:path";

export const PROTECTED_NAMES = [".git/hooks", ".git/config"] as const;

export type Protection = {
  /** Real paths to keep read-only (each exists). */
  readonly paths: string[];
  /** Symlinks on the way to a protected path: replaceable inside, so not protected. */
  readonly gaps: string[];
};

/** This OS's separator: a Windows grant is C:\\x, a POSIX one /x. */
const isWithin = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** What the finder asks of the filesystem (the resolver passes the host's; tests a map). */
export type ProtectedFs = {
  /** What `path` is, without following a last symlink; undefined when absent. */
  kind(path: string): "dir" | "file" | "link" | undefined;
  /** A file's text, or undefined. */
  read(path: string): string | undefined;
  /** The real path, or undefined (dangling). */
  real(path: string): string | undefined;
  /** Makes an empty directory or file. */
  make(path: string, kind: "dir" | "file"): void;
  /** The names in a directory ([] when it is none). */
  list(path: string): string[];
  /** The caller's home, for a hooksPath of "~/...". */
  readonly home: string;
};

/** core.hooksPath in a git config file's text, or undefined. */
export function hooksPathOf(config: string): string | undefined {
  let section = "";
  let found: string | undefined;
  for (const raw of config.split("\n")) {
    const line = raw.trim();
    const head = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"[^"]*")?\s*\]/.exec(line);
    if (head) {
      section = head[1]!.toLowerCase();
      continue;
    }
    const kv = /^hookspath\s*=\s*(.*)$/i.exec(line);
    if (section === "core" && kv) found = kv[1]!.replace(/^"(.*)"$/, "$1").trim(); // the last one wins, as in git
  }
  return found || undefined;
}

/** What git reads when it works in a worktree, found through `fs`. */
class Finder {
  readonly paths = new Set<string>();
  readonly gaps = new Set<string>();

  /** `inside`: whether a path lies in a write grant (only there is a missing one made). */
  constructor(
    private readonly fs: ProtectedFs,
    private readonly inside: (path: string) => boolean,
  ) {}

  /** `path` and, through any symlink, its target; a link is a gap. */
  add(path: string): void {
    const k = this.fs.kind(path);
    if (k === undefined) return;
    if (k === "link") this.gaps.add(path);
    const real = this.fs.real(path);
    if (real !== undefined) this.paths.add(real); // a dangling link protects nothing
  }

  readonly seen = new Set<string>();

  /** A gitdir's hooks and config, its submodules'; `own` (a main repository or a common dir) has them made when missing. */
  gitDir(dir: string, worktree: string, own: boolean): void {
    const fs = this.fs;
    if (this.seen.has(dir)) return;
    this.seen.add(dir);
    if (own && fs.kind(join(dir, "HEAD")) === "file") {
      for (const [name, kind] of [["hooks", "dir"], ["config", "file"]] as const) {
        const path = join(dir, name);
        if (fs.kind(path) === undefined && this.inside(path)) fs.make(path, kind);
      }
    }
    this.add(join(dir, "hooks"));
    this.add(join(dir, "config"));
    const hooksPath = hooksPathOf(fs.read(join(dir, "config")) ?? "");
    if (hooksPath) this.add(hooksPath.startsWith("~/") ? join(fs.home, hooksPath.slice(2)) : resolve(worktree, hooksPath));
    this.modules(join(dir, "modules"), 0);
  }

  /** Submodules' gitdirs beneath `dir` (names may hold slashes: a gitdir is a directory with HEAD). */
  modules(dir: string, depth: number): void {
    if (depth > 8 || this.fs.kind(dir) !== "dir") return;
    for (const name of this.fs.list(dir)) {
      const sub = join(dir, name);
      if (this.fs.kind(sub) !== "dir") continue;
      if (this.fs.kind(join(sub, "HEAD")) === "file") this.gitDir(sub, sub, false);
      else this.modules(sub, depth + 1);
    }
  }

  /** The repository at `root`, and the one around it: the nearest `.git` above, or the `.git` directory it lies in. */
  around(root: string): void {
    this.worktree(root);
    for (let p = root; ; p = dirname(p)) {
      if (basename(p) === ".git" && this.fs.kind(p) === "dir") return this.gitDir(p, dirname(p), true);
      if (p !== root && this.fs.kind(join(p, ".git")) !== undefined) return this.worktree(p);
      if (dirname(p) === p) return;
    }
  }

  worktree(root: string): void {
    const fs = this.fs;
    const dotGit = join(root, ".git");
    const k = fs.kind(dotGit);
    if (k === "link") this.gaps.add(dotGit);
    if (k === "dir" || k === "link") {
      const real = fs.real(dotGit); // a dangling .git link: no repository here
      if (real !== undefined) this.gitDir(real, root, true);
      return;
    }
    if (k !== "file") return;
    // A linked worktree or a submodule: the file names its gitdir.
    this.add(dotGit);
    const target = /^gitdir:\s*(.+?)\s*$/m.exec(fs.read(dotGit) ?? "")?.[1];
    if (!target) return;
    const gitDir = resolve(root, target);
    this.gitDir(gitDir, root, false);
    const common = fs.read(join(gitDir, "commondir"))?.trim();
    if (common) this.gitDir(resolve(gitDir, common), root, true);
  }
}

/**
 * Protected paths for a sandbox whose write grants are `writable` (real
 * paths) and whose working directory is `cwd`: those inside a write grant,
 * but not one granted by its own exact path (`exact`).
 */
export function protectedPaths(writable: readonly string[], exact: readonly string[], cwd: string, fs: ProtectedFs): Protection {
  const writableHere = (p: string) => writable.some((w) => isWithin(p, w));
  const f = new Finder(fs, writableHere);
  const roots = new Set(writable);
  if (writableHere(cwd)) roots.add(cwd);
  for (const r of roots) f.around(r);
  const inside = (p: string) => writableHere(p) && !exact.includes(p);
  return { paths: [...f.paths].filter(inside).sort(), gaps: [...f.gaps].filter((p) => writable.some((w) => isWithin(p, w) && p !== w)).sort() };
}

