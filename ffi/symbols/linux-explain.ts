import { defineSymbols } from "./define.ts";

/** cordon_linux_explain.h */
export const linuxExplainSymbols = defineSymbols({
  cordon_linux_audit_status: { args: ["buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_linux_audit_set_enabled: { args: ["u32"], returns: "i32", domain: "errno" },
  cordon_linux_audit_reader_start: { args: ["i32"], returns: "i32", domain: "errno" },
  cordon_linux_audit_reader_stop: { args: ["i32"], returns: "i32", domain: "errno" },
  cordon_linux_audit_reader_sync: { args: ["i32"], returns: "i32", domain: "errno" },
  cordon_linux_notify_watch: { args: ["i32", "i32", "buffer", "buffer_length", "buffer", "buffer_length"], returns: "i32", domain: "errno" },
});
