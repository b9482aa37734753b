// What enforces the policy's carve-outs on Linux, for the report. Landlock
// grants are unions beneath a directory: it cannot take access back beneath
// a granted one. So a carve-out inside a grant that would reach it holds
// only through the private root's mounts (lib/backend/linux/carve-outs.ts);
// one outside every such grant is simply not granted. Pure.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { reachedCarve } from "../carve.ts";

export type CarveHost = {
  /** A private root (mount namespace) is made for this sandbox. */
  readonly privateRoot: boolean;
  /** Landlock confines the filesystem here. */
  readonly landlock: boolean;
};

const MOUNTS = "mount namespace: read-only binds over denied writes and protected paths, read-only empty mode-0000 covers over denied reads";
const PINS = "the directories between a write grant and each carve-out bound onto themselves (a mount point cannot be renamed or removed)";
const NO_ROOT = "landlock cannot take access back beneath a granted directory, and no private root (mount namespace) can be made here";

/** The carve-out guarantees `policy` asks for: fs.deny-confined (denyRead, denyWrite) and fs.protected-paths. */
export function carveOutReport(policy: Pick<ResolvedPolicy, "fs">, host: CarveHost): GuaranteeReport[] {
  const fs = policy.fs;
  const out: GuaranteeReport[] = [];
  const denyRead = fs.denyRead ?? [];
  const denyWrite = fs.denyWrite ?? [];
  if (denyRead.length || denyWrite.length) {
    const reached = reachedCarve({ ...fs, protected: [] });
    const inside = reached.denyRead.length + reached.readOnly.length > 0;
    const outside = host.landlock ? "landlock: no grant reaches a denied path" : "the private root holds only the grants";
    out.push(
      inside
        ? host.privateRoot
          ? { guarantee: "fs.deny-confined", status: "enforced", by: [MOUNTS, PINS] }
          : { guarantee: "fs.deny-confined", status: "not-enforced", by: [], reason: NO_ROOT }
        : host.landlock || host.privateRoot
          ? { guarantee: "fs.deny-confined", status: "enforced", by: [outside] }
          : { guarantee: "fs.deny-confined", status: "not-enforced", by: [], reason: "neither landlock nor a private root confines the filesystem here" },
    );
  }
  const prot = fs.protected ?? [];
  const gaps = fs.protectedGaps ?? [];
  if (prot.length || gaps.length) {
    const gapReason = `symlinks inside a write grant on the way to a protected path can be replaced: ${gaps.join(", ")}`;
    out.push(
      !host.privateRoot
        ? { guarantee: "fs.protected-paths", status: "not-enforced", by: [], reason: `${NO_ROOT}; grant each path by its own exact path to make it writable on purpose, or run --best-effort` }
        : gaps.length
          ? { guarantee: "fs.protected-paths", status: "partial", by: [MOUNTS, PINS], reason: gapReason }
          : { guarantee: "fs.protected-paths", status: "enforced", by: [MOUNTS, PINS] },
    );
  }
  return out;
}
