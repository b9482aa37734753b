// Equal decisions share one body. Syscalls with the same argument checks
// (chmod, fchmod, creat and mknod all test the mode in args[1]) would
// otherwise each get a copy; after this pass structurally equal nodes are one
// node, which layout emits once. Runs before dropReloads, which then sees
// every path into a shared node.
import { Keys, mapChildren, type Node } from "./ir.ts";

export function share(root: Node): Node {
  const keys = new Keys();
  const byKey = new Map<number, Node>();
  const done = new Map<Node, Node>();
  const visit = (node: Node): Node => {
    const seen = done.get(node);
    if (seen) return seen;
    const key = keys.of(node);
    let out = byKey.get(key);
    if (!out) byKey.set(key, (out = mapChildren(node, visit)));
    done.set(node, out);
    return out;
  };
  return visit(root);
}
