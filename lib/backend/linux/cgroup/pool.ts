// Spare cgroup sets of one compiled sandbox (or of the one-shot spawns'
// shared state), their limits written: a spawn takes one instead of making
// a set (mkdir per hierarchy, limit files, fds), and gives it back once its
// tree is gone instead of removing it (rmdir per hierarchy). A set is given
// back only empty, never killed or frozen, its page cache residue small; its
// limit files are written again and its counters rebased for the next tree.
// Anything else, and every set past the bound, is destroyed. close(), an
// idle spell, and process exit (sandbox-cgroup.ts) remove the spares; a dead
// owner's are removed by the next cordon process's cleanupStale (their names
// are a sandbox's names).
import { join } from "node:path";
import type { CgroupPlan } from "../../../plan/linux/containment-cgroup.ts";
import type { CgroupHost } from "../../../plan/linux/containment-host.ts";
import { keyedValues, writeCgroupFile } from "./fs.ts";
import { SandboxCgroup } from "./sandbox-cgroup.ts";

/** Spare sets one pool keeps, over every plan it serves. */
const POOL_MAX = 8;
/** Spares are removed once no set was given back for this long. */
const POOL_IDLE_MS = 2000;
/**
 * Memory a tree may leave charged to a set that is reused (its page cache,
 * slab). Measured here: 160-530 KiB after /bin/true, python3 or ls. Reclaiming
 * it (v1 memory.force_empty) costs 3 ms and more, ten mkdirs' worth; a set
 * above this is destroyed instead, so the next tree starts no further below
 * its memory limit than this.
 */
const RESIDUE_MAX = 1 << 20;

/** Why `cg` must not serve another tree, or undefined when it may. Never reuse on a failed read. */
function whyNotReusable(cg: SandboxCgroup): string | undefined {
  if (cg.spent) return "a kill or freeze was written to it";
  if (cg.dirs.has("v2")) {
    const events = cg.read("v2", "cgroup.events");
    if (events === undefined) return "cgroup.events unreadable";
    const e = keyedValues(events);
    if (e.populated !== 0) return "populated";
    if (e.frozen !== 0) return "frozen";
  }
  for (const h of cg.plan.v1) {
    const procs = cg.read(h, "cgroup.procs");
    if (procs === undefined || procs.trim() !== "") return `${h}: ${procs === undefined ? "cgroup.procs unreadable" : "not empty"}`;
    if (h === "freezer" && cg.read(h, "freezer.state")?.trim() !== "THAWED") return "freezer: not thawed";
  }
  const usage = cg.plan.v1.includes("memory") ? cg.read("memory", "memory.usage_in_bytes") : cg.plan.writes.some((w) => w.file === "memory.max") ? cg.read("v2", "memory.current") : "0";
  if (usage === undefined || !(Number(usage.trim()) <= RESIDUE_MAX)) return `memory left charged: ${usage?.trim() ?? "unreadable"}`;
  return undefined;
}

/** Pools holding spares now (a pool leaves this set when drained). */
const holding = new Set<CgroupPool>();

/** Removes the spares of every pool (tests and leak checks: what is left after this is a leak). */
export function drainSpares(): void {
  for (const pool of [...holding]) pool.drain();
}

export class CgroupPool {
  readonly #idle = new Map<string, SandboxCgroup[]>();
  #count = 0;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly max = POOL_MAX) {}

  /** A spare set for `plan`, checked once more, else a fresh one; either way given back by its release(). */
  take(host: CgroupHost, plan: CgroupPlan): SandboxCgroup {
    const list = this.#idle.get(keyOf(plan));
    for (let cg = list?.pop(); cg; cg = list?.pop()) {
      this.#count--;
      // Only a writer of its cgroup.procs could have put a process there since: checked again, killed and dropped if so.
      if (whyNotReusable(cg) === undefined) {
        cg.pool = this;
        return cg;
      }
      destroyQuietly(cg);
    }
    const cg = SandboxCgroup.create(host, plan);
    cg.pool = this;
    return cg;
  }

  /** A set whose tree is gone: kept for the next spawn when it may serve one, else destroyed. */
  give(cg: SandboxCgroup): void {
    cg.pool = undefined;
    if (this.#closed || this.#count >= this.max || whyNotReusable(cg) !== undefined || !reset(cg)) return cg.destroy();
    const key = keyOf(cg.plan);
    const list = this.#idle.get(key) ?? [];
    list.push(cg);
    this.#idle.set(key, list);
    this.#count++;
    holding.add(this);
    if (this.#timer) this.#timer.refresh();
    else {
      this.#timer = setTimeout(() => this.drain(), POOL_IDLE_MS);
      // Spares must not keep the process alive; exit removes them anyway.
      this.#timer.unref?.();
    }
  }

  /** Spare sets now. */
  get size(): number {
    return this.#count;
  }

  /** Removes every spare set (sets in use are destroyed when given back only after close()). */
  drain(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const all = [...this.#idle.values()].flat();
    this.#idle.clear();
    this.#count = 0;
    holding.delete(this);
    let failure: unknown;
    for (const cg of all) {
      try {
        cg.destroy();
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure) throw failure;
  }

  /** No more spares: those kept are removed now, those in use when their tree is gone. */
  close(): void {
    this.#closed = true;
    this.drain();
  }
}

/**
 * The plan's limit files as the plan says (the tree could not write them
 * through its read-only view, but nothing is assumed: one read each, a write
 * where it differs), the counters rebased.
 */
function reset(cg: SandboxCgroup): boolean {
  try {
    for (const w of cg.plan.writes) if (cg.read(w.hierarchy, w.file)?.trim() !== w.value) writeCgroupFile(join(cg.dirs.get(w.hierarchy)!, w.file), w.value);
    cg.rebase();
    return true;
  } catch {
    return false;
  }
}

function destroyQuietly(cg: SandboxCgroup): void {
  try {
    cg.destroy();
  } catch {
    // left for process exit or the next cordon process's cleanupStale
  }
}

/** Keys by plan object: a policy's plan is one object for all its spawns (the shape's), so its key is made once. */
const keys = new WeakMap<CgroupPlan, string>();

function keyOf(plan: CgroupPlan): string {
  let key = keys.get(plan);
  if (key === undefined) keys.set(plan, (key = JSON.stringify(plan)));
  return key;
}
