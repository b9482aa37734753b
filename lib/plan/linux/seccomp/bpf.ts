// Classic BPF as seccomp accepts it (linux/filter.h, linux/bpf_common.h):
// struct sock_filter { __u16 code; __u8 jt; __u8 jf; __u32 k; }, 8 bytes,
// stored in host byte order — little-endian on both x86_64 and aarch64.

// Instruction classes.
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;

// Load size and mode.
export const BPF_W = 0x00;
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;

// ALU and jump operations.
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;

export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;

// Operand source.
export const BPF_K = 0x00;
export const BPF_X = 0x08;
export const BPF_A = 0x10;

export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;

/** Longest program the kernel loads (BPF_MAXINSNS in linux/bpf_common.h). */
export const BPF_MAXINSNS = 4096;

/** Bytes per struct sock_filter. */
export const SOCK_FILTER_SIZE = 8;

/** One struct sock_filter. `jt`/`jf` are forward offsets 0..255; `k` is unsigned 32-bit. */
export type Insn = { readonly code: number; readonly jt: number; readonly jf: number; readonly k: number };

export function stmt(code: number, k: number): Insn {
  return { code, jt: 0, jf: 0, k: k >>> 0 };
}

export function jump(code: number, k: number, jt: number, jf: number): Insn {
  return { code, jt, jf, k: k >>> 0 };
}

/** Serialise to the bytes of a struct sock_filter[] (little-endian). */
export function encode(program: readonly Insn[]): Uint8Array {
  const bytes = new Uint8Array(program.length * SOCK_FILTER_SIZE);
  const view = new DataView(bytes.buffer);
  program.forEach((insn, i) => {
    const at = i * SOCK_FILTER_SIZE;
    view.setUint16(at, insn.code, true);
    view.setUint8(at + 2, insn.jt);
    view.setUint8(at + 3, insn.jf);
    view.setUint32(at + 4, insn.k, true);
  });
  return bytes;
}

/** Inverse of `encode`. */
export function decode(bytes: Uint8Array): Insn[] {
  if (bytes.length % SOCK_FILTER_SIZE !== 0) throw new RangeError(`filter length ${bytes.length} is not a multiple of 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Insn[] = [];
  for (let at = 0; at < bytes.length; at += SOCK_FILTER_SIZE) {
    out.push({ code: view.getUint16(at, true), jt: view.getUint8(at + 2), jf: view.getUint8(at + 3), k: view.getUint32(at + 4, true) });
  }
  return out;
}
