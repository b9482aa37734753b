// `cordon audit [run options] [--json] [--fail-on=VERDICT] [--accept=CHANNEL]
// [--report=FILE]`: the audit of lib/audit run inside a sandbox built from the
// same flags as `cordon run`. Exit 0 once the audit ran, whatever it found;
// with --fail-on, 1 when a channel not granted by design and not accepted has
// one of those verdicts; 125 when it could not run.
import type { parseArgs as ParseArgs } from "node:util";
import { audit, type AuditReport } from "../audit/index.ts";
import { channelsFor } from "../audit/channels.ts";
import { renderAudit } from "../audit/format.ts";
import { PolicyError } from "../errors.ts";
import { closest } from "../policy/suggest.ts";
import { parseRunArgs, runOptions } from "./args.ts";
import { parseCommand, withoutOptions } from "./parse.ts";
import { ReportFile } from "./report-file.ts";

export const auditOptions = {
  json: { type: "boolean" },
  "fail-on": { type: "string", multiple: true },
  accept: { type: "string", multiple: true },
} as const;

/** The audit found what --fail-on names. */
export const EXIT_AUDIT_FAILED = 1;

const failVerdicts = ["reachable", "partial", "error"] as const;
type FailVerdict = (typeof failVerdicts)[number];

function list(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(",")).map((v) => v.trim());
}

function failOn(values: readonly string[] | undefined): Set<FailVerdict> {
  const out = new Set<FailVerdict>();
  for (const v of list(values)) {
    if (!(failVerdicts as readonly string[]).includes(v)) {
      const near = closest(v, failVerdicts);
      throw new PolicyError("--fail-on", `unknown verdict ${JSON.stringify(v)}${near ? `; did you mean ${near}?` : ""} (known: ${failVerdicts.join(", ")})`);
    }
    out.add(v as FailVerdict);
  }
  return out;
}

/** `--accept` patterns as a test on channel ids; an id that names no channel is refused (a typo would accept nothing). */
function accepted(values: readonly string[] | undefined): (id: string) => boolean {
  const ids = channelsFor(process.platform).map((c) => c.id);
  const patterns = list(values);
  for (const p of patterns) {
    const hit = p.endsWith("*") ? ids.some((id) => id.startsWith(p.slice(0, -1))) : ids.includes(p);
    if (!hit) {
      const near = closest(p, ids);
      throw new PolicyError("--accept", `no channel ${JSON.stringify(p)}${near ? `; did you mean ${near}?` : ""} (cordon audit --json lists them)`);
    }
  }
  return (id) => patterns.some((p) => (p.endsWith("*") ? id.startsWith(p.slice(0, -1)) : id === p));
}

/** The channels that fail the build: their verdict is listed, they are not granted by design, not accepted. */
export function failing(report: Pick<AuditReport, "rows">, verdicts: ReadonlySet<string>, accept: (id: string) => boolean): string[] {
  return report.rows.filter((r) => verdicts.has(r.verdict) && !(r.byDesign && r.verdict === "reachable") && !accept(r.channel)).map((r) => r.channel);
}

export async function auditCommand(args: readonly string[], parseArgs: typeof ParseArgs): Promise<number> {
  const { values, positionals, tokens } = parseCommand(parseArgs, "audit", args, { ...runOptions, ...auditOptions });
  if (positionals.length > 0) throw new PolicyError("command", `cordon audit runs its own probe and takes no command: ${positionals[0]}`);
  if (values.explain) throw new PolicyError("--explain", "cordon audit reports every channel it probed itself; --explain is cordon run's");
  const verdicts = failOn(values["fail-on"]);
  if (values.accept && verdicts.size === 0) throw new PolicyError("--accept", "only means something with --fail-on");
  const accept = accepted(values.accept);
  // The run flags mean the same here; the probe stands in for the command.
  const { policy, reportFile, blame } = parseRunArgs([...withoutOptions(args, tokens, auditOptions), "--", "cordon-audit"], parseArgs);
  // Opened before the sandbox runs, like cordon run's: what the probe leaves at the path is never followed.
  const file = reportFile === undefined ? undefined : ReportFile.open(reportFile);
  let report;
  try {
    report = await audit(policy);
    file?.write(JSON.stringify(report, null, 2) + "\n");
  } catch (e) {
    throw e instanceof PolicyError && blame ? blame(e) : e;
  } finally {
    file?.close(report === undefined);
  }
  console.log(values.json ? JSON.stringify(report, null, 2) : renderAudit(report));
  const failed = failing(report, verdicts, accept);
  if (failed.length === 0) return 0;
  console.error(`cordon: audit: ${failed.length} channel${failed.length === 1 ? "" : "s"} ${[...verdicts].join("/")} (--fail-on): ${failed.join(", ")}`);
  return EXIT_AUDIT_FAILED;
}
