// Argument conditions lowered to BPF. seccomp_data holds each argument as a
// u64 but BPF compares 32 bits at a time, so a 64-bit comparison tests the
// high half first and looks at the low half only when the high halves tie.
import { BPF_JEQ, BPF_JGE, BPF_JGT } from "./bpf.ts";
import { argHigh, argLow } from "./data.ts";
import { and, jmp, ld, type Node } from "./ir.ts";
import type { Condition } from "./policy.ts";

const U32 = 0xffffffffn;

function halves(v: bigint): [hi: number, lo: number] {
  return [Number((v >> 32n) & U32), Number(v & U32)];
}

/** (arg & mask) == value over one 32-bit half at `offset`; a zero mask always holds. */
function maskedHalf(offset: number, mask: number, value: number, yes: Node, no: Node): Node {
  if (mask === 0) return yes;
  const test = jmp(BPF_JEQ, value, yes, no);
  return ld(offset, mask === 0xffffffff ? test : and(mask, test));
}

/** (arg & mask) == value. */
function maskedEq(c: Condition, yes: Node, no: Node): Node {
  const [mhi, mlo] = halves(c.mask);
  const [vhi, vlo] = halves(c.value);
  const low = maskedHalf(argLow(c.arg), mlo, vlo, yes, no);
  return c.width === 32 ? low : maskedHalf(argHigh(c.arg), mhi, vhi, low, no);
}

/** arg > value (`op` BPF_JGT) or arg >= value (`op` BPF_JGE), unsigned. */
function greater(c: Condition, op: number, yes: Node, no: Node): Node {
  const [vhi, vlo] = halves(c.value);
  const low = ld(argLow(c.arg), jmp(op, vlo, yes, no));
  if (c.width === 32) return low;
  // High half decides unless equal; then the low half does.
  return ld(argHigh(c.arg), jmp(BPF_JGT, vhi, yes, jmp(BPF_JEQ, vhi, low, no)));
}

/** Code that goes to `yes` when `c` holds for the call and to `no` otherwise. */
export function lowerCondition(c: Condition, yes: Node, no: Node): Node {
  const full = c.width === 32 ? U32 : (1n << 64n) - 1n;
  const exact: Condition = { ...c, mask: full };
  switch (c.op) {
    case "eq":
      return maskedEq(exact, yes, no);
    case "ne":
      return maskedEq(exact, no, yes);
    case "masked-eq":
      return maskedEq(c, yes, no);
    case "masked-ne":
      return maskedEq(c, no, yes);
    case "gt":
      return greater(c, BPF_JGT, yes, no);
    case "le":
      return greater(c, BPF_JGT, no, yes);
    case "ge":
      return greater(c, BPF_JGE, yes, no);
    case "lt":
      return greater(c, BPF_JGE, no, yes);
  }
}

/** All of `conds` hold → `yes`; the first that fails → `no`. */
export function lowerConjunction(conds: readonly Condition[], yes: Node, no: Node): Node {
  let node = yes;
  for (let i = conds.length - 1; i >= 0; i--) node = lowerCondition(conds[i]!, node, no);
  return node;
}
