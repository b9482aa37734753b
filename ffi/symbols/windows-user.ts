import { defineSymbols } from "./define.ts";

/** cordon_windows_user.h */
export const windowsUserSymbols = defineSymbols({
  cordon_windows_user_add: { args: ["buffer", "buffer"], returns: "i32", domain: "win32" },
  cordon_windows_user_exists: { args: ["buffer"], returns: "i32", domain: "win32" },
  cordon_windows_user_set_flags: { args: ["buffer", "u32"], returns: "i32", domain: "win32" },
  cordon_windows_user_set_password: { args: ["buffer", "buffer"], returns: "i32", domain: "win32" },
  cordon_windows_user_delete: { args: ["buffer"], returns: "i32", domain: "win32" },
  cordon_windows_user_logon: { args: ["buffer", "buffer", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_user_sid: { args: ["buffer", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
});
