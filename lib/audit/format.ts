// The human form of an AuditReport: one table row per channel, then what the
// sandbox left behind and whether every canary is gone. Pure.
import type { AuditReport } from "./index.ts";
import type { Verdict } from "./verdict.ts";

const order: Record<Verdict, number> = { reachable: 0, partial: 1, error: 2, blocked: 3, "n/a": 4 };

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (i === r.length - 1 ? 0 : r[i]!.length))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd());
}

/** Counts per verdict, with rows reachable by design counted apart. */
export function summary(report: Pick<AuditReport, "rows">): Record<Verdict | "by design", number> {
  const out: Record<Verdict | "by design", number> = { reachable: 0, partial: 0, error: 0, blocked: 0, "n/a": 0, "by design": 0 };
  for (const r of report.rows) {
    if (r.byDesign && r.verdict === "reachable") out["by design"]++;
    else out[r.verdict]++;
  }
  return out;
}

/** The verdict as shown: reachable rows that the policy grants on purpose say so. */
export function shownVerdict(row: { verdict: Verdict; byDesign?: boolean }): string {
  return row.byDesign && row.verdict === "reachable" ? "granted" : row.verdict;
}

export function renderAudit(report: AuditReport): string {
  const s = summary(report);
  const lines = [
    `cordon audit: ${report.platform}, nonce ${report.nonce}: ${s.reachable} reachable, ${s.partial} partial, ${s.blocked} blocked, ${s["by design"]} granted by design, ${s["n/a"]} n/a, ${s.error} error`,
    "",
  ];
  const rows = [...report.rows].sort((a, b) => order[a.verdict] - order[b.verdict] || Number(a.byDesign ?? 0) - Number(b.byDesign ?? 0));
  lines.push(
    ...table([
      ["channel", "verdict", "mechanism (blocked: what blocked it; reachable: what would close it)", "evidence"],
      ...rows.map((r) => [r.channel, shownVerdict(r), r.mechanism ?? "", r.evidence]),
    ]),
  );
  lines.push("");
  if (report.leftovers.length === 0) lines.push("left behind after exit: nothing");
  else lines.push("left behind after exit:", ...report.leftovers.map((l) => `  ${l.kind} ${l.name}${l.removed ? " (removed by the audit)" : " (STILL THERE)"}`));
  lines.push(
    report.teardown.remaining.length === 0
      ? `canaries: all removed (${report.teardown.removed.length} objects)`
      : `canaries: NOT all removed: ${report.teardown.remaining.join(", ")}`,
  );
  for (const n of report.notes) lines.push(`note: ${n}`);
  return lines.join("\n");
}
