import { defineSymbols } from "./define.ts";

/** cordon_linux_relay.h */
export const linuxRelaySymbols = defineSymbols({
  cordon_linux_relay_start: { args: ["i32", "buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_linux_relay_listen_loopback: { args: ["buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_linux_recv_fds: { args: ["i32", "buffer", "buffer_length", "buffer", "buffer_length"], returns: "i32", domain: "errno" },
});
