// Reference semantics of a policy, computed directly from the rules with
// bigint arithmetic and no BPF. Tests run compiled programs against it.
import { type Arch, AUDIT_ARCH, isX32Number } from "./arch.ts";
import { type Condition, resolvePolicy } from "./policy.ts";

/** struct seccomp_data as numbers: `nr` and `arch` unsigned 32-bit, `args` unsigned 64-bit. */
export type SeccompInput = { readonly nr: number; readonly arch: number; readonly args: readonly bigint[] };

function holds(c: Condition, raw: bigint): boolean {
  const x = c.width === 32 ? raw & 0xffffffffn : raw;
  switch (c.op) {
    case "eq":
      return x === c.value;
    case "ne":
      return x !== c.value;
    case "lt":
      return x < c.value;
    case "le":
      return x <= c.value;
    case "gt":
      return x > c.value;
    case "ge":
      return x >= c.value;
    case "masked-eq":
      return (x & c.mask) === c.value;
    case "masked-ne":
      return (x & c.mask) !== c.value;
  }
}

/** A function giving the filter return value the policy prescribes on `arch`. */
export function evaluator(policy: unknown, arch: Arch): (input: SeccompInput) => number {
  const p = resolvePolicy(policy, arch);
  return (input) => {
    if (input.arch >>> 0 !== AUDIT_ARCH[arch]) return p.foreignRet;
    const nr = input.nr >>> 0;
    if (arch === "x86_64" && isX32Number(nr)) return p.foreignRet;
    for (const r of p.rules) {
      if (r.nr !== nr) continue;
      if (r.when.every((c) => holds(c, input.args[c.arg] ?? 0n))) return r.ret;
    }
    return p.defaultRet;
  };
}

export function evaluate(policy: unknown, arch: Arch, input: SeccompInput): number {
  return evaluator(policy, arch)(input);
}
