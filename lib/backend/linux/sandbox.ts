// The Linux backend: the host as probed (host.ts), the pure plan
// (lib/plan/linux), and its execution (execute.ts), with what a compiled
// sandbox keeps across its spawns (LinuxState). lib/backend/contract.ts runs
// the steps in order: plan, refuse in hard mode, find the program, execute.
import { planLinux, planShape, type LinuxPlanHost, type LinuxPlan, type ShapePlan } from "../../plan/linux/index.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import { startSandbox, type SandboxBackend, type SandboxSpawn, type SandboxStdioOptions } from "../contract.ts";
import { CgroupPool } from "./cgroup/pool.ts";
import { executeLinux } from "./execute.ts";
import { linuxPlanHost } from "./host.ts";
import { linuxWarm } from "./warm.ts";
import type { ViewCache } from "./private-root.ts";

export { initPath, sandboxHost } from "./host.ts";
export { SPAWN_PHASES } from "./execute.ts";

const SHAPE_CACHE_SIZE = 32;

/**
 * What a compiled sandbox keeps across its spawns, instead of module caches:
 * the plan of its policy's shape (seccomp program, namespaces, containment,
 * keyed by the shape, so a state shared by one-shot spawns of several
 * policies holds each; bounded) and the views of its grants beside each
 * spawn's own TMPDIR (private-root.ts; bounded), and spare cgroup sets
 * with the limits written (cgroup/pool.ts; bounded, removed by close()).
 */
export class LinuxState {
  readonly #shapes = new Map<string, ShapePlan>();
  readonly views: ViewCache = new Map();
  readonly cgroups = new CgroupPool();

  /** The shape's plan, planned once: its reports are frozen, since every spawn's report shares them. */
  shape(policy: ResolvedPolicy, host: LinuxPlanHost): ShapePlan {
    const key = JSON.stringify([policy.limits, policy.user ?? null, policy.net, policy.egress ?? null, policy.compat]);
    const hit = this.#shapes.get(key);
    if (hit) return hit;
    const shape = planShape(policy, host);
    for (const g of [...shape.containment.report, ...shape.sandbox.report]) Object.freeze(g);
    if (this.#shapes.size >= SHAPE_CACHE_SIZE) this.#shapes.clear();
    this.#shapes.set(key, shape);
    return shape;
  }

  /** The spare cgroup sets removed; sets in use go when their trees are gone. */
  close(): void {
    this.cgroups.close();
  }
}

export const linuxBackend: SandboxBackend<LinuxPlanHost, LinuxPlan, LinuxState> = {
  host: (policy) => linuxPlanHost([...policy.fs.read, ...policy.fs.write].includes("/")),
  state: () => new LinuxState(),
  plan(policy, host, state) {
    const plan = planLinux(policy, host, state.shape(policy, host));
    const report = { platform: `linux-${process.arch}`, compat: policy.compat, guarantees: plan.report, host: [...plan.notes, ...plan.refusals.map((r) => r.reason)] };
    return { plan, report, refusals: plan.refusals };
  },
  execute: (plan, argv, file, stdio, state, mark) => executeLinux(plan, argv, file, stdio, mark, { views: state.views, cgroups: state.cgroups }),
  close: (state) => state.close(),
  warm: linuxWarm,
};

/** One sandboxed spawn of a resolved policy, planned and carried out (the one-shot steps, without lib/spawn.ts's options). */
export function sandboxSpawn(argv: readonly string[], policy: ResolvedPolicy, stdio: SandboxStdioOptions = {}, mark?: (phase: string) => void, state: LinuxState = new LinuxState()): SandboxSpawn {
  return startSandbox(linuxBackend, argv, policy, stdio, { state, ...(mark ? { mark } : {}) });
}

/** What lib/backend/load.ts loads. */
export { linuxBackend as backend };
