// Leftovers of cordon processes that died without cleaning up (SIGKILL, OOM,
// power loss of a container): every `cordon-<pid>-<start>-<nonce>` cgroup
// whose owner is gone is killed empty and removed by the next cordon process
// that starts. Owners are looked up in this process's pid namespace; bases are
// per caller cgroup, so processes of other namespaces rarely share one.
import { readdirSync } from "node:fs";
import type { CgroupHost } from "../../../plan/linux/containment-host.ts";
import { removeIfEmpty } from "./fs.ts";
import { ownerOf, startTicks } from "./names.ts";
import { SandboxCgroup } from "./sandbox-cgroup.ts";

/**
 * Whether the process that made a cgroup is alive: a process with the
 * owner's pid exists and started at the tick the name records (a recycled pid
 * belongs to a process started later).
 */
export function ownerAlive(owner: { pid: number; start: number }): boolean {
  return startTicks(owner.pid) === owner.start;
}

export type StaleCleanup = { readonly removed: readonly string[]; readonly failed: readonly { name: string; reason: string }[] };

/** Kills and removes every cordon cgroup under the host's bases whose owner is dead. */
export function cleanupStale(host: CgroupHost): StaleCleanup {
  const bases = [host.v2?.base, ...Object.values(host.v1).map((h) => h?.base)].filter((b): b is string => b !== undefined);
  const stale = new Set<string>();
  for (const base of bases) {
    let names: string[];
    try {
      names = readdirSync(base);
    } catch {
      continue;
    }
    for (const name of names) {
      const owner = ownerOf(name);
      if (owner !== undefined && owner.pid !== process.pid && !ownerAlive(owner)) stale.add(name);
    }
  }
  const removed: string[] = [];
  const failed: { name: string; reason: string }[] = [];
  for (const name of stale) {
    try {
      SandboxCgroup.reclaim(host, name).destroy();
      removed.push(name);
    } catch (e) {
      failed.push({ name, reason: (e as Error).message });
    }
  }
  for (const base of bases) removeIfEmpty(base);
  return { removed, failed };
}
