// The seccomp policy vocabulary and its validation. A policy is a default
// action plus rules; for a syscall the first rule (in order) whose argument
// conditions all hold decides, and a syscall no rule matches gets the default.
import { ERRNO } from "../../../../ffi/generated/linux-tables.ts";
import { PolicyError } from "../../../errors.ts";
import {
  MAX_ERRNO,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_LOG,
} from "./actions.ts";
import { type Arch, isKnownSyscall, syscallNumber } from "./arch.ts";

/** `{ errno }` takes a number (1..4095) or a name such as "EPERM". */
export type Action = "allow" | "kill-process" | "log" | { readonly errno: number | string };

/**
 * Unsigned comparisons of one syscall argument with a constant.
 * `masked-eq`: (arg & mask) == value; `masked-ne`: (arg & mask) != value.
 */
export type ArgOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "masked-eq" | "masked-ne";

export type ArgCondition = {
  /** Argument index, 0..5. */
  readonly arg: number;
  readonly op: ArgOp;
  /** Negative numbers are taken in two's complement at the given width. */
  readonly value: number | bigint;
  /** Required for `masked-eq` and `masked-ne`, refused otherwise. */
  readonly mask?: number | bigint;
  /**
   * 64 (default) compares both halves of the register. 32 compares only the
   * low half: right for arguments the kernel declares `int`/`unsigned int`
   * (socket's domain, ioctl's request), whose high half it ignores — a 64-bit
   * compare there is bypassed by setting high bits.
   */
  readonly width?: 32 | 64;
};

export type Rule = {
  /** Name as in the kernel's syscall table (Zig std's enums), e.g. "socket", "io_uring_setup". */
  readonly syscall: string;
  readonly action: Action;
  /** All must hold (AND). Absent or empty: the rule matches every call. */
  readonly when?: readonly ArgCondition[];
};

export type SeccompPolicy = {
  readonly defaultAction: Action;
  readonly rules: readonly Rule[];
  /** Syscalls of another arch (i386, aarch32 compat) and x32 syscalls on x86_64. Default "kill-process". */
  readonly foreignArch?: Action;
};

/** A validated condition: values as unsigned bigints at their width. */
export type Condition = {
  readonly arg: number;
  readonly op: ArgOp;
  readonly value: bigint;
  readonly mask: bigint;
  readonly width: 32 | 64;
};

/** A validated rule, resolved for one arch. */
export type ArchRule = { readonly nr: number; readonly syscall: string; readonly ret: number; readonly when: readonly Condition[] };

export type ArchPolicy = {
  readonly arch: Arch;
  readonly defaultRet: number;
  readonly foreignRet: number;
  /** Rules whose syscall exists on this arch, in policy order. */
  readonly rules: readonly ArchRule[];
};

const OPS: readonly ArgOp[] = ["eq", "ne", "lt", "le", "gt", "ge", "masked-eq", "masked-ne"];

/** A value for an error message; never throws (bigints, symbols, cycles). */
export function show(v: unknown): string {
  if (typeof v === "symbol" || typeof v === "bigint" || v === undefined) return String(v);
  try {
    return JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : typeof x === "symbol" ? String(x) : x)) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The filter return value of an action. */
export function actionValue(action: unknown, field: string): number {
  if (action === "allow") return SECCOMP_RET_ALLOW;
  if (action === "kill-process") return SECCOMP_RET_KILL_PROCESS;
  if (action === "log") return SECCOMP_RET_LOG;
  if (isRecord(action) && "errno" in action) {
    const e = action.errno;
    let n: number | undefined;
    if (typeof e === "number") n = e;
    else if (typeof e === "string") {
      const key = e.startsWith("E") ? e.slice(1) : e;
      n = Object.hasOwn(ERRNO, key) ? ERRNO[key as keyof typeof ERRNO] : undefined;
      if (n === undefined) throw new PolicyError(`${field}.errno`, `unknown errno name ${show(e)}`);
    }
    if (n === undefined || !Number.isInteger(n) || n < 1 || n > MAX_ERRNO) {
      throw new PolicyError(`${field}.errno`, `must be an errno name or an integer 1..${MAX_ERRNO}, got ${String(e)}`);
    }
    return (SECCOMP_RET_ERRNO | n) >>> 0;
  }
  throw new PolicyError(field, `must be "allow", "kill-process", "log" or { errno }, got ${show(action)}`);
}

