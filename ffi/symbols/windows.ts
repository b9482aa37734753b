import { defineSymbols } from "./define.ts";

/** windows exports (cordon_windows.h). */
export const windowsSymbols = defineSymbols({});
