import { defineSymbols } from "./define.ts";

/** cordon_linux_spawn.h */
export const linuxSpawnSymbols = defineSymbols({
  cordon_linux_spawn: { args: ["buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_linux_exit_watcher_start: { args: [], returns: "i32", domain: "errno" },
  cordon_linux_exit_watch: { args: ["i32", "i32"], returns: "i32", domain: "errno" },
  cordon_linux_pidfd_reap: { args: ["i32"], returns: "i32", domain: "errno" },
  cordon_linux_pidfd_send_signal: { args: ["i32", "i32"], returns: "i32", domain: "errno" },
  cordon_linux_pipe2: { args: ["buffer", "buffer_length", "u32"], returns: "i32", domain: "errno" },
  cordon_linux_warm_handover: { args: ["i32", "buffer", "buffer_length", "buffer", "u32", "buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_linux_socketpair: { args: ["buffer", "buffer_length", "u32"], returns: "i32", domain: "errno" },
});
