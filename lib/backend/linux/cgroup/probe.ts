// Which cgroup hierarchies cordon can use here, found by trying: for each
// hierarchy, make (or reuse) a `cordon` directory in the caller's own cgroup,
// create and remove a probe cgroup below it, and look at the files the kernel
// gives that probe cgroup. Nothing is inferred from kernel versions.
//
// The base sits under the caller's own cgroup so a sandbox stays inside every
// limit the caller itself is under (a job already capped at 4 GiB cannot hand
// a sandbox more). Only when the caller's own cgroup refuses and the caller is
// root does cordon fall back to the hierarchy's root (and, for cgroup v2,
// when only the root delegates the controllers the limits need). The base is removed
// again whenever it is empty, so cordon leaves nothing in a cgroup the host
// may want to remove after the caller exits. cordon never writes the
// caller's own cgroup files: v2 controllers are used only if the parent
// already delegates them (they appear in the base's cgroup.controllers).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CgroupHost, CgroupV1Host, CgroupV2Host, V1Controller, V2Controller } from "../../../plan/linux/containment-host.ts";
import { ensureDir, makeDir, removeDir, removeIfEmpty, tryRead, writeCgroupFile } from "./fs.ts";
import { cleanupStale } from "./cleanup.ts";
import { locateOwnCgroups, type CgroupMount } from "./mounts.ts";
import { BASE_NAME, freshName } from "./names.ts";

const v1Controllers: readonly V1Controller[] = ["memory", "pids", "cpu", "cpuacct", "freezer"];
const v2Controllers: readonly V2Controller[] = ["memory", "pids", "cpu"];

/** A file only a working controller gives a new cgroup. */
const v1Witness: Record<V1Controller, string> = {
  memory: "memory.limit_in_bytes",
  pids: "pids.max",
  cpu: "cpu.cfs_quota_us",
  cpuacct: "cpuacct.usage",
  freezer: "freezer.state",
};
const v2Witness: Record<V2Controller, string> = { memory: "memory.max", pids: "pids.max", cpu: "cpu.max" };

/** Makes `base` (if needed) and a probe cgroup in it; returns the probe path or why not. */
function tryBase(base: string): { probe: string } | { why: string } {
  try {
    ensureDir(base);
    const probe = join(base, freshName());
    makeDir(probe);
    return { probe };
  } catch (e) {
    return { why: (e as Error).message };
  }
}

/** Where a base may go: the caller's own cgroup, then (root only) the hierarchy's root. */
function candidateDirs(mount: CgroupMount, ownDir: string | undefined, euid: number): string[] {
  return [...new Set([ownDir, euid === 0 ? mount.mountPoint : undefined].filter((d): d is string => d !== undefined))];
}

/** The first writable base among the candidates, with a probe cgroup made in it. */
function writableBase(dirs: readonly string[], notes: string[], label: string): { base: string; probe: string } | undefined {
  const whys: string[] = [];
  for (const dir of dirs) {
    const base = join(dir, BASE_NAME);
    const r = tryBase(base);
    if ("probe" in r) return { base, probe: r.probe };
    whys.push(r.why);
  }
  notes.push(`${label}: no writable cgroup (${whys.join("; ") || "caller's cgroup not visible in this mount"})`);
  return undefined;
}

/** One v2 base: which controllers it delegates (enabled in its subtree_control) and which core files exist. */
function probeV2Base(base: string, probe: string): { host: CgroupV2Host; notes: string[] } {
  const notes: string[] = [];
  try {
    const offered = (tryRead(join(base, "cgroup.controllers")) ?? "").trim().split(/\s+/);
    const enabled = new Set((tryRead(join(base, "cgroup.subtree_control")) ?? "").trim().split(/\s+/));
    const controllers: V2Controller[] = [];
    for (const c of v2Controllers) {
      if (!offered.includes(c)) continue;
      if (!enabled.has(c)) {
        try {
          writeCgroupFile(join(base, "cgroup.subtree_control"), `+${c}`);
        } catch (e) {
          notes.push(`cgroup v2 ${c}: cannot enable in ${base} (${(e as Error).message})`);
          continue;
        }
      }
      if (existsSync(join(probe, v2Witness[c]))) controllers.push(c);
    }
    const missing = v2Controllers.filter((c) => !controllers.includes(c));
    if (missing.length) notes.push(`cgroup v2: controllers ${missing.join(", ")} not delegated to ${base}`);
    return {
      host: { base, controllers, kill: existsSync(join(probe, "cgroup.kill")), swap: existsSync(join(probe, "memory.swap.max")) },
      notes,
    };
  } finally {
    removeDir(probe);
    removeIfEmpty(base);
  }
}

