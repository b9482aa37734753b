import { defineSymbols } from "./define.ts";

/** cordon_linux_spawn.h */
export const linuxSpawnSymbols = defineSymbols({});
