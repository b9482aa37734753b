// The program before layout: a DAG whose nodes become one instruction each.
// Branch targets are nodes, not offsets; layout.ts assigns offsets.

export type Node =
  | { readonly t: "ret"; readonly k: number }
  | { readonly t: "ld"; readonly offset: number; readonly next: Node }
  | { readonly t: "and"; readonly k: number; readonly next: Node }
  /** `op` is BPF_JEQ, BPF_JGT, BPF_JGE or BPF_JSET against the constant `k`. */
  | { readonly t: "jmp"; readonly op: number; readonly k: number; readonly jt: Node; readonly jf: Node };

const rets = new Map<number, Node>();

/** One shared node per return value, so equal outcomes compare equal. */
export function ret(k: number): Node {
  const key = k >>> 0;
  let n = rets.get(key);
  if (!n) rets.set(key, (n = { t: "ret", k: key }));
  return n;
}

export function ld(offset: number, next: Node): Node {
  return { t: "ld", offset, next };
}

export function and(k: number, next: Node): Node {
  return { t: "and", k: k >>> 0, next };
}

export function jmp(op: number, k: number, jt: Node, jf: Node): Node {
  return jt === jf ? jt : { t: "jmp", op, k: k >>> 0, jt, jf };
}

/** `node` with each child replaced by `f(child)`; a return has none. */
export function mapChildren(node: Node, f: (child: Node) => Node): Node {
  switch (node.t) {
    case "ret":
      return node;
    case "ld":
      return ld(node.offset, f(node.next));
    case "and":
      return and(node.k, f(node.next));
    case "jmp":
      return jmp(node.op, node.k, f(node.jt), f(node.jf));
  }
}

/** Every return value reachable from `node` (each shared node visited once: chains share their fallbacks). */
export function outcomes(node: Node, into = new Set<number>(), seen = new Set<Node>()): Set<number> {
  if (seen.has(node)) return into;
  seen.add(node);
  switch (node.t) {
    case "ret":
      into.add(node.k);
      break;
    case "ld":
    case "and":
      outcomes(node.next, into, seen);
      break;
    case "jmp":
      outcomes(node.jt, into, seen);
      outcomes(node.jf, into, seen);
      break;
  }
  return into;
}

/**
 * A structural key: two nodes get the same key iff they have the same shape,
 * so they compute the same function of seccomp_data. Children are named by
 * small interned ids, so keys stay short however much the DAG shares.
 */
export class Keys {
  private readonly ids = new Map<string, number>();
  private readonly memo = new Map<Node, number>();

  of(node: Node): number {
    const seen = this.memo.get(node);
    if (seen !== undefined) return seen;
    let shape: string;
    switch (node.t) {
      case "ret":
        shape = `r${node.k}`;
        break;
      case "ld":
        shape = `l${node.offset},${this.of(node.next)}`;
        break;
      case "and":
        shape = `a${node.k},${this.of(node.next)}`;
        break;
      case "jmp":
        shape = `j${node.op},${node.k},${this.of(node.jt)},${this.of(node.jf)}`;
        break;
    }
    let id = this.ids.get(shape);
    if (id === undefined) this.ids.set(shape, (id = this.ids.size));
    this.memo.set(node, id);
    return id;
  }
}
