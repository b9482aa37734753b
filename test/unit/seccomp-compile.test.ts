// The compiler's output format, its fixed prologue, and its refusals.
import { describe, expect, test } from "bun:test";
import { PolicyError } from "../../lib/errors.ts";
import {
  ARCHES,
  AUDIT_ARCH_AARCH64,
  AUDIT_ARCH_X86_64,
  BPF_MAXINSNS,
  compileProgram,
  compileSeccomp,
  presetPolicy,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_LOG,
  type SeccompPolicy,
  syscallNumber,
} from "../../lib/plan/linux/seccomp/index.ts";
import { checkFilter, decodeFilter, run } from "../helpers/bpf-interpreter.ts";
import { pick, rng } from "../helpers/seccomp-cases.ts";

const allowAll: SeccompPolicy = { defaultAction: "allow", rules: [] };

function policyError(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error("no PolicyError thrown");
}

describe("seccomp filter encoding", () => {
  test("struct sock_filter bytes: u16 code, u8 jt, u8 jf, u32 k, little-endian; starts with ld arch; jeq AUDIT_ARCH", () => {
    const { filter, instructions } = compileSeccomp(allowAll, "x86_64");
    expect(filter.length).toBe(instructions * 8);
    // ld [4] (BPF_LD|BPF_W|BPF_ABS = 0x20)
    expect([...filter.subarray(0, 8)]).toEqual([0x20, 0, 0, 0, 4, 0, 0, 0]);
    // jeq #0xc000003e (BPF_JMP|BPF_JEQ|BPF_K = 0x15), jt 0
    expect([...filter.subarray(8, 10)]).toEqual([0x15, 0]);
    expect([...filter.subarray(12, 16)]).toEqual([0x3e, 0x00, 0x00, 0xc0]);
    const a64 = compileSeccomp(allowAll, "aarch64").filter;
    expect(new DataView(a64.buffer, a64.byteOffset).getUint32(12, true)).toBe(AUDIT_ARCH_AARCH64);
  });

  test("allow-all is a handful of instructions and passes the kernel's checks", () => {
    for (const arch of ARCHES) {
      const prog = decodeFilter(compileSeccomp(allowAll, arch).filter);
      checkFilter(prog);
      // ld arch, jeq, ld nr, dispatch (x86_64: the two x32 ranges), returns
      expect(prog.length).toBeLessThanOrEqual(arch === "x86_64" ? 10 : 5);
      expect(run(prog, { nr: 39, arch: arch === "x86_64" ? AUDIT_ARCH_X86_64 : AUDIT_ARCH_AARCH64, args: [] })).toBe(SECCOMP_RET_ALLOW);
    }
  });

  test("actions map to SECCOMP_RET_* values; errno names and numbers agree", () => {
    const nr = syscallNumber("x86_64", "getppid")!;
    const at = (action: SeccompPolicy["defaultAction"]) =>
      run(decodeFilter(compileSeccomp({ defaultAction: "allow", rules: [{ syscall: "getppid", action }] }, "x86_64").filter), {
        nr,
        arch: AUDIT_ARCH_X86_64,
        args: [],
      });
    expect(at("allow")).toBe(SECCOMP_RET_ALLOW);
    expect(at("log")).toBe(SECCOMP_RET_LOG);
    expect(at("kill-process")).toBe(SECCOMP_RET_KILL_PROCESS);
    expect(at({ errno: "EPERM" })).toBe(SECCOMP_RET_ERRNO | 1);
    expect(at({ errno: "PERM" })).toBe(SECCOMP_RET_ERRNO | 1);
    expect(at({ errno: 13 })).toBe(SECCOMP_RET_ERRNO | 13);
  });

  test("foreign arch values and x32 numbers get foreignArch (default kill-process)", () => {
    const prog = decodeFilter(compileSeccomp(allowAll, "x86_64").filter);
    expect(run(prog, { nr: 39, arch: 0x40000003, args: [] })).toBe(SECCOMP_RET_KILL_PROCESS); // i386 int 0x80
    expect(run(prog, { nr: 0x40000000 + 39, arch: AUDIT_ARCH_X86_64, args: [] })).toBe(SECCOMP_RET_KILL_PROCESS); // x32 getpid
    expect(run(prog, { nr: 0x7fffffff, arch: AUDIT_ARCH_X86_64, args: [] })).toBe(SECCOMP_RET_KILL_PROCESS);
    // The x32 range is exactly [0x40000000, 0x80000000).
    expect(run(prog, { nr: 0x40000000, arch: AUDIT_ARCH_X86_64, args: [] })).toBe(SECCOMP_RET_KILL_PROCESS);
    expect(run(prog, { nr: 0x3fffffff, arch: AUDIT_ARCH_X86_64, args: [] })).toBe(SECCOMP_RET_ALLOW);
    expect(run(prog, { nr: 0x80000000, arch: AUDIT_ARCH_X86_64, args: [] })).toBe(SECCOMP_RET_ALLOW);
    expect(run(prog, { nr: 0xffffffff, arch: AUDIT_ARCH_X86_64, args: [] })).toBe(SECCOMP_RET_ALLOW); // -1: the kernel answers ENOSYS
    const logForeign = decodeFilter(compileSeccomp({ ...allowAll, foreignArch: { errno: "ENOSYS" } }, "aarch64").filter);
    expect(run(logForeign, { nr: 0x40000000 + 39, arch: AUDIT_ARCH_AARCH64, args: [] })).toBe(SECCOMP_RET_ALLOW); // no x32 on arm64
    expect(run(logForeign, { nr: 1, arch: 0x40000028, args: [] })).toBe(SECCOMP_RET_ERRNO | 38);
  });

  test("x86_64 numbers 512-547 (x32's own entries before 5.4: 514 ioctl, 521 ptrace) get foreignArch; 511 and 548 do not", () => {
    const at = (policy: SeccompPolicy, nr: number) => run(decodeFilter(compileSeccomp(policy, "x86_64").filter), { nr, arch: AUDIT_ARCH_X86_64, args: [] });
    for (const nr of [512, 514, 521, 547]) expect({ nr, got: at(allowAll, nr) }).toEqual({ nr, got: SECCOMP_RET_KILL_PROCESS });
    for (const nr of [511, 548]) expect({ nr, got: at(allowAll, nr) }).toEqual({ nr, got: SECCOMP_RET_ALLOW });
    // It follows foreignArch, and a rule for a native number next to the range keeps its own decision.
    const errno: SeccompPolicy = { defaultAction: "allow", rules: [], foreignArch: { errno: "ENOSYS" } };
    expect(at(errno, 521)).toBe(SECCOMP_RET_ERRNO | 38);
    // aarch64 has no x32: the same numbers are plain (unknown) syscalls there.
    expect(run(decodeFilter(compileSeccomp(allowAll, "aarch64").filter), { nr: 514, arch: AUDIT_ARCH_AARCH64, args: [] })).toBe(SECCOMP_RET_ALLOW);
  });

  test("no load of a word the accumulator already holds: socket's domain is loaded once for both its comparisons", () => {
    for (const arch of ARCHES) {
      const prog = compileProgram(presetPolicy(["no-network"]), arch);
      const domainLoads = prog.filter((insn) => insn.code === 0x20 && insn.k === 16);
      expect(domainLoads.length).toBe(1);
      expect(prog.filter((insn) => insn.code === 0x20 && insn.k === 0).length).toBe(1); // nr
    }
  });

  test("negative values are two's complement at their width", () => {
    const nr = syscallNumber("x86_64", "getppid")!;
    const policy: SeccompPolicy = {
      defaultAction: "allow",
      rules: [
        { syscall: "getppid", action: { errno: 1 }, when: [{ arg: 0, op: "eq", value: -1 }] },
        { syscall: "getppid", action: { errno: 2 }, when: [{ arg: 1, op: "eq", value: -100, width: 32 }] },
      ],
    };
    const prog = decodeFilter(compileSeccomp(policy, "x86_64").filter);
    const at = (args: bigint[]) => run(prog, { nr, arch: AUDIT_ARCH_X86_64, args });
    expect(at([0xffffffffffffffffn])).toBe(SECCOMP_RET_ERRNO | 1);
    expect(at([0xffffffffn])).toBe(SECCOMP_RET_ALLOW);
    expect(at([0n, 0xffffff9cn])).toBe(SECCOMP_RET_ERRNO | 2); // AT_FDCWD as an int
    expect(at([0n, 0xffffffffffffff9cn])).toBe(SECCOMP_RET_ERRNO | 2);
  });

  test("compiling the same policy twice gives equal, independent filters; a bigint and a string do not share a result", () => {
    const policy = presetPolicy(["hardening", "ipc-isolation"]);
    const a = compileSeccomp(policy, "x86_64");
    a.filter.fill(0);
    const b = compileSeccomp(policy, "x86_64");
    expect(b.filter).toEqual(compileSeccomp(structuredClone(policy), "x86_64").filter);
    expect(b.filter.some((x) => x !== 0)).toBe(true);
    const withBigint = { defaultAction: "allow", rules: [{ syscall: "getppid", action: "log", when: [{ arg: 0, op: "eq", value: 5n }] }] } as const;
    expect(compileSeccomp(withBigint, "x86_64").instructions).toBeGreaterThan(0);
    const withString = { defaultAction: "allow", rules: [{ syscall: "getppid", action: "log", when: [{ arg: 0, op: "eq", value: "5n" }] }] };
    expect(policyError(() => compileSeccomp(withString as never, "x86_64")).field).toBe("seccomp.rules[0].when[0].value");
  });

  test("a syscall only the other arch has is dropped for this one, kept for its own", () => {
    const policy: SeccompPolicy = { defaultAction: "allow", rules: [{ syscall: "open", action: { errno: 1 } }] };
    expect(compileProgram(policy, "aarch64")).toEqual(compileProgram(allowAll, "aarch64"));
    expect(compileProgram(policy, "x86_64")).not.toEqual(compileProgram(allowAll, "x86_64"));
  });
});

