import { defineSymbols } from "./define.ts";

/** cordon_windows_job.h */
export const windowsJobSymbols = defineSymbols({
  cordon_windows_job_create: { args: ["buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_job_set_limits: { args: ["u64", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_job_query_limits: { args: ["u64", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_job_set_cpu_rate: { args: ["u64", "u32", "u32"], returns: "i32", domain: "win32" },
  cordon_windows_job_set_ui_restrictions: { args: ["u64", "u32"], returns: "i32", domain: "win32" },
  cordon_windows_job_query_ui_restrictions: { args: ["u64"], returns: "i32", domain: "win32" },
  cordon_windows_job_assign: { args: ["u64", "u64"], returns: "i32", domain: "win32" },
  cordon_windows_job_contains: { args: ["u64", "u64"], returns: "i32", domain: "win32" },
  cordon_windows_job_terminate: { args: ["u64", "u32"], returns: "i32", domain: "win32" },
  cordon_windows_job_process_ids: { args: ["u64", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_job_accounting: { args: ["u64", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_job_next_event: { args: ["u64", "buffer", "buffer_length", "u32"], returns: "i32", domain: "win32" },
  cordon_windows_job_post: { args: ["u64", "u32", "u64"], returns: "i32", domain: "win32" },
});
