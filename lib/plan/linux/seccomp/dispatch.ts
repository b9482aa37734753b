// Dispatch on the syscall number. Every number gets a decision (a return, or
// argument checks ending in returns); equal decisions of adjacent numbers fold
// into ranges, and a balanced binary search over the range starts picks the
// range in O(log ranges) jumps — the layout of Chromium's bpf_dsl jump table.
// A decision that ignores the arguments is a bare return reached through
// number comparisons only, which the kernel's action cache can precompute.
import { X32_LEGACY_END, X32_LEGACY_START, X32_SYSCALL_BIT } from "./arch.ts";
import { BPF_JGE } from "./bpf.ts";
import { lowerConjunction } from "./conditions.ts";
import { jmp, Keys, outcomes, ret, type Node } from "./ir.ts";
import type { ArchPolicy, ArchRule } from "./policy.ts";

/** Syscall numbers [start, end) sharing one decision. `end` may be 2^32. */
export type Range = { readonly start: number; readonly end: number; readonly node: Node };

const NR_SPACE = 2 ** 32;

/** The decision for one syscall from its rules in policy order: first full match wins. */
export function decide(rules: readonly ArchRule[], fallback: number): Node {
  let node = ret(fallback);
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i]!;
    node = r.when.length === 0 ? ret(r.ret) : lowerConjunction(r.when, ret(r.ret), node);
  }
  // Checks whose every outcome is the same return need no checks at all.
  const out = outcomes(node);
  return out.size === 1 ? ret([...out][0]!) : node;
}

/** The number line [0, 2^32) cut into ranges of equal decisions. */
export function ranges(policy: ArchPolicy): Range[] {
  const byNr = new Map<number, ArchRule[]>();
  for (const r of policy.rules) {
    const list = byNr.get(r.nr);
    if (list) list.push(r);
    else byNr.set(r.nr, [r]);
  }
  const points: { start: number; node: Node }[] = [];
  const fallback = ret(policy.defaultRet);
  const foreign = ret(policy.foreignRet);
  const special = new Map<number, Node>();
  for (const [nr, rules] of byNr) {
    special.set(nr, decide(rules, policy.defaultRet));
    if (!special.has(nr + 1)) special.set(nr + 1, fallback);
  }
  if (policy.arch === "x86_64") {
    // x32 numbers carry the x86_64 arch value; reject them by number: the
    // x32 bit, and the legacy range older kernels routed to x32 entries.
    for (const [start, end] of [[X32_SYSCALL_BIT, 2 * X32_SYSCALL_BIT], [X32_LEGACY_START, X32_LEGACY_END]] as const) {
      for (const nr of special.keys()) if (nr > start && nr < end) special.delete(nr);
      special.set(start, foreign);
      if (!special.has(end)) special.set(end, fallback);
    }
  }
  if (!special.has(0)) special.set(0, fallback);
  for (const start of [...special.keys()].sort((a, b) => a - b)) points.push({ start, node: special.get(start)! });

  const out: Range[] = [];
  const keys = new Keys();
  points.forEach((p, i) => {
    const end = points[i + 1]?.start ?? NR_SPACE;
    const last = out[out.length - 1];
    if (last && keys.of(last.node) === keys.of(p.node)) out[out.length - 1] = { ...last, end };
    else out.push({ start: p.start, end, node: p.node });
  });
  return out;
}

/** Balanced binary search over `ranges` (sorted, contiguous); the accumulator holds nr. */
export function searchTree(rs: readonly Range[], lo = 0, hi = rs.length): Node {
  if (hi - lo === 1) return rs[lo]!.node;
  const mid = (lo + hi) >>> 1;
  return jmp(BPF_JGE, rs[mid]!.start, searchTree(rs, mid, hi), searchTree(rs, lo, mid));
}
