import { defineSymbols } from "./define.ts";

/** cordon_windows_impersonate.h */
export const windowsImpersonateSymbols = defineSymbols({
  cordon_windows_access_check_as: { args: ["u64", "buffer", "u32", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_create_directory_as: { args: ["u64", "buffer"], returns: "i32", domain: "win32" },
  cordon_windows_thread_impersonating: { args: [], returns: "i32", domain: "win32" },
});
