// The host report behind `cordon probe`: live mechanism evidence, tiny
// sandboxed probes, then each property P01-P24 as this host carries it,
// beside the seL4 column. On Linux a property's status is its mark for this
// host (lib/probe/compare.ts: the plan spawn() makes here, through the
// guarantee registry); a live check that breaks it from inside outranks it.
import { properties, type Property } from "../guarantees/properties.ts";
import { hostFeatures, type HostFeatures } from "./features.ts";
import { compareHost, privilegeNote, type MarkCell } from "./compare.ts";
import { liveChecks, type LiveCheck } from "./live-checks.ts";
import { liveLinuxColumn, readAssumptionDocs } from "./live-column.ts";
import type { HostStatus } from "./status.ts";

export type PropertyReport = Property & { readonly host: { readonly status: HostStatus; readonly evidence: string } };

export type HostReport = {
  readonly features: HostFeatures;
  /** Checks run inside real sandboxes on this host. */
  readonly live: readonly LiveCheck[];
  readonly properties: readonly PropertyReport[];
};

type Row = { status: HostStatus; evidence: string };

const statusOf = { E: "enforced", P: "partial", N: "not-available" } as const;

/** A mark's rows in one line: what enforces it, then what is missing. */
function markEvidence(m: MarkCell): string {
  const privilege = privilegeNote(m);
  if (privilege) return privilege;
  const rows = m.rows.map((r) => `${r.guarantee} ${r.status}${r.by.length ? ` (${r.by.join(", ")})` : ""}`);
  const gaps = m.gaps.length ? [`missing: ${m.gaps.join("; ")}`] : [];
  return [...rows, ...gaps].join("; ") || "no cordon guarantee covers it";
}

/** A live check outranks the plan: a property broken from inside is not enforced, whatever the plan says. */
function withLive(row: Row, live: LiveCheck | undefined): Row {
  if (!live) return row;
  if (live.holds === false) return { status: "not-available", evidence: `${live.evidence} (plan: ${row.evidence})` };
  return { status: row.status, evidence: `${live.evidence}; ${row.evidence}` };
}

async function linuxRows(): Promise<Record<string, Row>> {
  const host = compareHost(await liveLinuxColumn(), readAssumptionDocs());
  return Object.fromEntries(host.marks.map((m) => [m.id, { status: statusOf[m.mark], evidence: markEvidence(m) }]));
}

export async function hostReport(): Promise<HostReport> {
  const features = await hostFeatures();
  const rows = features.linux ? await linuxRows() : {};
  const live = features.linux ? await liveChecks() : [];
  return {
    features,
    live,
    properties: properties.map((p) => {
      const row = rows[p.id] ?? { status: "not-available" as const, evidence: `cordon probe measures Linux only so far, this is ${process.platform}` };
      return { ...p, host: withLive(row, live.find((l) => l.id === p.id)) };
    }),
  };
}
