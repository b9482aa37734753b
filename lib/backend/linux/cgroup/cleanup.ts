// Leftovers of cordon processes that died without cleaning up (SIGKILL, OOM,
// power loss of a container): every `cordon-<pid>-<nonce>` cgroup whose owner
// is gone is killed empty and removed by the next cordon process that starts.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { CgroupHost } from "../../../plan/linux/containment-host.ts";
import { removeIfEmpty } from "./fs.ts";
import { ownerOf } from "./names.ts";
import { SandboxCgroup } from "./sandbox-cgroup.ts";

/** Seconds since boot at which `pid` started, or undefined if it does not exist. */
function startedAfterBoot(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22 (starttime, clock ticks); comm (field 2) may hold spaces, so count after ") ".
    const ticks = Number(stat.slice(stat.lastIndexOf(") ") + 2).split(" ")[19]);
    return ticks / 100; // USER_HZ is 100 on every Linux ABI cordon targets
  } catch {
    return undefined;
  }
}

function bootTime(): number {
  const m = readFileSync("/proc/stat", "utf8").match(/^btime (\d+)$/m);
  return m ? Number(m[1]) : 0;
}

/**
 * Whether the process that made `dir` is still alive: a process with the
 * owner's pid exists and started no later than the directory was made (so a
 * reused pid does not keep a dead owner's cgroup alive forever).
 */
export function ownerAlive(owner: number, dir: string): boolean {
  const started = startedAfterBoot(owner);
  if (started === undefined) return false;
  try {
    const made = statSync(dir).ctimeMs / 1000;
    return bootTime() + started <= made + 2;
  } catch {
    return true;
  }
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
      if (owner !== undefined && owner !== process.pid && !ownerAlive(owner, join(base, name))) stale.add(name);
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
