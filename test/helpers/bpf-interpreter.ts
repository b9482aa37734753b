// A classic-BPF interpreter over struct seccomp_data, written from the
// instruction set in linux/filter.h and the rules seccomp(2) and
// Documentation/userspace-api/seccomp_filter.rst give: 32-bit loads only,
// aligned, inside the 64-byte seccomp_data; forward jumps; ends in a return.
// Independent of the compiler: it decodes the raw bytes itself.

export type Insn = { code: number; jt: number; jf: number; k: number };

/** seccomp_data: `nr`, `arch` unsigned 32-bit; `args` unsigned 64-bit (missing ones are 0). */
export type Input = { nr: number; arch: number; ip?: bigint; args: readonly bigint[] };

const SECCOMP_DATA_SIZE = 64;
const BPF_MAXINSNS = 4096;
const BPF_MEMWORDS = 16;

const cls = (code: number) => code & 0x07;
const size = (code: number) => code & 0x18;
const mode = (code: number) => code & 0xe0;
const op = (code: number) => code & 0xf0;
const src = (code: number) => code & 0x08;

export function decodeFilter(bytes: Uint8Array): Insn[] {
  if (bytes.length % 8 !== 0) throw new Error(`filter of ${bytes.length} bytes is not a whole number of sock_filter`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Insn[] = [];
  for (let i = 0; i < bytes.length; i += 8) {
    out.push({ code: v.getUint16(i, true), jt: v.getUint8(i + 2), jf: v.getUint8(i + 3), k: v.getUint32(i + 4, true) });
  }
  return out;
}

/** Throws the reason the kernel would refuse `prog` (EINVAL from seccomp(2)), else returns. */
export function checkFilter(prog: readonly Insn[]): void {
  if (prog.length === 0 || prog.length > BPF_MAXINSNS) throw new Error(`length ${prog.length} outside 1..${BPF_MAXINSNS}`);
  prog.forEach((insn, pc) => {
    const c = insn.code;
    switch (cls(c)) {
      case 0x00: // LD
      case 0x01: // LDX
        if (size(c) !== 0x00) throw new Error(`pc ${pc}: only 32-bit loads`);
        if (mode(c) === 0x20 && cls(c) === 0x00) {
          if (insn.k % 4 !== 0 || insn.k >= SECCOMP_DATA_SIZE) throw new Error(`pc ${pc}: load offset ${insn.k} outside seccomp_data or unaligned`);
        } else if (mode(c) === 0x60) {
          if (insn.k >= BPF_MEMWORDS) throw new Error(`pc ${pc}: scratch slot ${insn.k}`);
        } else if (mode(c) !== 0x00 && mode(c) !== 0x80) throw new Error(`pc ${pc}: load mode ${mode(c)} not allowed for seccomp`);
        break;
      case 0x02:
      case 0x03:
        if (insn.k >= BPF_MEMWORDS) throw new Error(`pc ${pc}: scratch slot ${insn.k}`);
        break;
      case 0x04:
        if (op(c) > 0xa0) throw new Error(`pc ${pc}: unknown alu op`);
        if ((op(c) === 0x30 || op(c) === 0x90) && src(c) === 0 && insn.k === 0) throw new Error(`pc ${pc}: division by zero`);
        break;
      case 0x05: {
        if (op(c) === 0x00) {
          if (pc + 1 + insn.k >= prog.length) throw new Error(`pc ${pc}: ja beyond the end`);
        } else {
          if (op(c) > 0x40) throw new Error(`pc ${pc}: unknown jump op`);
          if (pc + 1 + Math.max(insn.jt, insn.jf) >= prog.length) throw new Error(`pc ${pc}: jump beyond the end`);
        }
        break;
      }
      case 0x06:
        break;
      case 0x07:
        if (c !== 0x07 && c !== 0x87) throw new Error(`pc ${pc}: unknown misc`);
        break;
    }
  });
  if (cls(prog[prog.length - 1]!.code) !== 0x06) throw new Error("the last instruction is not a return");
}

function word(input: Input, offset: number): number {
  if (offset === 0) return input.nr >>> 0;
  if (offset === 4) return input.arch >>> 0;
  const u64 = offset < 16 ? (input.ip ?? 0n) : (input.args[(offset - 16) >> 3] ?? 0n);
  const half = offset % 8 === 0 ? u64 : u64 >> 32n; // little-endian: low half first
  return Number(half & 0xffffffffn);
}

/** Run `prog` on `input`; returns the 32-bit filter result. `count.steps` gets the instructions executed. */
export function run(prog: readonly Insn[], input: Input, count?: { steps: number }): number {
  let a = 0;
  let x = 0;
  const mem = new Uint32Array(BPF_MEMWORDS);
  for (let pc = 0; pc < prog.length; pc++) {
    if (count) count.steps++;
    const { code, jt, jf, k } = prog[pc]!;
    switch (cls(code)) {
      case 0x00:
        a = mode(code) === 0x20 ? word(input, k) : mode(code) === 0x80 ? SECCOMP_DATA_SIZE : mode(code) === 0x60 ? mem[k]! : k;
        break;
      case 0x01:
        x = mode(code) === 0x80 ? SECCOMP_DATA_SIZE : mode(code) === 0x60 ? mem[k]! : k;
        break;
      case 0x02:
        mem[k] = a;
        break;
      case 0x03:
        mem[k] = x;
        break;
      case 0x04: {
        const b = src(code) ? x : k;
        switch (op(code)) {
          case 0x00: a = (a + b) >>> 0; break;
          case 0x10: a = (a - b) >>> 0; break;
          case 0x20: a = Math.imul(a, b) >>> 0; break;
          case 0x30: a = b === 0 ? 0 : Math.floor(a / b) >>> 0; break;
          case 0x40: a = (a | b) >>> 0; break;
          case 0x50: a = (a & b) >>> 0; break;
          case 0x60: a = b >= 32 ? 0 : (a << b) >>> 0; break;
          case 0x70: a = b >= 32 ? 0 : a >>> b; break;
          case 0x80: a = -a >>> 0; break;
          case 0x90: a = b === 0 ? 0 : a % b; break;
          case 0xa0: a = (a ^ b) >>> 0; break;
        }
        break;
      }
      case 0x05: {
        const b = src(code) ? x : k;
        let taken: boolean;
        switch (op(code)) {
          case 0x00:
            pc += k;
            continue;
          case 0x10: taken = a === b; break;
          case 0x20: taken = a > b; break;
          case 0x30: taken = a >= b; break;
          default: taken = (a & b) !== 0; break;
        }
        pc += taken ? jt : jf;
        break;
      }
      case 0x06:
        return ((code & 0x18) === 0x10 ? a : k) >>> 0; // BPF_RVAL: BPF_A or BPF_K
      case 0x07:
        if (code & 0x80) a = x;
        else x = a;
        break;
    }
  }
  throw new Error("ran off the end of the program");
}

/**
 * What the kernel's action cache can know about syscall `nr` of `arch`
 * without arguments: it steps through the filter knowing only nr and arch and
 * gives up at a load of anything else or an instruction it does not model
 * (kernel/seccomp.c, seccomp_is_const_allow). Returns the return value
 * reached, or undefined if it depends on more than nr and arch. The kernel
 * caches the call when this is SECCOMP_RET_ALLOW.
 */
export function constantResult(prog: readonly Insn[], nr: number, arch: number): number | undefined {
  let a = 0;
  for (let pc = 0; pc < prog.length; pc++) {
    const { code, jt, jf, k } = prog[pc]!;
    if (code === 0x20) {
      if (k === 0) a = nr >>> 0;
      else if (k === 4) a = arch >>> 0;
      else return undefined;
    } else if (code === 0x06) return k;
    else if (code === 0x05) pc += k;
    else if (code === 0x15 || code === 0x25 || code === 0x35 || code === 0x45) {
      const taken = code === 0x15 ? a === k : code === 0x25 ? a > k : code === 0x35 ? a >= k : (a & k) !== 0;
      pc += taken ? jt : jf;
    } else if (code === 0x54) a = (a & k) >>> 0;
    else return undefined;
  }
  return undefined;
}
