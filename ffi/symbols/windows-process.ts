import { defineSymbols } from "./define.ts";

/** cordon_windows_process.h */
export const windowsProcessSymbols = defineSymbols({
  cordon_windows_process_list: { args: ["buffer", "buffer_length", "buffer", "buffer_length"], returns: "i32", domain: "ntstatus" },
});
