import { defineSymbols } from "./define.ts";

/** Exports every target has (cordon.h). */
export const commonSymbols = defineSymbols({
  cordon_abi_version: { args: [], returns: "i32", domain: "cordon" },
  cordon_version: { args: ["buffer", "buffer_length"], returns: "i32", domain: "cordon" },
});
