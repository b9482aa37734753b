// CLI dispatch. Exit codes: the command's own; 125 when cordon itself fails,
// always with exactly one line on stderr starting with "cordon:".
import type { parseArgs as ParseArgs } from "node:util";
import { CordonError, PolicyError } from "../errors.ts";
import { EXIT_CORDON } from "../exit-status.ts";
import { closest } from "../policy/suggest.ts";
import { auditCommand } from "./audit.ts";
import { flagError } from "./flag-error.ts";
import { commandHelp, commandNames, usage } from "./help.ts";
import { probe } from "./probe.ts";
import { policyMessage, runCommand } from "./run.ts";
import { version } from "./version.ts";

/** One line, whatever the error: parseArgs messages can run over several. */
function message(e: unknown): string {
  if (e instanceof PolicyError) return policyMessage(e);
  const text = e instanceof CordonError || e instanceof TypeError ? e.message : String(e);
  return text.split("\n")[0]!;
}

/** `--help` or `-h` before any `--` (after it, they are the command's). */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

/** parseArgs for a command with only switches, unknown flags told as flagError says. */
function switches<K extends string>(parseArgs: typeof ParseArgs, command: string, args: string[], names: readonly K[]): Partial<Record<K, boolean>> {
  const options = Object.fromEntries(names.map((n) => [n, { type: "boolean" as const }]));
  try {
    return parseArgs({ args, options, strict: true }).values as Partial<Record<K, boolean>>;
  } catch (e) {
    throw flagError(e, command, [...names, "help"]);
  }
}

function unknownCommand(command: string): string {
  const near = closest(command, commandNames);
  return `unknown command: ${command}${near ? `; did you mean ${near}?` : ""} (${commandNames.join(", ")})`;
}

export async function main(argv: string[], parseArgs: typeof ParseArgs): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command !== undefined && commandNames.includes(command) && wantsHelp(rest)) {
      console.log(commandHelp(command));
      return 0;
    }
    switch (command) {
      case "run":
        return await runCommand(rest, parseArgs);
      case "audit":
        return await auditCommand(rest, parseArgs);
      case "learn": {
        const { learnCommand } = await import("./learn.ts");
        return await learnCommand(rest, parseArgs);
      }
      case "probe": {
        const values = switches(parseArgs, "probe", rest, ["json", "compare", "markdown"]);
        return await probe({ json: values.json ?? false, compare: values.compare ?? false, markdown: values.markdown ?? false });
      }
      case "plan": {
        const { planCommand } = await import("./plan.ts");
        return await planCommand(rest, parseArgs);
      }
      case "version":
      case "--version":
      case "-V":
        switches(parseArgs, "version", rest, []);
        return await version();
      case "help":
      case "--help":
      case "-h": {
        const [topic, ...extra] = rest;
        if (extra.length > 0) throw new TypeError(`cordon help takes one command, got ${rest.join(" ")}`);
        if (topic === undefined) console.log(usage());
        else {
          const text = commandHelp(topic);
          if (text === undefined) throw new TypeError(unknownCommand(topic));
          console.log(text);
        }
        return 0;
      }
      case undefined:
        console.error(`cordon: missing command (${commandNames.join(", ")}; cordon help)`);
        return EXIT_CORDON;
      default:
        console.error(`cordon: ${unknownCommand(command)}`);
        return EXIT_CORDON;
    }
  } catch (e) {
    console.error(`cordon: ${message(e)}`);
    return EXIT_CORDON;
  }
}
