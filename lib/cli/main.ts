// CLI dispatch. Exit codes: the command's own; 125 when cordon itself fails.
import type { parseArgs as ParseArgs } from "node:util";
import { CordonError } from "../errors.ts";
import { probe } from "./probe.ts";

const usage = `usage:
  cordon probe [--json]     what this host can enforce
  cordon version            library and native versions`;

export async function main(argv: string[], parseArgs: typeof ParseArgs): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "probe": {
        const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" } }, strict: true });
        return probe({ json: values.json ?? false });
      }
      case "version": {
        const { nativeVersion } = await import("../../ffi/common.ts");
        console.log(`cordon ${nativeVersion()}`);
        return 0;
      }
      default:
        console.error(command ? `cordon: unknown command: ${command}\n${usage}` : usage);
        return 125;
    }
  } catch (e) {
    const msg = e instanceof CordonError || e instanceof TypeError ? e.message : String(e);
    console.error(`cordon: ${msg}`);
    return 125;
  }
}
