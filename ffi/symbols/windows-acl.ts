import { defineSymbols } from "./define.ts";

/** cordon_windows_acl.h */
export const windowsAclSymbols = defineSymbols({
  cordon_windows_acl_set: { args: ["buffer", "buffer", "buffer_length", "u32", "u32", "u32"], returns: "i32", domain: "win32" },
  cordon_windows_access_check: { args: ["buffer", "u64", "u32", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_file_info: { args: ["buffer", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_path_owner: { args: ["buffer", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
});
