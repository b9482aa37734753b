// Commands that take the run options plus their own (audit, plan): one strict
// parse of everything, unknown flags told by flagError, and the arguments
// left for parseRunArgs once the command's own options are taken out.
import type { parseArgs as ParseArgs, ParseArgsOptionsConfig } from "node:util";
import { bareAllowEnv } from "./args.ts";
import { flagError } from "./flag-error.ts";

export function parseCommand<O extends ParseArgsOptionsConfig>(parseArgs: typeof ParseArgs, command: string, args: readonly string[], options: O) {
  try {
    // bareAllowEnv keeps the length: token indices are args' own.
    return parseArgs({ args: bareAllowEnv(args), options, strict: true, allowPositionals: true, tokens: true });
  } catch (e) {
    throw flagError(e, command, [...Object.keys(options), "help"]);
  }
}

type Token = { readonly kind: string; readonly index: number; readonly name?: string; readonly inlineValue?: boolean | undefined };

/** `args` without the tokens of the options in `own` (and the values given as separate arguments). */
export function withoutOptions(args: readonly string[], tokens: readonly Token[], own: object): string[] {
  const drop = new Set<number>();
  for (const t of tokens) {
    if (t.kind !== "option" || !(t.name! in own)) continue;
    drop.add(t.index);
    if (t.inlineValue === false) drop.add(t.index + 1);
  }
  return args.filter((_, i) => !drop.has(i));
}