describe("seccomp policy refusals are PolicyErrors naming the field", () => {
  const rule = (r: object): SeccompPolicy => ({ defaultAction: "allow", rules: [r as never] });
  const cases: [string, unknown, string][] = [
    ["unknown syscall", rule({ syscall: "no_such_call", action: "allow" }), "seccomp.rules[0].syscall"],
    ["syscall not a string", rule({ syscall: 41, action: "allow" }), "seccomp.rules[0].syscall"],
    ["unknown action", rule({ syscall: "read", action: "deny" }), "seccomp.rules[0].action"],
    ["errno 0", rule({ syscall: "read", action: { errno: 0 } }), "seccomp.rules[0].action.errno"],
    ["errno above MAX_ERRNO", rule({ syscall: "read", action: { errno: 4096 } }), "seccomp.rules[0].action.errno"],
    ["unknown errno name", rule({ syscall: "read", action: { errno: "EWHAT" } }), "seccomp.rules[0].action.errno"],
    ["arg index 6", rule({ syscall: "read", action: "allow", when: [{ arg: 6, op: "eq", value: 0 }] }), "seccomp.rules[0].when[0].arg"],
    ["unknown op", rule({ syscall: "read", action: "allow", when: [{ arg: 0, op: "like", value: 0 }] }), "seccomp.rules[0].when[0].op"],
    ["value too wide for 32", rule({ syscall: "read", action: "allow", when: [{ arg: 0, op: "eq", value: 2 ** 32, width: 32 }] }), "seccomp.rules[0].when[0].value"],
    ["value above 2^64", rule({ syscall: "read", action: "allow", when: [{ arg: 0, op: "eq", value: 1n << 64n }] }), "seccomp.rules[0].when[0].value"],
    ["fractional value", rule({ syscall: "read", action: "allow", when: [{ arg: 0, op: "eq", value: 1.5 }] }), "seccomp.rules[0].when[0].value"],
    ["string value", rule({ syscall: "read", action: "allow", when: [{ arg: 0, op: "eq", value: "1" }] }), "seccomp.rules[0].when[0].value"],
    ["width 16", rule({ syscall: "read", action: "allow", when: [{ arg: 0, op: "eq", value: 1, width: 16 }] }), "seccomp.rules[0].when[0].width"],
    ["masked-eq without mask", rule({ syscall: "read", action: "allow", when: [{ arg: 0, op: "masked-eq", value: 1 }] }), "seccomp.rules[0].when[0].mask"],
    ["mask on eq", rule({ syscall: "read", action: "allow", when: [{ arg: 0, op: "eq", value: 1, mask: 1 }] }), "seccomp.rules[0].when[0].mask"],
    ["value outside mask", rule({ syscall: "read", action: "allow", when: [{ arg: 0, op: "masked-eq", value: 0x10, mask: 0xf }] }), "seccomp.rules[0].when[0].value"],
    ["when not an array", rule({ syscall: "read", action: "allow", when: { arg: 0 } }), "seccomp.rules[0].when"],
    ["rules not an array", { defaultAction: "allow", rules: {} }, "seccomp.rules"],
    ["no default action", { rules: [] }, "seccomp.defaultAction"],
    ["bad foreignArch", { defaultAction: "allow", rules: [], foreignArch: "ignore" }, "seccomp.foreignArch"],
    ["policy not an object", null, "seccomp"],
  ];
  for (const [name, policy, field] of cases) {
    test(name, () => {
      expect(policyError(() => compileSeccomp(policy as SeccompPolicy, "x86_64")).field).toBe(field);
    });
  }

  test("unknown arch", () => {
    expect(policyError(() => compileSeccomp(allowAll, "riscv64" as never)).field).toBe("seccomp.arch");
  });

  test("unknown preset, presets not an array, rules not an array", () => {
    expect(policyError(() => presetPolicy(["no-such" as never])).field).toBe("seccomp.presets[0]");
    expect(policyError(() => presetPolicy([Symbol("x") as never])).field).toBe("seccomp.presets[0]");
    expect(policyError(() => presetPolicy("hardening" as never)).field).toBe("seccomp.presets");
    expect(policyError(() => presetPolicy([], { rules: 5 as never })).field).toBe("seccomp.rules");
    expect(policyError(() => presetPolicy([], null as never)).field).toBe("seccomp");
  });

  test(`a program above BPF_MAXINSNS (${BPF_MAXINSNS}) is refused; one just below compiles`, () => {
    const rules = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ syscall: "ioctl", action: { errno: 1 }, when: [{ arg: 1, op: "eq" as const, value: BigInt(i) << 32n | 7n }] }));
    // Each 64-bit equality costs about 5 instructions (two loads, two jumps, a nearby copy of the return).
    const small = compileSeccomp({ defaultAction: "allow", rules: rules(800) }, "x86_64");
    expect(small.instructions).toBeLessThanOrEqual(BPF_MAXINSNS);
    const e = policyError(() => compileSeccomp({ defaultAction: "allow", rules: rules(1000) }, "x86_64"));
    expect(e.message).toContain("BPF_MAXINSNS");
  });
});

