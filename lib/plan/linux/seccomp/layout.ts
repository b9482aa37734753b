// Layout: the node DAG to a flat instruction list. Conditional jumps reach at
// most 255 instructions forward (u8 jt/jf); a farther target is reached
// through a BPF_JA trampoline (32-bit offset) or, for a return, a fresh copy
// of the return — the same size and one instruction shorter to run.
// Emission goes backwards from the end, so every target is placed before the
// jumps to it and its distance is known.
import { BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, type Insn, jump, stmt } from "./bpf.ts";
import type { Node } from "./ir.ts";

const MAX_JUMP = 255;

export function layout(root: Node): Insn[] {
  const rev: Insn[] = []; // rev[i] is the i-th instruction counted from the end
  const placed = new Map<Node, number>();
  const nearestRet = new Map<number, number>();

  const place = (insn: Insn): number => rev.push(insn) - 1;
  // Forward offset from the next instruction to be placed to instruction `at`.
  const offsetTo = (at: number): number => rev.length - at - 1;

  const placeRet = (k: number): number => {
    const at = place(stmt(BPF_RET | BPF_K, k));
    nearestRet.set(k, at);
    return at;
  };

  /** `at` (where `node` lies) if a jump placed next reaches it; else a nearer copy or a trampoline. */
  const near = (node: Node, at: number, limit: number): number => {
    if (offsetTo(at) <= limit) return at;
    if (node.t === "ret") return placeRet(node.k);
    return place(stmt(BPF_JMP | BPF_JA, offsetTo(at)));
  };

  const emit = (node: Node): number => {
    const seen = node.t === "ret" ? nearestRet.get(node.k) : placed.get(node);
    if (seen !== undefined) return seen;
    let at: number;
    switch (node.t) {
      case "ret":
        return placeRet(node.k);
      case "ld":
      case "and": {
        near(node.next, emit(node.next), 0); // fall through into the next instruction
        at = place(node.t === "ld" ? stmt(BPF_LD | BPF_W | BPF_ABS, node.offset) : stmt(BPF_ALU | BPF_AND | BPF_K, node.k));
        break;
      }
      case "jmp": {
        let t = emit(node.jt);
        let f = emit(node.jf);
        t = near(node.jt, t, MAX_JUMP);
        f = near(node.jf, f, MAX_JUMP);
        t = near(node.jt, t, MAX_JUMP); // f's trampoline may have pushed t out of reach
        at = place(jump(BPF_JMP | node.op | BPF_K, node.k, offsetTo(t), offsetTo(f)));
        break;
      }
    }
    placed.set(node, at);
    return at;
  };

  emit(root);
  return rev.reverse();
}
