// `cordon run [options] -- COMMAND [ARG...]`: stdio passes straight through;
// the exit status is the command's (see lib/exit-status.ts), or 125 with one
// `cordon:` line on stderr when cordon itself fails.
import type { parseArgs as ParseArgs } from "node:util";
import { explainLines } from "../denials/format.ts";
import { CompatError, OsError, PolicyError } from "../errors.ts";
import { EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND, exitStatus } from "../exit-status.ts";
import type { Report } from "../report.ts";
import { spawn, type SandboxedSubprocess } from "../spawn.ts";
import { parseRunArgs } from "./args.ts";
import { flagOf } from "./flags.ts";
import { refusedNetworkLines } from "./network-lines.ts";
import { ReportFile } from "./report-file.ts";

/**
 * Signals that would kill cordon are passed to the command instead, so it can
 * clean up. A command may ignore them; a second one kills the whole tree.
 */
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The command could not be executed: 127 not found, 126 found but not executable. */
function execFailure(e: unknown, command: string): number | undefined {
  if (!(e instanceof OsError) || e.op !== "execve") return undefined;
  if (e.errorName === "ENOENT") {
    console.error(`cordon: ${command}: command not found`);
    return EXIT_NOT_FOUND;
  }
  console.error(`cordon: ${command}: cannot execute (${e.errorName})`);
  return EXIT_NOT_EXECUTABLE;
}

function reportText(report: Report, outcome?: object): string {
  return JSON.stringify({ ...report, ...(outcome && { outcome }) }, null, 2) + "\n";
}

function writeRefusal(file: ReportFile, e: CompatError): void {
  try {
    file.write(JSON.stringify({ platform: `${process.platform}-${process.arch}`, compat: "hard", refused: e.missing }, null, 2) + "\n");
  } catch {
    // The refusal itself is the error to report; an unwritable file adds nothing.
  }
}

/** A PolicyError's message with the field told as the flag that set it. */
export function policyMessage(e: PolicyError): string {
  const detail = e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
  return `${flagOf(e.field)}: ${detail}`;
}

export async function runCommand(args: readonly string[], parseArgs: typeof ParseArgs): Promise<number> {
  const { argv, policy, reportFile, blame, explain } = parseRunArgs(args, parseArgs);
  // Handlers go in before the command starts: it may already be running when spawn() returns.
  let proc: SandboxedSubprocess | undefined;
  let received = 0;
  const forward = (signal: NodeJS.Signals) => {
    received++;
    if (proc) proc.kill(received === 1 ? signal : "SIGKILL");
  };
  // Opened before the command runs: a report that cannot be written stops
  // cordon first, and the command cannot swap the path for something else.
  const report = reportFile === undefined ? undefined : ReportFile.open(reportFile);
  let ran = false;
  for (const s of forwarded) process.on(s, forward);
  try {
    try {
      proc = spawn(argv, policy, { stdin: "inherit", stdout: "inherit", stderr: "inherit", ...(explain && { explain: true }) });
    } catch (e) {
      const code = execFailure(e, argv[0]!);
      if (code !== undefined) return code;
      // A refusal is a report too: CI keeps what this host could not enforce.
      if (e instanceof CompatError && report) writeRefusal(report, e);
      // A path or user the --policy file named is the file's fault, not a flag's.
      throw e instanceof PolicyError && blame ? blame(e) : e;
    }
    ran = true;
    if (received > 0) proc.kill("SIGKILL"); // cordon was told to stop while starting the command
    if (report) {
      try {
        report.write(reportText(proc.report));
      } catch (e) {
        proc.kill("SIGKILL");
        await proc.exited.catch(() => {});
        throw e;
      }
    }
    try {
      await proc.exited;
    } catch (e) {
      const code = execFailure(e, argv[0]!);
      if (code !== undefined) return code;
      throw e;
    }
    const end = { exitCode: proc.exitCode, signalCode: proc.signalCode, timedOut: proc.timedOut, ...(proc.limit ? { limit: proc.limit } : {}) };
    // A limit that ended the tree is cordon's to say: one line, like every message of cordon's.
    if (proc.limit) console.error(`cordon: ${proc.limit}`);
    for (const l of refusedNetworkLines(proc.report.network)) console.error(l);
    if (explain && proc.report.denials && proc.report.explain) for (const l of explainLines(proc.report.denials, proc.report.explain)) console.error(l);
    const status = exitStatus(end);
    if (report) {
      report.write(reportText(proc.report, { status, ...end }));
      // The command could rename or delete the file it shares a directory with: what is at the path now is not cordon's.
      if (!report.inPlace()) throw new PolicyError("--report", `${report.path} was replaced or removed while the command ran; the report there is not cordon's`);
    }
    return status;
  } finally {
    report?.close(!ran);
    for (const s of forwarded) process.off(s, forward);
  }
}
