import { defineSymbols } from "./define.ts";

/** cordon_linux_netns_pool.h */
export const linuxNetnsPoolSymbols = defineSymbols({
  cordon_linux_netns_pool_fill: { args: ["u32", "u32"], returns: "i32", domain: "errno" },
  cordon_linux_netns_pool_take: { args: ["u32"], returns: "i32", domain: "errno" },
  cordon_linux_netns_pool_drain: { args: [], returns: "i32", domain: "errno" },
});
