// `cordon probe --compare`: P01-P24 per host, each mark computed from the
// host's plan report through the guarantee registry (lib/guarantees), beside
// seL4's marks, with the rows and assumption lines behind every mark. Pure:
// the hosts and the assumption documents are passed in.
import { countMarks, markProperties, type Mark, type PropertyMark } from "../guarantees/marks.ts";
import { properties, type PropertyId, type Sel4Mark } from "../guarantees/properties.ts";
import type { Enforcement, GuaranteeId } from "../report.ts";
import { assumptionFor, type Assumption, type AssumptionDocs } from "./assumption-lines.ts";
import { ciJobWords, type HostColumn, type Os } from "./described.ts";

export type CitedRow = {
  readonly guarantee: GuaranteeId;
  readonly status: Enforcement;
  readonly by: readonly string[];
  readonly reason?: string;
  /** The assumption line behind the row, when one names it. */
  readonly assumption?: Assumption;
};

export type MarkCell = {
  readonly id: PropertyId;
  readonly mark: Mark;
  /** Aspects not enforced, as "aspect: status". */
  readonly gaps: readonly string[];
  readonly rows: readonly CitedRow[];
  /** P23: what an ordinary user loses. */
  readonly lostWithoutPrivilege?: PropertyMark["lostWithoutPrivilege"];
};

export type ComparedHost = {
  readonly key: string;
  readonly os: Os;
  readonly title: string;
  readonly host: string;
  readonly shows: "privileged" | "unprivileged";
  readonly live: boolean;
  /** The planner the marks come from. */
  readonly plan: string;
  readonly marks: readonly MarkCell[];
  readonly counts: Readonly<Record<string, number>>;
  /** Properties where this host's mark is below seL4's (E* counts as E). */
  readonly behindSel4: number;
  /** E 2, P 1, N 0 summed over P01-P24 (seL4's is `Comparison.sel4Score`). */
  readonly score: number;
};

export type Comparison = {
  /** The job every host plans, in words. */
  readonly policy: string;
  readonly sel4: readonly { readonly id: PropertyId; readonly title: string; readonly mark: Sel4Mark; readonly note: string }[];
  readonly sel4Counts: Readonly<Record<string, number>>;
  readonly sel4Score: number;
  readonly hosts: readonly ComparedHost[];
};

const points: Record<string, number> = { "E*": 2, E: 2, P: 1, N: 0 };
const sel4Marks = new Map<string, string>(properties.map((p) => [p.id, p.sel4.mark]));

function cell(m: PropertyMark, cite: (row: CitedRow) => Assumption | undefined): MarkCell {
  const rows = m.guarantees.map((g) => {
    const row: CitedRow = { guarantee: g.guarantee, status: g.status, by: g.by, ...(g.reason ? { reason: g.reason } : {}) };
    const assumption = cite(row);
    return assumption ? { ...row, assumption } : row;
  });
  return {
    id: m.id,
    mark: m.mark,
    gaps: m.aspects.filter((a) => a.status !== "enforced").map((a) => `${a.aspect}: ${a.status === "absent" ? "no guarantee" : a.status}`),
    rows,
    ...(m.lostWithoutPrivilege ? { lostWithoutPrivilege: m.lostWithoutPrivilege } : {}),
  };
}

/** P23's cell in words: what an ordinary user loses of P01-P11. */
export function privilegeNote(m: MarkCell): string | undefined {
  if (!m.lostWithoutPrivilege) return undefined;
  const lost = m.lostWithoutPrivilege.map((l) => `${l.id} ${l.privileged}→${l.unprivileged}`).join(", ");
  return lost ? `without privilege: ${lost}` : "nothing of P01-P11 needs privilege";
}

export function compareHost(column: HostColumn, docs: AssumptionDocs): ComparedHost {
  const privileged = column.privileged();
  const unprivileged = column.unprivileged();
  const marks = markProperties(column.shows === "privileged" ? privileged : unprivileged, { privileged, unprivileged });
  const cells = marks.map((m) => cell(m, (row) => assumptionFor(column.os, row.guarantee, docs)));
  return {
    key: column.key,
    os: column.os,
    title: column.title,
    host: column.host,
    shows: column.shows,
    live: column.live === true,
    plan: column.plan,
    marks: cells,
    counts: countMarks(cells),
    behindSel4: cells.filter((c) => points[c.mark]! < points[sel4Marks.get(c.id)!]!).length,
    score: cells.reduce((n, c) => n + points[c.mark]!, 0),
  };
}

export function compareHosts(columns: readonly HostColumn[], docs: AssumptionDocs): Comparison {
  const sel4 = properties.map((p) => ({ id: p.id, title: p.title, mark: p.sel4.mark, note: p.sel4.note }));
  const sel4Score = sel4.reduce((n, p) => n + points[p.mark]!, 0);
  return { policy: ciJobWords, sel4, sel4Counts: countMarks(sel4), sel4Score, hosts: columns.map((c) => compareHost(c, docs)) };
}
