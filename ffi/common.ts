// Exports every platform's library has, and the argument checks every
// wrapper shares before a value reaches bun:ffi.
import { commonSymbols } from "./symbols/common.ts";
import { openLibrary, type Symbols } from "./library.ts";
import { check } from "./status.ts";
import { InvalidArgumentError } from "./errors.ts";

/**
 * An integer argument in [min, max], checked before it reaches bun:ffi, which
 * would coerce anything else (2^32 + 5 → 5, NaN → 0, "5" → 5) into some other
 * value: a wrapped fd closes someone else's file.
 */
export function intArg(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(what, v, `an integer from ${min} to ${max}`);
  return v;
}

/** The largest fd number any kernel hands out (an int). */
export const FD_MAX = 0x7fff_ffff;

/** An fd argument: an integer 0..2^31-1. */
export function fdArg(v: unknown, what = "fd"): number {
  return intArg(v, what, 0, FD_MAX);
}

/** A u64 mask or count passed as a number: a non-negative safe integer (every landlock right fits). */
export function maskArg(v: unknown, what: string): number {
  return intArg(v, what, 0, Number.MAX_SAFE_INTEGER);
}

/** ABI version the loaded library reports. */
export function nativeAbiVersion(): number {
  return (openLibrary().symbols as Symbols<typeof commonSymbols>).cordon_abi_version();
}

/** Version string of the loaded native library. */
export function nativeVersion(): string {
  const buf = new Uint8Array(64);
  const n = check("cordon_version", "cordon", (openLibrary().symbols as Symbols<typeof commonSymbols>).cordon_version(buf, buf));
  return new TextDecoder().decode(buf.subarray(0, n));
}
