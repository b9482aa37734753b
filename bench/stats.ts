// Small helpers shared by the benchmarks: order statistics, the machine line,
// and rounds that interleave variants so drift hits every variant alike.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

export type Stats = { n: number; median: number; p90: number; min: number; max: number };

export function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? Number.NaN;
  return { n: s.length, median: at(0.5), p90: at(0.9), min: s[0] ?? Number.NaN, max: s[s.length - 1] ?? Number.NaN };
}

/** Kernel, cores, Bun: the line every result file starts with. */
export function machineLine(): string {
  let model = "";
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? "";
  } catch {
    // not Linux
  }
  let kernel = "";
  try {
    kernel = readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();
  } catch {
    kernel = process.platform;
  }
  let load = "";
  try {
    load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    // no loadavg
  }
  return `Linux ${kernel}, ${availableParallelism()} cores${model ? ` (${model})` : ""}, Bun ${Bun.version}${load ? `, load average at start ${load}` : ""}`;
}

export type Variant = {
  readonly name: string;
  /** One measured operation; resolves when it is over. */
  readonly once: () => Promise<unknown>;
  /** Operations per round (slow peers get fewer). */
  readonly perRound: number;
  /** Awaited before each operation, outside its clock (a warm sandbox made ready). */
  readonly before?: () => Promise<unknown>;
};

/**
 * `rounds` rounds; in each every variant runs `perRound` times in turn (in a
 * shuffled order), after
 * `warmup` unmeasured runs of each. Returns the samples (ms) by variant name.
 */
export async function interleave(variants: readonly Variant[], rounds: number, warmup = 5, onRound?: (r: number) => void): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (const v of variants) for (let i = 0; i < Math.min(warmup, v.perRound); i++) await v.once();
  for (let r = 0; r < rounds; r++) {
    // A fresh order each round: the kernel's deferred work after one variant
    // (namespace teardown, cgroup release) then lands on every variant alike.
    const order = [...variants];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const v of order) {
      const t = out.get(v.name)!;
      for (let i = 0; i < v.perRound; i++) {
        await v.before?.();
        const s = performance.now();
        await v.once();
        t.push(performance.now() - s);
      }
    }
    onRound?.(r);
  }
  return out;
}

export const fmt = (ms: number, digits = 3) => (Number.isFinite(ms) ? ms.toFixed(digits) : "–");
export const ratio = (x: number, base: number) => (Number.isFinite(x) && base > 0 ? `${(x / base).toFixed(2)}×` : "–");
