import { defineSymbols } from "./define.ts";

/** macOS exports (cordon_darwin.h). */
export const darwinSymbols = defineSymbols({
  cordon_darwin_sandbox_check_self: { args: [], returns: "i32", domain: "errno" },
  cordon_darwin_kqueue: { args: [], returns: "i32", domain: "errno" },
  cordon_darwin_proc_watch: { args: ["i32", "i32", "u32"], returns: "i32", domain: "errno" },
  cordon_darwin_proc_drain: { args: ["i32", "buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_darwin_proc_listchildpids: { args: ["i32", "buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_darwin_kill_uid: { args: ["u32", "i32"], returns: "i32", domain: "errno" },
});
