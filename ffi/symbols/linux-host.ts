import { defineSymbols } from "./define.ts";

/** cordon_linux_host.h */
export const linuxHostSymbols = defineSymbols({
  cordon_linux_host_probe: { args: [], returns: "i32", domain: "errno" },
});
