import { defineSymbols } from "./define.ts";

/** cordon_windows_spawn.h */
export const windowsSpawnSymbols = defineSymbols({
  cordon_windows_spawn: { args: ["buffer", "buffer_length", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_thread_resume: { args: ["u64"], returns: "i32", domain: "win32" },
  cordon_windows_process_wait: { args: ["u64", "u32"], returns: "i32", domain: "win32" },
  cordon_windows_process_exit_code: { args: ["u64", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_process_terminate: { args: ["u64", "u32"], returns: "i32", domain: "win32" },
  cordon_windows_process_open: { args: ["u32", "u32", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_process_mitigation: { args: ["u64", "i32", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
});
