// While a sandbox's tree runs: the wall-clock limit, the tree's CPU time and
// OOM kills, each ending in a kill of the whole tree and a verdict the result
// can report. Polling, because cgroup v1 has no event file for either.
import type { ContainmentPlan } from "../../../plan/linux/containment.ts";
import { longTimeout } from "../../../timer.ts";
import type { SandboxCgroup } from "./sandbox-cgroup.ts";

export type LimitVerdict = "memory limit exceeded" | "cpu limit exceeded" | "timeout";

export type Supervisor = {
  /** The first limit hit so far, if any. */
  readonly verdict: () => LimitVerdict | undefined;
  /** Stops watching (the tree has exited) and returns the final verdict, checking OOM kills once more. */
  readonly stop: () => LimitVerdict | undefined;
  /** Settles after a limit was hit and the tree was killed (or the kill failed). */
  readonly killed: Promise<LimitVerdict>;
};

export function supervise(opts: {
  readonly cgroup?: SandboxCgroup;
  readonly watch: ContainmentPlan["watch"];
  readonly killTree: () => Promise<void>;
  readonly intervalMs?: number;
}): Supervisor {
  const { cgroup, watch } = opts;
  let verdict: LimitVerdict | undefined;
  let stopped = false;
  let settle!: (v: LimitVerdict) => void;
  let fail!: (e: unknown) => void;
  const killed = new Promise<LimitVerdict>((res, rej) => ((settle = res), (fail = rej)));
  killed.catch(() => {}); // observed by callers that care; never an unhandled rejection

  const hit = (v: LimitVerdict, kill: boolean) => {
    if (verdict) return;
    verdict = v;
    if (!kill) return settle(v);
    opts.killTree().then(() => settle(v), fail);
  };
  const oomSeen = () => (cgroup ? cgroup.oomKills() > 0 : false);

  const timer = watch.timeoutMs !== undefined ? longTimeout(watch.timeoutMs, () => hit("timeout", true)) : undefined;
  const poll =
    cgroup && (watch.cpuUsec !== undefined || cgroup.dirs.has("memory") || cgroup.dirs.has("v2"))
      ? setInterval(() => {
          if (stopped || verdict) return;
          // v2 memory.oom.group already killed the tree; v1 killed one process.
          if (oomSeen()) return hit("memory limit exceeded", watch.oomKillsTree);
          const used = watch.cpuUsec !== undefined ? cgroup.cpuUsageUsec() : undefined;
          if (used !== undefined && used > watch.cpuUsec!) hit("cpu limit exceeded", true);
        }, opts.intervalMs ?? 20)
      : undefined;

  const stop = () => {
    stopped = true;
    timer?.clear();
    if (poll) clearInterval(poll);
    if (!verdict && oomSeen()) verdict = "memory limit exceeded";
    // A single process reaches RLIMIT_CPU (SIGXCPU) about when the tree
    // reaches the limit, often between two polls: the tree's total says so.
    if (!verdict && cgroup && watch.cpuUsec !== undefined && (cgroup.cpuUsageUsec() ?? 0) >= watch.cpuUsec) verdict = "cpu limit exceeded";
    return verdict;
  };
  return { verdict: () => verdict, stop, killed };
}
