// CLI dispatch. Exit codes: the command's own; 125 when cordon itself fails,
// always with exactly one line on stderr starting with "cordon:".
import type { parseArgs as ParseArgs } from "node:util";
import { CordonError, PolicyError } from "../errors.ts";
import { EXIT_CORDON } from "../exit-status.ts";
import { auditCommand } from "./audit.ts";
import { probe } from "./probe.ts";
import { policyMessage, runCommand } from "./run.ts";

export const usage = `usage:
  cordon run [options] -- COMMAND [ARG...]
    --allow-read=PATH       read and execute beneath PATH (repeatable; comma-separated list allowed)
    --allow-write=PATH      read, write, create, delete beneath PATH (repeatable)
    --allow-net             unrestricted network (default: none at all)
    --allow-connect=PORT    TCP connect to PORT (repeatable)
    --allow-bind=PORT       TCP bind to PORT (repeatable)
    --memory=SIZE           memory limit of the whole tree (bytes, or with K/M/G)
    --pids=N                most live processes in the tree
    --cpu=SECONDS           CPU-time limit
    --timeout=SECONDS       wall clock; then the whole tree is killed and cordon exits 124
    --user=NAME|UID[:GID]   run as this user (needs privilege)
    --env=KEY=VALUE         set a variable (repeatable)
    --allow-env[=NAME,...]  pass more of the caller's variables: NAME, or NAME* (never a secret-looking
                            name); bare: the whole environment (default: PATH, locale, terminal, TZ, CI)
    --home=DIR              HOME, read-write and kept (default: a private, empty one, removed after)
    --cwd=DIR               working directory
    --best-effort           run even if a requested guarantee cannot be enforced
    --report=FILE           write the enforcement report as JSON
    --explain               after the command, list what the sandbox refused and the flag that would allow each
  cordon audit [options] [--json]
                            probe every known channel from inside a sandbox of these run options (docs/audit.md)
  cordon probe [--json]     what this host can enforce
  cordon probe --compare [--json | --markdown]
                            P01-P24 for seL4, this host and every OS cordon targets (--markdown: docs/security-model.md)
  cordon plan --target=sel4-microkit [run options] -- COMMAND
                            a Microkit system description of that job for seL4 (docs/sel4/)
  cordon version            library and native versions`;

/** One line, whatever the error: parseArgs messages can run over several. */
function message(e: unknown): string {
  if (e instanceof PolicyError) return policyMessage(e);
  const text = e instanceof CordonError || e instanceof TypeError ? e.message : String(e);
  return text.split("\n")[0]!;
}

export async function main(argv: string[], parseArgs: typeof ParseArgs): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run":
        return await runCommand(rest, parseArgs);
      case "audit":
        return await auditCommand(rest, parseArgs);
      case "probe": {
        const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" }, compare: { type: "boolean" }, markdown: { type: "boolean" } }, strict: true });
        return await probe({ json: values.json ?? false, compare: values.compare ?? false, markdown: values.markdown ?? false });
      }
      case "plan": {
        const { planCommand } = await import("./plan.ts");
        return await planCommand(rest, parseArgs);
      }
      case "version": {
        parseArgs({ args: rest, options: {}, strict: true });
        const { nativeVersion } = await import("../../ffi/common.ts");
        console.log(`cordon ${nativeVersion()}`);
        return 0;
      }
      case "help":
      case "--help":
      case "-h":
        console.log(usage);
        return 0;
      case undefined:
        console.error(`cordon: missing command (run, audit, probe, plan, version, help)`);
        return EXIT_CORDON;
      default:
        console.error(`cordon: unknown command: ${command} (run, audit, probe, plan, version, help)`);
        return EXIT_CORDON;
    }
  } catch (e) {
    console.error(`cordon: ${message(e)}`);
    return EXIT_CORDON;
  }
}
