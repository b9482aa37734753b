// A plan's report → the marks E/P/N of P01-P24, from the registry alone:
// - an aspect takes the best status of the reported guarantees that cover it
//   (a guarantee that covers it only "partly" gives partial at most);
// - a property is E when every aspect is enforced, N when none is enforced or
//   partial, P otherwise;
// - P23 compares P01-P11 with and without privilege: E when privilege changes
//   nothing, N when nothing of them is left without it, P otherwise.
// Ids the registry does not know contribute nothing (the registry test keeps
// every plan's ids registered).
import type { Enforcement, GuaranteeReport } from "../report.ts";
import { PRIVILEGE_SCOPE, properties, type Property, type PropertyId } from "./properties.ts";
import { guaranteeInfo, type GuaranteeId, type Links } from "./registry.ts";

export type Mark = "E" | "P" | "N";

export type AspectState = {
  readonly aspect: string;
  /** "absent": no reported guarantee covers it. */
  readonly status: Enforcement | "absent";
  /** The reported guarantees that cover it, best first. */
  readonly by: readonly GuaranteeId[];
};

export type PropertyMark = {
  readonly id: PropertyId;
  readonly mark: Mark;
  readonly aspects: readonly AspectState[];
  /** The report rows behind the mark (P23: none). */
  readonly guarantees: readonly GuaranteeReport[];
  /** P23 only: the P01-P11 marks without privilege that are lower than with it. */
  readonly lostWithoutPrivilege?: readonly { readonly id: PropertyId; readonly privileged: Mark; readonly unprivileged: Mark }[];
};

const rank: Record<Enforcement | "absent", number> = { enforced: 3, partial: 2, "not-enforced": 1, absent: 0 };
const markRank: Record<Mark, number> = { E: 2, P: 1, N: 0 };

function linked(links: Links | undefined, p: PropertyId, aspect: string): boolean {
  return (links?.[p] as readonly string[] | undefined)?.includes(aspect) ?? false;
}

function aspectState(p: PropertyId, aspect: string, report: readonly GuaranteeReport[]): { state: AspectState; rows: GuaranteeReport[] } {
  const rows: { row: GuaranteeReport; status: Enforcement }[] = [];
  for (const row of report) {
    const info = guaranteeInfo(row.guarantee);
    if (!info) continue;
    if (linked(info.covers, p, aspect)) rows.push({ row, status: row.status });
    else if (linked(info.partly, p, aspect)) rows.push({ row, status: row.status === "enforced" ? "partial" : row.status });
  }
  rows.sort((a, b) => rank[b.status] - rank[a.status]);
  const status = rows[0]?.status ?? "absent";
  return { state: { aspect, status, by: rows.map((r) => r.row.guarantee) }, rows: rows.map((r) => r.row) };
}

function markOf(aspects: readonly AspectState[]): Mark {
  if (aspects.length > 0 && aspects.every((a) => a.status === "enforced")) return "E";
  return aspects.some((a) => a.status === "enforced" || a.status === "partial") ? "P" : "N";
}

function markFromGuarantees(p: Property, report: readonly GuaranteeReport[]): PropertyMark {
  const results = p.aspects.map((a) => aspectState(p.id, a, report));
  const guarantees = [...new Set(results.flatMap((r) => r.rows))];
  const aspects = results.map((r) => r.state);
  return { id: p.id, mark: markOf(aspects), aspects, guarantees };
}

function markFromPrivilege(p: Property, privileged: readonly PropertyMark[], unprivileged: readonly PropertyMark[]): PropertyMark {
  const pairs = PRIVILEGE_SCOPE.map((id) => ({ id, privileged: privileged.find((m) => m.id === id)!.mark, unprivileged: unprivileged.find((m) => m.id === id)!.mark }));
  const lost = pairs.filter((x) => markRank[x.unprivileged] < markRank[x.privileged]);
  const left = pairs.filter((x) => x.unprivileged !== "N");
  const mark: Mark = lost.length === 0 ? "E" : left.length === 0 ? "N" : "P";
  return { id: p.id, mark, aspects: [], guarantees: [], lostWithoutPrivilege: lost };
}

const byGuarantees = (report: readonly GuaranteeReport[]) => properties.filter((p) => !("fromPrivilege" in p)).map((p) => markFromGuarantees(p, report));

/** The same policy planned for the same host with privilege and by an ordinary user on its default configuration (for P23). */
export type PrivilegePair = { readonly privileged: readonly GuaranteeReport[]; readonly unprivileged: readonly GuaranteeReport[] };

/** The marks of every property for a plan's report; P23 from `pair`. */
export function markProperties(report: readonly GuaranteeReport[], pair: PrivilegePair): PropertyMark[] {
  const marks = byGuarantees(report);
  const withIt = byGuarantees(pair.privileged);
  const without = byGuarantees(pair.unprivileged);
  return properties.map((p) => ("fromPrivilege" in p ? markFromPrivilege(p, withIt, without) : marks.find((m) => m.id === p.id)!));
}

/** How many properties carry each mark, in the order E*, E, P, N (E* only for seL4). */
export function countMarks(marks: readonly { readonly mark: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ["E*", "E", "P", "N"]) {
    const n = marks.filter((m) => m.mark === k).length;
    if (n > 0 || k !== "E*") out[k] = n;
  }
  return out;
}
