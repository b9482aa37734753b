// What enforces the policy's carve-outs on Linux, for the report. Landlock
// grants are unions beneath a directory: it cannot take access back beneath
// a granted one. So a carve-out inside a grant that would reach it holds
// only through the private root's mounts (lib/backend/linux/carve-outs.ts);
// one outside every such grant is simply not granted. Pure.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { carveRows } from "../carve.ts";

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
  return carveRows(policy.fs, (guarantee, reached): GuaranteeReport => {
    if (reached) {
      if (host.privateRoot) return { guarantee, status: "enforced", by: [MOUNTS, PINS] };
      const how = guarantee === "fs.protected-paths" ? "; grant each path by its own exact path to make it writable on purpose, or run --best-effort" : "";
      return { guarantee, status: "not-enforced", by: [], reason: NO_ROOT + how };
    }
    if (host.landlock) return { guarantee, status: "enforced", by: ["landlock: no grant reaches a denied path"] };
    if (host.privateRoot) return { guarantee, status: "enforced", by: ["the private root holds only the grants"] };
    return { guarantee, status: "not-enforced", by: [], reason: "neither landlock nor a private root confines the filesystem here" };
  });
}
