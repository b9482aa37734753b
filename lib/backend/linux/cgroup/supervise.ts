// While a sandbox's tree runs: the wall-clock limit, the tree's CPU time and
// OOM kills, each ending in a kill of the whole tree and a verdict the result
// can report. Polling, because cgroup v1 has no event file for either. The
// wall clock ends the tree as timeout(1) does: its signal (SIGTERM unless the
// policy names another) to the whole tree, SIGKILL after the grace period.
import { graceOf } from "../../../grace.ts";
import type { ContainmentPlan } from "../../../plan/linux/containment.ts";
import { longTimeout, type LongTimer } from "../../../timer.ts";
import type { SandboxCgroup } from "./sandbox-cgroup.ts";

export type LimitVerdict = "memory limit exceeded" | "cpu limit exceeded" | "timeout";

export type Supervisor = {
  /** The first limit hit so far, if any. */
  readonly verdict: () => LimitVerdict | undefined;
  /** Stops watching (the tree has exited) and returns the final verdict, checking OOM kills once more. */
  readonly stop: () => LimitVerdict | undefined;
  /** Settles after a limit was hit and the tree was killed (or the kill failed). */
  readonly killed: Promise<LimitVerdict>;
  /** Whether the supervisor's timers and polling keep the event loop alive (default: they do). */
  ref(): void;
  unref(): void;
};

export function supervise(opts: {
  readonly cgroup?: SandboxCgroup;
  readonly watch: ContainmentPlan["watch"];
  readonly killTree: () => Promise<void>;
  /** Sends a signal to every process of the tree (the timeout's first step); without it the timeout kills at once. */
  readonly signalTree?: (signal: number) => Promise<void>;
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

  const grace = graceOf(watch);
  let escalation: LongTimer | undefined;
  const timeUp = () => {
    if (verdict) return;
    if (grace.killAfterMs === 0 || !opts.signalTree) return hit("timeout", true);
    verdict = "timeout";
    // A failed signal must not leave the tree running: SIGKILL follows on time either way.
    opts.signalTree(grace.signal).catch(() => {});
    escalation = longTimeout(grace.killAfterMs, () => opts.killTree().then(() => settle("timeout"), fail));
    if (!refd) escalation.unref();
  };
  let refd = true;
  const timer = watch.timeoutMs !== undefined ? longTimeout(watch.timeoutMs, timeUp) : undefined;
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
    escalation?.clear();
    if (poll) clearInterval(poll);
    if (!verdict && oomSeen()) verdict = "memory limit exceeded";
    // A single process reaches RLIMIT_CPU (SIGXCPU) about when the tree
    // reaches the limit, often between two polls: the tree's total says so.
    if (!verdict && cgroup && watch.cpuUsec !== undefined && (cgroup.cpuUsageUsec() ?? 0) >= watch.cpuUsec) verdict = "cpu limit exceeded";
    return verdict;
  };
  const setRef = (on: boolean) => {
    refd = on;
    for (const t of [timer, escalation]) if (t) on ? t.ref() : t.unref();
    if (poll) on ? poll.ref() : poll.unref();
  };
  return { verdict: () => verdict, stop, killed, ref: () => setRef(true), unref: () => setRef(false) };
}
