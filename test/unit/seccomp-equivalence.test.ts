// Every compiled program, run by the interpreter, must return what the
// reference evaluation of its policy prescribes, on thousands of random and
// boundary inputs (arch, nr, args).
import { describe, expect, test } from "bun:test";
import { ARCHES, type Arch, compileSeccomp, evaluator, presetPolicy, PRESET_NAMES, type SeccompPolicy } from "../../lib/plan/linux/seccomp/index.ts";
import { SYSCALLS_AARCH64, SYSCALLS_X86_64 } from "../../ffi/generated/linux-tables.ts";
import { checkFilter, decodeFilter, type Input, run } from "../helpers/bpf-interpreter.ts";
import { inputsFor, randomPolicy, rng } from "../helpers/seccomp-cases.ts";

/** Runs `inputs` through both; returns the mismatches (at most 5) and the count compared. */
function compare(policy: SeccompPolicy, arch: Arch, inputs: readonly Input[]): { bad: string[]; n: number } {
  const prog = decodeFilter(compileSeccomp(policy, arch).filter);
  checkFilter(prog);
  const want = evaluator(policy, arch);
  const bad: string[] = [];
  for (const input of inputs) {
    const got = run(prog, input);
    const expected = want(input);
    if (got !== expected && bad.length < 5) {
      bad.push(`nr=${input.nr} arch=0x${input.arch.toString(16)} args=${input.args.map((a) => `0x${a.toString(16)}`).join(",")}: got 0x${got.toString(16)} want 0x${expected.toString(16)}`);
    }
  }
  return { bad, n: inputs.length };
}

const SEED = 20261129;

describe("compiled program ≡ reference evaluation", () => {
  for (const arch of ARCHES) {
    test(`${arch}: 400 random policies × 200 inputs (seed ${SEED})`, () => {
      const r = rng(SEED);
      let total = 0;
      for (let i = 0; i < 400; i++) {
        const policy = randomPolicy(r);
        const { bad, n } = compare(policy, arch, inputsFor(policy, arch, r, 200));
        total += n;
        if (bad.length) throw new Error(`policy ${i}: ${JSON.stringify(policy, (_, v) => (typeof v === "bigint" ? `${v}n` : v))}\n${bad.join("\n")}`);
      }
      expect(total).toBe(80_000);
    }, 60_000);

    test(`${arch}: each preset and their union, 5000 inputs each`, () => {
      const r = rng(SEED + 1);
      const sets = [...PRESET_NAMES.map((n) => [n]), [...PRESET_NAMES]];
      for (const names of sets) {
        for (const defaultAction of ["allow", { errno: "EPERM" }] as const) {
          const policy = presetPolicy(names, { defaultAction });
          const { bad } = compare(policy, arch, inputsFor(policy, arch, r, 5000));
          expect({ names, bad }).toEqual({ names, bad: [] });
        }
      }
    }, 60_000);

    test(`${arch}: a large rule set (every syscall, rotating actions) needs far jumps and still agrees`, () => {
      const r = rng(SEED + 2);
      const names = Object.keys(arch === "x86_64" ? SYSCALLS_X86_64 : SYSCALLS_AARCH64);
      const actions = ["allow", "log", { errno: 1 }, { errno: 2 }, "kill-process"] as const;
      const policy: SeccompPolicy = {
        defaultAction: { errno: "ENOSYS" },
        rules: names.map((syscall, i) => ({
          syscall,
          action: actions[i % actions.length]!,
          // Every third syscall also gets an argument check, so leaves are long.
          ...(i % 3 === 0 ? { when: [{ arg: i % 6, op: "gt" as const, value: BigInt(i) << 30n }] } : {}),
        })),
      };
      const prog = decodeFilter(compileSeccomp(policy, arch).filter);
      expect(prog.some((insn) => insn.code === 0x05)).toBe(true); // a BPF_JA trampoline was needed
      const { bad } = compare(policy, arch, inputsFor(policy, arch, r, 20_000));
      expect(bad).toEqual([]);
    }, 60_000);

    test(`${arch}: long argument chains on one syscall push the dispatch past 255 instructions`, () => {
      const r = rng(SEED + 3);
      const rules = Array.from({ length: 120 }, (_, i) => ({
        syscall: "ioctl",
        action: { errno: (i % 50) + 1 },
        when: [{ arg: 1, op: "eq" as const, value: 0x5400 + i }, { arg: 2, op: "ne" as const, value: BigInt(i) << 33n }],
      }));
      const policy: SeccompPolicy = { defaultAction: "allow", rules: [...rules, { syscall: "getppid", action: "log" }, { syscall: "read", action: { errno: 9 } }] };
      const prog = decodeFilter(compileSeccomp(policy, arch).filter);
      expect(prog.some((insn) => insn.code === 0x05)).toBe(true); // a BPF_JA trampoline was needed
      const { bad, n } = compare(policy, arch, inputsFor(policy, arch, r, 20_000));
      expect(bad).toEqual([]);
      expect(n).toBe(20_000);
    }, 60_000);
  }
});
