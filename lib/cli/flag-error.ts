// parseArgs' errors in cordon's words: an unknown flag names the command and
// the known flag it most likely meant ("did you mean --allow-read?").
import { closest } from "../policy/suggest.ts";

/** The error to throw for `e`, raised by parseArgs for `cordon <command>` whose flags are `known` (without dashes). */
export function flagError(e: unknown, command: string, known: readonly string[]): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION" || !(e instanceof Error)) return e;
  const flag = /'([^']+)'/.exec(e.message)?.[1] ?? "";
  const name = flag.replace(/^--?/, "").split("=")[0]!;
  const near = flag.startsWith("--") ? closest(name, known) : undefined;
  const hint = near === undefined ? "" : `; did you mean --${near}?`;
  return new TypeError(`unknown flag ${flag} for cordon ${command}${hint} (cordon ${command} --help lists them)`);
}
