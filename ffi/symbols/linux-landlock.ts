import { defineSymbols } from "./define.ts";

/** cordon_linux_landlock.h */
export const linuxLandlockSymbols = defineSymbols({
  cordon_linux_landlock_abi_version: { args: [], returns: "i32", domain: "errno" },
});
