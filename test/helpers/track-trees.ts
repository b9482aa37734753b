// Per-file bookkeeping of the Linux tree tests: what a test made is undone
// after it, and no cgroup of this process may outlive it.
import { afterEach, expect } from "bun:test";
import type { SandboxCgroup } from "../../lib/backend/linux/cgroup/sandbox-cgroup.ts";
import type { CgroupHost } from "../../lib/plan/linux/containment-host.ts";
import { drainSpares } from "../../lib/backend/linux/cgroup/pool.ts";
import { ownCgroups, reapSurvivors } from "../fixtures/tree/scan.ts";

/**
 * The cgroup sets and tree tokens a test file makes: after each test the
 * survivors are reaped, the sets destroyed, and no cordon cgroup of this
 * process may be left under any base of `host`.
 */
export function trackTrees(host: CgroupHost | undefined): { made: SandboxCgroup[]; tokens: string[] } {
  const bases = host ? [host.v2?.base, ...Object.values(host.v1).map((h) => h?.base)].filter((b): b is string => !!b) : [];
  const made: SandboxCgroup[] = [];
  const tokens: string[] = [];
  afterEach(() => {
    for (const t of tokens.splice(0)) reapSurvivors(t);
    for (const c of made.splice(0)) c.destroy();
    // Spare sets of earlier spawns' pools (cgroup/pool.ts) are not this file's.
    drainSpares();
    expect(ownCgroups(bases)).toEqual([]);
  });
  return { made, tokens };
}
