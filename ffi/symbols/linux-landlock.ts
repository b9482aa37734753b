import { defineSymbols } from "./define.ts";

/** cordon_linux_landlock.h */
export const linuxLandlockSymbols = defineSymbols({
  cordon_linux_landlock_abi_version: { args: [], returns: "i32", domain: "errno" },
  cordon_linux_landlock_create_ruleset: { args: ["buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_linux_landlock_open_path: { args: ["buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_linux_landlock_add_path_rule: { args: ["i32", "i32", "u64", "u64"], returns: "i32", domain: "errno" },
  cordon_linux_landlock_add_path_rules: { args: ["i32", "buffer", "buffer_length", "buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_linux_landlock_add_net_rule: { args: ["i32", "u64", "u64"], returns: "i32", domain: "errno" },
});
