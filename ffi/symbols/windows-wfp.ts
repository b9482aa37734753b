import { defineSymbols } from "./define.ts";

/** cordon_windows_wfp.h */
export const windowsWfpSymbols = defineSymbols({
  cordon_windows_wfp_open: { args: ["buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_wfp_close: { args: ["u64"], returns: "i32", domain: "win32" },
  cordon_windows_wfp_add_filter: { args: ["u64", "buffer", "buffer_length", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_loopback_exempt: { args: ["buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_loopback_unexempt: { args: ["buffer", "buffer_length"], returns: "i32", domain: "win32" },
});
