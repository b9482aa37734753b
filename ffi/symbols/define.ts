import type { FFIFunction, FFITypeOrString } from "bun:ffi";

/** Error domain of a function's negative status (see ffi/include/cordon.h). */
export type Domain = "errno" | "ntstatus" | "win32" | "cordon";

export type SymbolSpec = {
  readonly args: readonly FFITypeOrString[];
  readonly returns: FFITypeOrString;
  readonly domain: Domain;
};
export type SymbolTable = Record<string, SymbolSpec>;

/** What dlopen sees of a table: the same signatures without the domain tags. */
export type DlopenTable<T extends SymbolTable> = { [K in keyof T]: { args: T[K]["args"]; returns: T[K]["returns"] } };

/** Keeps the literal types of a table so dlopen's result is fully typed. */
export function defineSymbols<const T extends SymbolTable>(table: T): T {
  return table;
}

/** The table without the `domain` tags, as dlopen takes it. */
export function forDlopen<T extends SymbolTable>(table: T): DlopenTable<T> {
  const out: Record<string, FFIFunction> = {};
  for (const [name, spec] of Object.entries(table)) out[name] = { args: spec.args, returns: spec.returns };
  return out as DlopenTable<T>;
}