test("2000 malformed policies: each compiles or throws a PolicyError, never anything else", () => {
  const r = rng(99);
  const junk: unknown[] = [null, undefined, 0, -1, 1.5, NaN, Infinity, 2 ** 53, -(2n ** 70n), 2n ** 64n, "", "read", "EPERM", "allow", {}, [], [null], { errno: -1 }, { errno: "EPERM" }, { errno: 2 ** 40 }, true, Symbol.for("x")];
  const any = (): unknown => (r() < 0.2 ? { arg: pick(r, junk), op: pick(r, ["eq", "masked-eq", "gt", "zz", 3]), value: pick(r, junk), mask: pick(r, junk), width: pick(r, [32, 64, 16, undefined]) } : pick(r, junk));
  const rule = (): unknown => (r() < 0.2 ? any() : { syscall: pick(r, ["read", "nope", 3, "open", "iopl", undefined]), action: r() < 0.5 ? pick(r, ["allow", "log", "kill-process"]) : any(), when: r() < 0.3 ? any() : [any(), any()] });
  let compiled = 0;
  let refused = 0;
  for (let i = 0; i < 2000; i++) {
    const policy = r() < 0.1 ? any() : { defaultAction: r() < 0.7 ? "allow" : any(), rules: r() < 0.1 ? any() : [rule(), rule(), rule()], ...(r() < 0.2 ? { foreignArch: any() } : {}) };
    try {
      compileSeccomp(policy as SeccompPolicy, pick(r, ["x86_64", "aarch64"]));
      compiled++;
    } catch (e) {
      if (!(e instanceof PolicyError)) throw new Error(`policy ${i} threw ${String(e)}`);
      refused++;
    }
  }
  expect(compiled + refused).toBe(2000);
  expect(refused).toBeGreaterThan(1000);
});
