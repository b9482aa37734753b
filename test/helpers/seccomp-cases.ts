// Random seccomp policies and inputs for the equivalence tests: a seeded
// generator, so a failure names the seed that reproduces it.
import { type Arch, AUDIT_ARCH, syscallNumber, X32_SYSCALL_BIT } from "../../lib/plan/linux/seccomp/arch.ts";
import type { Action, ArgCondition, ArgOp, Rule, SeccompPolicy } from "../../lib/plan/linux/seccomp/policy.ts";
import { resolvePolicy } from "../../lib/plan/linux/seccomp/policy.ts";
import type { Input } from "./bpf-interpreter.ts";

/** mulberry32: small, seedable, good enough to spread test cases. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export type Rand = ReturnType<typeof rng>;

export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const u32 = (r: Rand) => Math.floor(r() * 2 ** 32) >>> 0;
const u64 = (r: Rand) => (BigInt(u32(r)) << 32n) | BigInt(u32(r));

const ACTIONS: readonly Action[] = ["allow", "kill-process", "log", { errno: "EPERM" }, { errno: 13 }, { errno: "ENOSYS" }, { errno: 4095 }];
// A small pool so rules collide on a syscall; `open` and `iopl` exist on x86_64 only.
const NAMES = ["read", "write", "socket", "ioctl", "openat", "close", "mmap", "getppid", "ptrace", "bpf", "open", "iopl", "io_uring_setup", "exit_group"];
const OPS: readonly ArgOp[] = ["eq", "ne", "lt", "le", "gt", "ge", "masked-eq", "masked-ne"];
const INTERESTING = [0n, 1n, 2n, 10n, 0x5412n, 0xffffffffn, 0x100000000n, 0x100005412n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn];

function value(r: Rand, width: 32 | 64): bigint {
  const v = r() < 0.6 ? pick(r, INTERESTING) : u64(r);
  return width === 32 ? v & 0xffffffffn : v;
}

function condition(r: Rand): ArgCondition {
  const width = r() < 0.5 ? 32 : 64;
  const op = pick(r, OPS);
  const arg = Math.floor(r() * 6);
  if (op === "masked-eq" || op === "masked-ne") {
    const mask = r() < 0.3 ? (width === 32 ? 0xfn : 0xffffffff0000000fn) : value(r, width);
    return { arg, op, mask, value: value(r, width) & mask, width };
  }
  return { arg, op, value: value(r, width), width };
}

export function randomPolicy(r: Rand, maxRules = 12): SeccompPolicy {
  const rules: Rule[] = [];
  const n = Math.floor(r() * maxRules);
  for (let i = 0; i < n; i++) {
    const when: ArgCondition[] = [];
    const c = r() < 0.3 ? 0 : Math.floor(r() * 4);
    for (let j = 0; j < c; j++) when.push(condition(r));
    rules.push({ syscall: pick(r, NAMES), action: pick(r, ACTIONS), when });
  }
  const policy: SeccompPolicy = { defaultAction: pick(r, ACTIONS), rules };
  return r() < 0.3 ? { ...policy, foreignArch: pick(r, ACTIONS) } : policy;
}

/** Inputs aimed at every boundary the policy has: its syscall numbers and argument constants, ± 1, other halves. */
export function inputsFor(policy: SeccompPolicy, arch: Arch, r: Rand, count: number): Input[] {
  const p = resolvePolicy(policy, arch);
  const native = AUDIT_ARCH[arch];
  const other = AUDIT_ARCH[arch === "x86_64" ? "aarch64" : "x86_64"];
  const nrs = new Set<number>([0, 1, 0x3fffffff, X32_SYSCALL_BIT, X32_SYSCALL_BIT + 1, 0x7fffffff, 0x80000000, 0xffffffff]);
  for (const rule of p.rules) for (const d of [-1, 0, 0, 1]) nrs.add((rule.nr + d) >>> 0);
  const nrList = [...nrs];
  const consts: bigint[] = [...INTERESTING];
  for (const rule of p.rules) for (const c of rule.when) consts.push(c.value, c.value + 1n, c.value - 1n, c.value ^ (1n << 32n), c.value | (c.mask ^ ((1n << 64n) - 1n)), c.mask);
  const arg = (): bigint => {
    const x = r() < 0.7 ? pick(r, consts) : u64(r);
    return ((x % (1n << 64n)) + (1n << 64n)) % (1n << 64n);
  };
  const out: Input[] = [];
  for (let i = 0; i < count; i++) {
    const roll = r();
    const archValue = roll < 0.85 ? native : roll < 0.9 ? other : roll < 0.95 ? pick(r, [0x40000003, 0x40000028]) : u32(r);
    const nr = r() < 0.85 ? pick(r, nrList) : r() < 0.5 ? Math.floor(r() * 520) : u32(r);
    out.push({ nr, arch: archValue, args: [arg(), arg(), arg(), arg(), arg(), arg()] });
  }
  return out;
}

/** Syscall numbers of `names` on `arch`, skipping those it lacks. */
export function numbers(arch: Arch, names: readonly string[]): number[] {
  return names.map((n) => syscallNumber(arch, n)).filter((n): n is number => n !== undefined);
}
