import { defineSymbols } from "./define.ts";

/** freebsd exports (cordon_freebsd.h). */
export const freebsdSymbols = defineSymbols({});