/**
 * The caller's own cgroup first. A cgroup that holds processes cannot pass
 * controllers down (cgroup v2's no-internal-process rule), so root, whose own
 * cgroup is often such a leaf (a login session, a service), also tries the
 * root of the hierarchy and takes it only if it delegates more controllers.
 */
function probeV2(mount: CgroupMount, ownDir: string | undefined, euid: number, notes: string[]): CgroupV2Host | undefined {
  const dirs = candidateDirs(mount, ownDir, euid);
  const first = writableBase(dirs, notes, "cgroup v2");
  if (!first) return undefined;
  let best = probeV2Base(first.base, first.probe);
  const rest = dirs.slice(dirs.indexOf(dirname(first.base)) + 1);
  if (best.host.controllers.length < v2Controllers.length && rest.length) {
    const other = writableBase(rest, [], "cgroup v2");
    if (other) {
      const r = probeV2Base(other.base, other.probe);
      if (r.host.controllers.length > best.host.controllers.length) best = r;
    }
  }
  notes.push(...best.notes);
  return best.host;
}

function probeV1(controller: V1Controller, mount: CgroupMount, ownDir: string | undefined, euid: number, notes: string[]): CgroupV1Host | undefined {
  const found = writableBase(candidateDirs(mount, ownDir, euid), notes, `cgroup v1 ${controller}`);
  if (!found) return undefined;
  const { base, probe } = found;
  try {
    if (!existsSync(join(probe, v1Witness[controller]))) {
      notes.push(`cgroup v1 ${controller}: ${v1Witness[controller]} missing in a new cgroup`);
      return undefined;
    }
    return controller === "memory" ? { base, memsw: existsSync(join(probe, "memory.memsw.limit_in_bytes")) } : { base };
  } finally {
    removeDir(probe);
    removeIfEmpty(base);
  }
}

/** Probes every hierarchy; each call makes and removes probe cgroups. */
export function probeCgroupHost(euid: number = process.geteuid?.() ?? -1): CgroupHost {
  const notes: string[] = [];
  let located: ReturnType<typeof locateOwnCgroups>;
  try {
    located = locateOwnCgroups();
  } catch (e) {
    return { v1: {}, notes: [`cannot read /proc/self/mountinfo or /proc/self/cgroup: ${(e as Error).message}`] };
  }
  const v2Mount = located.find((l) => l.mount.version === 2);
  const v2 = v2Mount ? probeV2(v2Mount.mount, v2Mount.ownDir, euid, notes) : undefined;
  if (!v2Mount) notes.push("cgroup v2: not mounted");
  const v1: Partial<Record<V1Controller, CgroupV1Host>> = {};
  for (const c of v1Controllers) {
    const l = located.find((x) => x.mount.version === 1 && x.mount.controllers.includes(c));
    if (!l) continue;
    const h = probeV1(c, l.mount, l.ownDir, euid, notes);
    if (h) v1[c] = h;
  }
  return v2 ? { v2, v1, notes } : { v1, notes };
}

let cached: CgroupHost | undefined;

/**
 * The probe, once per process (pass refresh to probe again). The first probe
 * also removes the cgroups of cordon processes that died without cleaning up.
 */
export function cgroupHost(refresh = false): CgroupHost {
  if (!cached || refresh) {
    const first = !cached;
    cached = probeCgroupHost();
    if (first) cleanupStale(cached);
  }
  return cached;
}
