// `cordon run --explain`: the run's denials as short lines, each with the flag
// that would allow it, then what this run could not see. Pure.
import type { Denial, ExplainSummary } from "./types.ts";

function line(d: Denial): string {
  const what = `${d.access} ${d.target}${d.count > 1 ? ` (${d.count}×)` : ""}`;
  return d.allow ? `  ${what} → ${d.allow}` : `  ${what} — ${d.why ?? "no flag allows it"}`;
}

/** The lines cordon prints on stderr after the command (each starts with "cordon:" or two spaces). */
export function explainLines(denials: readonly Denial[], summary: ExplainSummary): string[] {
  const out: string[] = [];
  if (denials.length === 0) out.push("cordon: explain: nothing was denied");
  else {
    out.push(`cordon: explain: ${denials.length} denied${summary.dropped ? ` (and ${summary.dropped} more not listed)` : ""}:`);
    for (const d of denials) out.push(line(d));
  }
  if (summary.lost > 0) out.push(`cordon: explain: ${summary.lost} denial record(s) were lost before cordon read them`);
  const hidden = summary.sources.filter((s) => !s.visible);
  // One line per reason: the classes one mechanism could not see share it.
  const byReason = new Map<string, string[]>();
  for (const s of hidden) byReason.set(s.reason ?? "", [...(byReason.get(s.reason ?? "") ?? []), s.class]);
  for (const [reason, classes] of byReason) out.push(`cordon: explain: not visible here: ${classes.join(", ")}${reason ? ` (${reason})` : ""}`);
  return out;
}
