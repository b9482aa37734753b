import { defineSymbols } from "./define.ts";

/** OpenBSD exports (cordon_openbsd.h). */
export const openbsdSymbols = defineSymbols({
  cordon_openbsd_pledge: { args: ["buffer", "buffer_length", "buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_openbsd_unveil: { args: ["buffer", "buffer_length", "buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_openbsd_unveil_lock: { args: [], returns: "i32", domain: "errno" },
});
