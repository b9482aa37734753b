// Limit hits as denials: the verdict cordon reached (it killed the tree) and
// the cgroup's own counters (OOM kills, forks refused at pids.max). Pure.
import type { Limits } from "../policy/types.ts";
import type { DenialInput } from "./log.ts";

/** A byte count as the --memory flag takes it. */
function size(bytes: number): string {
  for (const [unit, n] of [["G", 2 ** 30], ["M", 2 ** 20], ["K", 2 ** 10]] as const) if (bytes % n === 0) return `${bytes / n}${unit}`;
  return String(bytes);
}

export type LimitFacts = {
  readonly verdict?: string | undefined;
  /** Processes the OOM killer killed in the tree's cgroup. */
  readonly oomKills?: number;
  /** Forks refused because the tree was at its pids limit. */
  readonly pidsMaxHits?: number;
};

/** Each limit the run hit, once, with the flag that doubles it. */
export function limitDenials(limits: Limits, facts: LimitFacts): { denial: DenialInput; count: number }[] {
  const out: { denial: DenialInput; count: number }[] = [];
  const memoryHits = facts.oomKills ?? 0;
  if (limits.memory !== undefined && (memoryHits > 0 || facts.verdict === "memory limit exceeded")) {
    out.push({
      denial: { class: "limit", access: "memory", target: size(limits.memory), allow: `--memory=${size(limits.memory * 2)}`, by: memoryHits > 0 ? "cgroup memory OOM kills" : "cordon's memory verdict", detail: `${memoryHits} process(es) killed by the OOM killer` },
      count: Math.max(1, memoryHits),
    });
  }
  const forks = facts.pidsMaxHits ?? 0;
  if (limits.pids !== undefined && forks > 0) {
    out.push({ denial: { class: "limit", access: "pids", target: String(limits.pids), allow: `--pids=${limits.pids * 2}`, by: "cgroup pids.events max", detail: `${forks} fork(s) refused` }, count: forks });
  }
  if (limits.cpuSeconds !== undefined && facts.verdict === "cpu limit exceeded") {
    out.push({ denial: { class: "limit", access: "cpu", target: `${limits.cpuSeconds}s`, allow: `--cpu=${limits.cpuSeconds * 2}`, by: "cordon's cpu verdict" }, count: 1 });
  }
  if (limits.timeoutMs !== undefined && facts.verdict === "timeout") {
    out.push({ denial: { class: "limit", access: "timeout", target: `${limits.timeoutMs / 1000}s`, allow: `--timeout=${(limits.timeoutMs * 2) / 1000}`, by: "cordon's wall clock" }, count: 1 });
  }
  return out;
}
