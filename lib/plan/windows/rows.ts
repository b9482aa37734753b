// Report rows that depend on host mechanisms: a row whose mechanism the host
// lacks is not enforced, with the host's reason for each missing mechanism.
import type { GuaranteeId, GuaranteeReport } from "../../report.ts";
import type { WindowsMechanism } from "./host.ts";

export type Gaps = Readonly<Partial<Record<WindowsMechanism, string>>>;

/** `row` as this host can give it: not enforced when a mechanism in `needs` is missing. */
export function needing(gaps: Gaps, needs: readonly WindowsMechanism[], row: GuaranteeReport): GuaranteeReport {
  const reasons = needs.flatMap((m) => (gaps[m] === undefined ? [] : [gaps[m]!]));
  if (reasons.length === 0 || row.status === "not-enforced") return row;
  return { guarantee: row.guarantee, status: "not-enforced", by: [], reason: reasons.join("; ") };
}

export const notEnforced = (guarantee: GuaranteeId, reason: string): GuaranteeReport => ({ guarantee, status: "not-enforced", by: [], reason });
