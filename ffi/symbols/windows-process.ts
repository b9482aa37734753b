import { defineSymbols } from "./define.ts";

/** cordon_windows_process.h */
export const windowsProcessSymbols = defineSymbols({
  cordon_windows_process_list: { args: ["buffer", "buffer_length", "buffer", "buffer_length"], returns: "i32", domain: "ntstatus" },
  cordon_windows_process_handles: { args: ["u64", "buffer", "buffer_length", "buffer", "buffer_length"], returns: "i32", domain: "ntstatus" },
  cordon_windows_handle_same_object: { args: ["u64", "u64", "u64"], returns: "i32", domain: "win32" },
});
