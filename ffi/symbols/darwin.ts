import { defineSymbols } from "./define.ts";

/** darwin exports (cordon_darwin.h). */
export const darwinSymbols = defineSymbols({});
