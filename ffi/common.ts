// Exports every platform's library has.
import { commonSymbols } from "./symbols/common.ts";
import { openLibrary, type Symbols } from "./library.ts";
import { check } from "./status.ts";

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
