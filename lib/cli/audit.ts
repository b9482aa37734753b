// `cordon audit [run options] [--json] [--report=FILE]`: the audit of
// lib/audit run inside a sandbox built from the same flags as `cordon run`.
// Exit 0 once the audit ran, whatever it found; 125 when it could not run.
import type { parseArgs as ParseArgs } from "node:util";
import { audit } from "../audit/index.ts";
import { renderAudit } from "../audit/format.ts";
import { PolicyError } from "../errors.ts";
import { bareAllowEnv, parseRunArgs, runOptions } from "./args.ts";
import { ReportFile } from "./report-file.ts";

export async function auditCommand(args: readonly string[], parseArgs: typeof ParseArgs): Promise<number> {
  const { values, positionals } = parseArgs({ args: bareAllowEnv(args), options: { ...runOptions, json: { type: "boolean" } }, strict: true, allowPositionals: true });
  if (positionals.length > 0) throw new PolicyError("command", `cordon audit runs its own probe and takes no command: ${positionals[0]}`);
  // The run flags mean the same here; the probe stands in for the command.
  const { policy, reportFile } = parseRunArgs([...args.filter((a) => a !== "--json"), "--", "cordon-audit"], parseArgs);
  // Opened before the sandbox runs, like cordon run's: what the probe leaves at the path is never followed.
  const file = reportFile === undefined ? undefined : ReportFile.open(reportFile);
  let report;
  try {
    report = await audit(policy);
    file?.write(JSON.stringify(report, null, 2) + "\n");
  } finally {
    file?.close(report === undefined);
  }
  console.log(values.json ? JSON.stringify(report, null, 2) : renderAudit(report));
  return 0;
}
