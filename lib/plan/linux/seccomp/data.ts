// struct seccomp_data (linux/seccomp.h), what a filter reads with BPF_LD|BPF_ABS:
//   int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6];
// Both supported arches are little-endian, so the low half of args[i] comes first.
// Offsets from the header (ffi/generated/linux-tables.ts, SECCOMP_DATA).
import { SECCOMP_DATA } from "../../../../ffi/generated/linux-tables.ts";

export const SECCOMP_DATA_NR = SECCOMP_DATA.offset.nr;
export const SECCOMP_DATA_ARCH = SECCOMP_DATA.offset.arch;
export const SECCOMP_DATA_IP = SECCOMP_DATA.offset.instruction_pointer;
export const SECCOMP_DATA_SIZE = SECCOMP_DATA.size;

/** Offset of the low 32 bits of args[i]. */
export function argLow(i: number): number {
  return SECCOMP_DATA.offset.args + 8 * i;
}

/** Offset of the high 32 bits of args[i]. */
export function argHigh(i: number): number {
  return SECCOMP_DATA.offset.args + 4 + 8 * i;
}
