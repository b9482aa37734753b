import { defineSymbols } from "./define.ts";

/** cordon_windows_token.h */
export const windowsTokenSymbols = defineSymbols({
  cordon_windows_token_restricted: { args: ["u32", "u32", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_token_info: { args: ["u64", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_token_facts: { args: ["u64", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_sid_from_string: { args: ["buffer", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_appcontainer_sid: { args: ["buffer", "buffer", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_appcontainer_delete: { args: ["buffer"], returns: "i32", domain: "win32" },
});
