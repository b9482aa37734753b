import { defineSymbols } from "./define.ts";

/** Linux exports (cordon_linux.h). */
export const linuxSymbols = defineSymbols({
  cordon_linux_close: { args: ["i32"], returns: "i32", domain: "errno" },
  cordon_linux_landlock_abi_version: { args: [], returns: "i32", domain: "errno" },
});
