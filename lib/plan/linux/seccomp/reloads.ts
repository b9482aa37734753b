// Drops loads of a word the accumulator already holds. Argument checks load
// the same half for each condition on it (socket's domain compared with
// AF_UNIX, then AF_NETLINK...), and a jump does not change the accumulator.
// A load is dropped only when every path into it arrives with that word in A.
import { mapChildren, type Node } from "./ir.ts";

const UNKNOWN = -1;

export function dropReloads(root: Node): Node {
  // What A holds on entry to each node, over all paths (offset, or UNKNOWN).
  const entry = new Map<Node, Set<number>>();
  const visit = (node: Node, a: number): void => {
    let seen = entry.get(node);
    if (!seen) entry.set(node, (seen = new Set()));
    if (seen.has(a)) return;
    seen.add(a);
    switch (node.t) {
      case "ld":
        visit(node.next, node.offset);
        break;
      case "and":
        visit(node.next, UNKNOWN);
        break;
      case "jmp":
        visit(node.jt, a);
        visit(node.jf, a);
        break;
    }
  };
  visit(root, UNKNOWN);

  const rebuilt = new Map<Node, Node>();
  const rebuild = (node: Node): Node => {
    const done = rebuilt.get(node);
    if (done) return done;
    // A load of what A already holds on every path in is dropped.
    const held = (offset: number) => entry.get(node)!.size === 1 && entry.get(node)!.has(offset);
    const out = node.t === "ld" && held(node.offset) ? rebuild(node.next) : mapChildren(node, rebuild);
    rebuilt.set(node, out);
    return out;
  };
  return rebuild(root);
}