/** An integer as an unsigned bigint of `width` bits; negative values in two's complement. */
function unsigned(v: unknown, width: 32 | 64, field: string): bigint {
  let b: bigint;
  if (typeof v === "bigint") b = v;
  else if (typeof v === "number" && Number.isSafeInteger(v)) b = BigInt(v);
  else throw new PolicyError(field, `must be a safe integer or a bigint, got ${String(v)}`);
  const top = 1n << BigInt(width);
  if (b < -(top >> 1n) || b >= top) throw new PolicyError(field, `${b} does not fit in ${width} bits`);
  return b < 0n ? b + top : b;
}

function condition(c: unknown, field: string): Condition {
  if (!isRecord(c)) throw new PolicyError(field, "must be an object { arg, op, value }");
  const { arg, op } = c;
  if (typeof arg !== "number" || !Number.isInteger(arg) || arg < 0 || arg > 5) {
    throw new PolicyError(`${field}.arg`, `must be an argument index 0..5, got ${String(arg)}`);
  }
  if (typeof op !== "string" || !OPS.includes(op as ArgOp)) {
    throw new PolicyError(`${field}.op`, `must be one of ${OPS.join(", ")}, got ${String(op)}`);
  }
  const w = c.width ?? 64;
  if (w !== 32 && w !== 64) throw new PolicyError(`${field}.width`, `must be 32 or 64, got ${String(w)}`);
  const value = unsigned(c.value, w, `${field}.value`);
  let mask = (1n << BigInt(w)) - 1n;
  if (op === "masked-eq" || op === "masked-ne") {
    if (c.mask === undefined) throw new PolicyError(`${field}.mask`, `${op} needs a mask`);
    mask = unsigned(c.mask, w, `${field}.mask`);
    if ((value & ~mask) !== 0n) throw new PolicyError(`${field}.value`, "has bits outside the mask, so the masked argument never equals it");
  } else if (c.mask !== undefined) {
    throw new PolicyError(`${field}.mask`, "only masked-eq and masked-ne take a mask");
  }
  return { arg, op: op as ArgOp, value, mask, width: w };
}

/**
 * Validate `policy` and resolve it for `arch`. Unknown syscall names (on every
 * supported arch) are errors; a name that exists only on the other arch (e.g.
 * `open`, `iopl` on aarch64) is dropped for this one.
 */
export function resolvePolicy(policy: unknown, arch: Arch): ArchPolicy {
  if (!isRecord(policy)) throw new PolicyError("seccomp", "must be an object { defaultAction, rules }");
  const defaultRet = actionValue(policy.defaultAction, "seccomp.defaultAction");
  const foreignRet = policy.foreignArch === undefined ? SECCOMP_RET_KILL_PROCESS : actionValue(policy.foreignArch, "seccomp.foreignArch");
  if (!Array.isArray(policy.rules)) throw new PolicyError("seccomp.rules", "must be an array");
  const rules: ArchRule[] = [];
  policy.rules.forEach((r: unknown, i: number) => {
    const field = `seccomp.rules[${i}]`;
    if (!isRecord(r)) throw new PolicyError(field, "must be an object { syscall, action, when? }");
    if (typeof r.syscall !== "string" || !isKnownSyscall(r.syscall)) {
      throw new PolicyError(`${field}.syscall`, `unknown syscall ${show(r.syscall)} (neither x86_64 nor aarch64 has it)`);
    }
    const ret = actionValue(r.action, `${field}.action`);
    if (r.when !== undefined && !Array.isArray(r.when)) throw new PolicyError(`${field}.when`, "must be an array of conditions");
    const when = (r.when ?? []).map((c: unknown, j: number) => condition(c, `${field}.when[${j}]`));
    const nr = syscallNumber(arch, r.syscall);
    if (nr !== undefined) rules.push({ nr, syscall: r.syscall, ret, when });
  });
  return { arch, defaultRet, foreignRet, rules };
}
