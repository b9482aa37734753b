// Architectures a filter can be compiled for, with the AUDIT_ARCH_* value the
// kernel puts in seccomp_data.arch (linux/audit.h) and the syscall table
// generated from Zig std (ffi/generated/linux-tables.ts).
import { SYSCALLS_AARCH64, SYSCALLS_X86_64 } from "../../../../ffi/generated/linux-tables.ts";

export type Arch = "x86_64" | "aarch64";

export const ARCHES: readonly Arch[] = ["x86_64", "aarch64"];

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_AARCH64 = 0xc00000b7;
/** i386 compat syscalls (int 0x80) arrive on an x86_64 kernel with this arch value. */
export const AUDIT_ARCH_I386 = 0x40000003;
/** aarch32 compat syscalls on an arm64 kernel. */
export const AUDIT_ARCH_ARM = 0x40000028;

/**
 * x32 syscalls share AUDIT_ARCH_X86_64 and differ only by this bit in the
 * number (__X32_SYSCALL_BIT, asm/unistd.h), so the arch check alone cannot
 * exclude them: the number range [X32_SYSCALL_BIT, 2 * X32_SYSCALL_BIT) is.
 */
export const X32_SYSCALL_BIT = 0x40000000;

/**
 * x86_64 numbers [512, 548) are x32's own entries in the shared table. Before
 * Linux 5.4 (x32 split into its own table) a native call with one of these
 * numbers and no x32 bit reached the x32 entry point (514 ioctl, 521 ptrace),
 * past rules written for the native numbers; syscall_64.tbl keeps the range
 * free of native syscalls. Treated as x32 calls: the foreign-arch action.
 */
export const X32_LEGACY_START = 512;
export const X32_LEGACY_END = 548;

/** Whether `nr` (unsigned) is an x32 call on x86_64: the x32 bit, or the pre-5.4 legacy range. */
export function isX32Number(nr: number): boolean {
  return (nr >= X32_SYSCALL_BIT && nr < 2 * X32_SYSCALL_BIT) || (nr >= X32_LEGACY_START && nr < X32_LEGACY_END);
}

export const AUDIT_ARCH: Readonly<Record<Arch, number>> = {
  x86_64: AUDIT_ARCH_X86_64,
  aarch64: AUDIT_ARCH_AARCH64,
};

const TABLES: Readonly<Record<Arch, Readonly<Record<string, number>>>> = {
  x86_64: SYSCALLS_X86_64,
  aarch64: SYSCALLS_AARCH64,
};

/** The syscall number of `name` on `arch`, or undefined if that arch lacks it (e.g. `open` on aarch64). */
export function syscallNumber(arch: Arch, name: string): number | undefined {
  const table = TABLES[arch];
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** True if some supported arch has a syscall called `name`. */
export function isKnownSyscall(name: string): boolean {
  return ARCHES.some((a) => syscallNumber(a, name) !== undefined);
}

/** Name of syscall number `nr` on `arch`, for diagnostics. */
export function syscallName(arch: Arch, nr: number): string | undefined {
  for (const [name, n] of Object.entries(TABLES[arch])) if (n === nr) return name;
  return undefined;
}

/** Highest syscall number in the table of `arch`. */
export function maxSyscall(arch: Arch): number {
  return Math.max(...Object.values(TABLES[arch]));
}

export function isArch(value: unknown): value is Arch {
  return value === "x86_64" || value === "aarch64";
}
