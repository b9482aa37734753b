import { defineSymbols } from "./define.ts";

/** openbsd exports (cordon_openbsd.h). */
export const openbsdSymbols = defineSymbols({});
