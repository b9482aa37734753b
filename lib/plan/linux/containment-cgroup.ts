// Which cgroups a sandbox gets and which files are written in them, decided
// from the policy's limits and the probed host. Pure.
import type { Limits } from "../../policy/types.ts";
import type { CgroupHost, V1Controller } from "./containment-host.ts";

/** "v2" is the cgroup2 directory; a v1 controller names its hierarchy's directory. */
export type CgroupHierarchy = "v2" | V1Controller;

export type CgroupWrite = { readonly hierarchy: CgroupHierarchy; readonly file: string; readonly value: string };

export type CgroupPlan = {
  /** Make a cgroup2 directory (the child is born in it; cgroup.kill, cgroup.events). */
  readonly v2: boolean;
  /** v1 hierarchies to make a directory in, and join before exec. */
  readonly v1: readonly V1Controller[];
  /** In order: v1 memory.limit_in_bytes before memsw, which may never be below it. */
  readonly writes: readonly CgroupWrite[];
  /** Where the tree's CPU time is read, for a cpuSeconds limit over the whole tree. */
  readonly cpuAccounting?: "v2 cpu.stat" | "v1 cpuacct";
  /** How the kill of the tree works, if by cgroup. */
  readonly kill?: "cgroup v2 cgroup.kill" | "cgroup v1 freezer";
};

/** The cgroups and files for `limits` on `host`; mechanisms the host lacks are simply absent. */
export function planCgroups(limits: Limits, host: CgroupHost): CgroupPlan {
  const v1 = new Set<V1Controller>();
  const writes: CgroupWrite[] = [];
  const v2 = host.v2;
  const v2Has = (c: "memory" | "pids" | "cpu") => v2?.controllers.includes(c) ?? false;

  if (limits.memory !== undefined) {
    const bytes = String(limits.memory);
    if (v2Has("memory")) {
      writes.push({ hierarchy: "v2", file: "memory.max", value: bytes });
      // No swap: the limit is on memory the tree can touch, not on its RAM share.
      if (v2!.swap) writes.push({ hierarchy: "v2", file: "memory.swap.max", value: "0" });
      // One OOM kill takes the whole cgroup, so no half-killed tree lives on.
      writes.push({ hierarchy: "v2", file: "memory.oom.group", value: "1" });
    } else if (host.v1.memory) {
      v1.add("memory");
      writes.push({ hierarchy: "memory", file: "memory.limit_in_bytes", value: bytes });
      if (host.v1.memory.memsw) writes.push({ hierarchy: "memory", file: "memory.memsw.limit_in_bytes", value: bytes });
    }
  }
  if (limits.pids !== undefined) {
    if (v2Has("pids")) writes.push({ hierarchy: "v2", file: "pids.max", value: String(limits.pids) });
    else if (host.v1.pids) {
      v1.add("pids");
      writes.push({ hierarchy: "pids", file: "pids.max", value: String(limits.pids) });
    }
  }

  // cpu.max / cpu.cfs_quota_us cap a rate; the policy asks for a budget of
  // CPU seconds, which is counted (below) and enforced by the supervisor.
  let cpuAccounting: CgroupPlan["cpuAccounting"];
  if (limits.cpuSeconds !== undefined) {
    // cpu.stat usage_usec is a core file of every cgroup2 directory.
    if (v2) cpuAccounting = "v2 cpu.stat";
    else if (host.v1.cpuacct) {
      v1.add("cpuacct");
      cpuAccounting = "v1 cpuacct";
    }
  }

  let kill: CgroupPlan["kill"];
  if (v2?.kill) kill = "cgroup v2 cgroup.kill";
  else if (host.v1.freezer) {
    v1.add("freezer");
    kill = "cgroup v1 freezer";
  }

  const order: V1Controller[] = ["memory", "pids", "cpu", "cpuacct", "freezer"];
  const plan: CgroupPlan = { v2: v2 !== undefined, v1: order.filter((c) => v1.has(c)), writes };
  return { ...plan, ...(cpuAccounting ? { cpuAccounting } : {}), ...(kill ? { kill } : {}) };
}
