// The BPF interpreter is the judge of every compiled program, so it is itself
// checked first on hand-assembled programs whose results are known.
import { describe, expect, test } from "bun:test";
import { checkFilter, constantResult, decodeFilter, type Insn, run } from "../helpers/bpf-interpreter.ts";

const LD_NR: Insn = { code: 0x20, jt: 0, jf: 0, k: 0 };
const LD_ARCH: Insn = { code: 0x20, jt: 0, jf: 0, k: 4 };
const ret = (k: number): Insn => ({ code: 0x06, jt: 0, jf: 0, k });
const jeq = (k: number, jt: number, jf: number): Insn => ({ code: 0x15, jt, jf, k });
const input = (nr: number, args: bigint[] = [], arch = 0xc000003e) => ({ nr, arch, args });

describe("bpf interpreter", () => {
  test("decodes little-endian struct sock_filter", () => {
    const bytes = new Uint8Array([0x20, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x15, 0x00, 0x01, 0x02, 0x3e, 0x00, 0x00, 0xc0]);
    expect(decodeFilter(bytes)).toEqual([LD_ARCH, { code: 0x15, jt: 1, jf: 2, k: 0xc000003e }]);
    expect(() => decodeFilter(new Uint8Array(7))).toThrow();
  });

  test("jeq on nr picks the branch", () => {
    const prog = [LD_NR, jeq(39, 0, 1), ret(1), ret(2)];
    expect(run(prog, input(39))).toBe(1);
    expect(run(prog, input(40))).toBe(2);
  });

  test("loads read little-endian halves of the 64-bit arguments", () => {
    // args[2] low half at 32, high half at 36
    const lo = [{ code: 0x20, jt: 0, jf: 0, k: 32 }, { code: 0x16, jt: 0, jf: 0, k: 0 }];
    const hi = [{ code: 0x20, jt: 0, jf: 0, k: 36 }, { code: 0x16, jt: 0, jf: 0, k: 0 }];
    const v = 0x1122334455667788n;
    expect(run(lo, input(0, [0n, 0n, v]))).toBe(0x55667788);
    expect(run(hi, input(0, [0n, 0n, v]))).toBe(0x11223344);
  });

  test("jgt, jge, jset, and, ja behave as unsigned 32-bit operations", () => {
    const prog: Insn[] = [
      LD_NR,
      { code: 0x25, jt: 0, jf: 1, k: 0x80000000 }, // jgt
      ret(1),
      { code: 0x35, jt: 0, jf: 1, k: 100 }, // jge
      ret(2),
      { code: 0x45, jt: 0, jf: 1, k: 0x4 }, // jset
      ret(3),
      { code: 0x54, jt: 0, jf: 0, k: 0xf0 }, // and
      { code: 0x05, jt: 0, jf: 0, k: 1 }, // ja +1
      ret(99),
      { code: 0x16, jt: 0, jf: 0, k: 0 }, // ret A
    ];
    expect(run(prog, input(0xffffffff))).toBe(1);
    expect(run(prog, input(0x80000000))).toBe(2);
    expect(run(prog, input(100))).toBe(2);
    expect(run(prog, input(0x4))).toBe(3);
    expect(run(prog, input(0x13))).toBe(0x10);
  });

  test("counts executed instructions", () => {
    const count = { steps: 0 };
    run([LD_NR, jeq(1, 0, 1), ret(1), ret(2)], input(2), count);
    expect(count.steps).toBe(3);
  });

  test("refuses what the kernel refuses", () => {
    expect(() => checkFilter([])).toThrow(/length/);
    expect(() => checkFilter([LD_NR])).toThrow(/last instruction/);
    expect(() => checkFilter([{ code: 0x20, jt: 0, jf: 0, k: 2 }, ret(0)])).toThrow(/unaligned/);
    expect(() => checkFilter([{ code: 0x20, jt: 0, jf: 0, k: 64 }, ret(0)])).toThrow(/outside/);
    expect(() => checkFilter([LD_NR, jeq(1, 5, 0), ret(0)])).toThrow(/beyond/);
    expect(() => checkFilter([{ code: 0x05, jt: 0, jf: 0, k: 3 }, ret(0)])).toThrow(/beyond/);
    expect(() => checkFilter([{ code: 0x28, jt: 0, jf: 0, k: 0 }, ret(0)])).toThrow(/32-bit/);
    expect(() => checkFilter(Array.from({ length: 4097 }, () => ret(0)))).toThrow(/length/);
    expect(() => checkFilter([LD_ARCH, jeq(1, 0, 1), ret(1), ret(2)])).not.toThrow();
  });

  test("constant evaluation stops at argument loads, like the kernel's action cache", () => {
    const prog = [LD_ARCH, jeq(0xc000003e, 0, 5), LD_NR, jeq(41, 0, 2), { code: 0x20, jt: 0, jf: 0, k: 16 }, ret(1), ret(0x7fff0000), ret(0)];
    expect(constantResult(prog, 39, 0xc000003e)).toBe(0x7fff0000);
    expect(constantResult(prog, 41, 0xc000003e)).toBeUndefined();
    expect(constantResult(prog, 41, 0x40000003)).toBe(0);
  });
});
