// struct seccomp_data (linux/seccomp.h), what a filter reads with BPF_LD|BPF_ABS:
//   int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6];
// Both supported arches are little-endian, so the low half of args[i] comes first.

export const SECCOMP_DATA_NR = 0;
export const SECCOMP_DATA_ARCH = 4;
export const SECCOMP_DATA_IP = 8;
export const SECCOMP_DATA_SIZE = 64;

/** Offset of the low 32 bits of args[i]. */
export function argLow(i: number): number {
  return 16 + 8 * i;
}

/** Offset of the high 32 bits of args[i]. */
export function argHigh(i: number): number {
  return 20 + 8 * i;
}
