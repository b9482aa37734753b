// Containment of a Linux sandbox: from the policy's limits and the probed
// host, which cgroups and files, which rlimits, which tree-kill mechanism, what the
// supervisor must watch, and what the report says. Pure: no I/O here.
import { CompatError, PolicyError } from "../../errors.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { planCgroups, type CgroupPlan } from "./containment-cgroup.ts";
import type { ContainmentHost } from "./containment-host.ts";
import { chooseTreeKill, type TreeKillChoice } from "./containment-tree.ts";

/** Resource numbers of setrlimit(2); the same on every Linux ABI cordon builds for. */
export const RLIMIT = { CPU: 0, FSIZE: 1, CORE: 4, NPROC: 6, NOFILE: 7 } as const;

export type PlannedRlimit = { readonly name: keyof typeof RLIMIT; readonly resource: number; readonly soft: number; readonly hard: number };

export type ContainmentPlan = {
  /** Undefined when the host offers no usable cgroup at all. */
  readonly cgroups?: CgroupPlan;
  readonly rlimits: readonly PlannedRlimit[];
  readonly treeKill: TreeKillChoice;
  /** The command must be pid 1 of a new pid namespace (the pid namespace tree kill). */
  readonly newPidNamespace: boolean;
  /** What the supervisor watches while the tree runs. */
  readonly watch: {
    /** Kill the tree once its cgroup CPU time passes this many microseconds. */
    readonly cpuUsec?: number;
    readonly timeoutMs?: number;
    /** On timeout: this signal to the whole tree first, then SIGKILL `killAfterMs` later (lib/grace.ts). */
    readonly killSignal?: string | number;
    readonly killAfterMs?: number;
    /** Kill the rest of the tree after an OOM kill (v1 kills one process; v2 uses memory.oom.group). */
    readonly oomKillsTree: boolean;
  };
  readonly report: readonly GuaranteeReport[];
};

type Containment = Pick<ResolvedPolicy, "limits" | "user" | "compat">;

function positiveInteger(field: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isSafeInteger(v) && v > 0)) throw new PolicyError(field, `must be a positive integer, got ${v}`);
}

function validate(limits: ResolvedPolicy["limits"]): void {
  positiveInteger("limits.memory", limits.memory);
  positiveInteger("limits.pids", limits.pids);
  positiveInteger("limits.timeoutMs", limits.timeoutMs);
  positiveInteger("limits.openFiles", limits.openFiles);
  positiveInteger("limits.fileSize", limits.fileSize);
  if (limits.cpuSeconds !== undefined && !(Number.isFinite(limits.cpuSeconds) && limits.cpuSeconds > 0)) {
    throw new PolicyError("limits.cpuSeconds", `must be a positive number, got ${limits.cpuSeconds}`);
  }
}

/**
 * Plans containment. In hard mode a requested guarantee that is not fully
 * enforced here is a CompatError; the process tree's kill is always requested.
 */
