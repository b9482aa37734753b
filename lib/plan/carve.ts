// Carve-outs beneath grants, the same on every OS: a denied read (nothing
// beneath it can be read or written), a read-only path (a denied write or a
// default protected path, lib/policy/protected.ts). Deny wins: the resolver
// already dropped grants beneath a denied read and made write grants beneath
// a read-only path read grants. Only a carve-out beneath a grant that would
// reach it needs enforcing; the rest is simply not granted. Pure.
import type { ResolvedPolicy } from "../policy/types.ts";
import type { GuaranteeReport } from "../report.ts";

export type Carve = {
  /** Real paths nothing may read beneath. */
  readonly denyRead: readonly string[];
  /** Real paths nothing may write beneath: denied writes and protected paths. */
  readonly readOnly: readonly string[];
};

type Fs = Pick<ResolvedPolicy["fs"], "read" | "write" | "denyRead" | "denyWrite" | "protected">;

const isWithin = (path: string, dir: string) => dir === "/" || path === dir || path.startsWith(dir + "/");
export const beneath = (path: string, dir: string) => path !== dir && isWithin(path, dir);

/** The carve-outs a grant reaches: denied reads beneath any grant, read-only paths beneath a write grant. */
export function reachedCarve(fs: Fs): Carve {
  const grants = [...fs.read, ...fs.write];
  return {
    denyRead: (fs.denyRead ?? []).filter((d) => grants.some((g) => beneath(d, g))),
    readOnly: [...(fs.denyWrite ?? []), ...(fs.protected ?? [])].filter((d) => fs.write.some((w) => beneath(d, w))),
  };
}

/**
 * The directories between each of `paths` and the outermost write grant
 * above it, strictly. Renaming one of them away and making a fresh one in
 * its place would give a writable path where the carve-out was, so each
 * OS keeps them from being renamed or removed (while what is in them stays
 * writable).
 */
export function pinsOf(paths: readonly string[], write: readonly string[]): string[] {
  const pins = new Set<string>();
  for (const path of paths) {
    const outer = write.filter((w) => beneath(path, w)).sort((a, b) => a.length - b.length)[0];
    if (outer === undefined) continue; // nothing writable above it: nothing can be renamed
    for (let p = parent(path); beneath(p, outer); p = parent(p)) pins.add(p);
  }
  return [...pins].sort();
}

function parent(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

export type CarveGuarantee = "fs.deny-confined" | "fs.protected-paths";

/**
 * The carve-out rows of a report, each as `row` says for this OS, given
 * whether a grant reaches one of its carve-outs (the others hold wherever the
 * grants are confined at all): fs.deny-confined for denyRead and denyWrite,
 * fs.protected-paths for the default protected paths. A symlink on the way
 * to a protected path (replaceable inside) leaves the latter partial at best.
 */
export function carveRows(fs: Fs & Pick<ResolvedPolicy["fs"], "protectedGaps">, row: (guarantee: CarveGuarantee, reached: boolean) => GuaranteeReport): GuaranteeReport[] {
  const out: GuaranteeReport[] = [];
  if (fs.denyRead?.length || fs.denyWrite?.length) {
    const reached = reachedCarve({ ...fs, protected: [] });
    out.push(row("fs.deny-confined", reached.denyRead.length + reached.readOnly.length > 0));
  }
  const gaps = fs.protectedGaps ?? [];
  if (fs.protected?.length || gaps.length) {
    const r = row("fs.protected-paths", true);
    const gapReason = `symlinks inside a write grant on the way to a protected path can be replaced: ${gaps.join(", ")}`;
    out.push(r.status === "enforced" && gaps.length ? { ...r, status: "partial", reason: gapReason } : r);
  }
  return out;
}