export function planContainment(policy: Containment, host: ContainmentHost): ContainmentPlan {
  const { limits } = policy;
  validate(limits);
  const hasCgroup = host.cgroups.v2 !== undefined || Object.keys(host.cgroups.v1).length > 0;
  const cgroups = hasCgroup ? planCgroups(limits, host.cgroups) : undefined;
  const treeKill = chooseTreeKill(host);
  const report: GuaranteeReport[] = [];
  const rlimits: PlannedRlimit[] = [{ name: "CORE", resource: RLIMIT.CORE, soft: 0, hard: 0 }];
  const cgroupNote = host.cgroups.notes.join("; ") || "no writable cgroup";
  const written = (file: string) => cgroups?.writes.find((w) => w.file === file);

  const killStatus = treeKill.mechanism === "process group" ? "partial" : "enforced";
  report.push({
    guarantee: "tree.kill",
    status: killStatus,
    by: [treeKill.mechanism],
    ...(killStatus === "partial" ? { reason: `a setsid() escapes the process group (${treeKill.skipped.join("; ")})` } : {}),
  });

  if (limits.memory !== undefined) {
    const w = written("memory.max") ?? written("memory.limit_in_bytes");
    if (w?.hierarchy === "v2") report.push({ guarantee: "limits.memory", status: "enforced", by: [host.cgroups.v2!.swap ? "cgroup v2 memory.max" : "cgroup v2 memory.max (no swap accounting)"] });
    else if (w) report.push({ guarantee: "limits.memory", status: "enforced", by: [host.cgroups.v1.memory!.memsw ? "cgroup v1 memory (+memsw)" : "cgroup v1 memory (no swap accounting)"] });
    else report.push({ guarantee: "limits.memory", status: "not-enforced", by: [], reason: `no memory cgroup (${cgroupNote}); RLIMIT_AS limits address space per process only` });
  }

  const targetUid = policy.user?.uid ?? host.euid;
  if (limits.pids !== undefined) {
    const w = written("pids.max");
    if (w) report.push({ guarantee: "limits.pids", status: "enforced", by: [w.hierarchy === "v2" ? "cgroup v2 pids.max" : "cgroup v1 pids"] });
    else if (targetUid !== 0) {
      rlimits.push({ name: "NPROC", resource: RLIMIT.NPROC, soft: limits.pids, hard: limits.pids });
      report.push({ guarantee: "limits.pids", status: "partial", by: ["RLIMIT_NPROC"], reason: `RLIMIT_NPROC counts every process of uid ${targetUid}, not only this tree` });
    } else report.push({ guarantee: "limits.pids", status: "not-enforced", by: [], reason: `no pids cgroup (${cgroupNote}); root ignores RLIMIT_NPROC` });
  }

  let cpuUsec: number | undefined;
  if (limits.cpuSeconds !== undefined) {
    const secs = Math.ceil(limits.cpuSeconds);
    // SIGXCPU at the soft limit, SIGKILL one second later if it is caught.
    rlimits.push({ name: "CPU", resource: RLIMIT.CPU, soft: secs, hard: secs + 1 });
    if (cgroups?.cpuAccounting) {
      cpuUsec = Math.round(limits.cpuSeconds * 1e6);
      report.push({ guarantee: "limits.cpuSeconds", status: "enforced", by: ["RLIMIT_CPU", cgroups.cpuAccounting] });
    } else report.push({ guarantee: "limits.cpuSeconds", status: "partial", by: ["RLIMIT_CPU"], reason: "per process only: no cgroup CPU accounting for the whole tree" });
  }

  if (limits.timeoutMs !== undefined) {
    report.push({ guarantee: "limits.timeoutMs", status: killStatus, by: ["timer", treeKill.mechanism], ...(killStatus === "partial" ? { reason: "the tree is killed by process group only" } : {}) });
  }
  if (limits.openFiles !== undefined) {
    rlimits.push({ name: "NOFILE", resource: RLIMIT.NOFILE, soft: limits.openFiles, hard: limits.openFiles });
    report.push({ guarantee: "limits.openFiles", status: "enforced", by: ["RLIMIT_NOFILE"] });
  }
  if (limits.fileSize !== undefined) {
    rlimits.push({ name: "FSIZE", resource: RLIMIT.FSIZE, soft: limits.fileSize, hard: limits.fileSize });
    report.push({ guarantee: "limits.fileSize", status: "enforced", by: ["RLIMIT_FSIZE"] });
  }

  if (policy.compat === "hard") {
    const missing = report.filter((g) => g.status !== "enforced").map((g) => ({ guarantee: g.guarantee, reason: g.reason ?? g.status }));
    if (missing.length) throw new CompatError(missing);
  }

  const watch = {
    ...(cpuUsec !== undefined ? { cpuUsec } : {}),
    ...(limits.timeoutMs !== undefined ? { timeoutMs: limits.timeoutMs } : {}),
    ...(limits.killSignal !== undefined ? { killSignal: limits.killSignal } : {}),
    ...(limits.killAfterMs !== undefined ? { killAfterMs: limits.killAfterMs } : {}),
    oomKillsTree: written("memory.limit_in_bytes") !== undefined,
  };
  return {
    ...(cgroups ? { cgroups } : {}),
    rlimits,
    treeKill,
    newPidNamespace: treeKill.mechanism === "pid namespace",
    watch,
    report,
  };
}
