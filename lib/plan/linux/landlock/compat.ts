// Compatibility levels, per requirement, with rust-landlock's meaning:
//   hard        the right must be enforced, or planning fails (CompatError);
//   soft        if this right is missing, landlock is not applied at all
//               (for programs a partial sandbox would break);
//   best-effort enforce what the ABI has; the report says what was dropped.
import { PolicyError } from "../../../errors.ts";
import type { Compat } from "../../../policy/types.ts";
import type { RightName } from "./rights.ts";
import { isRightName } from "./rights.ts";

export type CompatLevel = "hard" | "soft" | "best-effort";

/** One level for everything, or a default plus levels for single rights. */
export type LandlockCompat = CompatLevel | { readonly default?: CompatLevel; readonly rights?: Readonly<Partial<Record<RightName, CompatLevel>>> };

const levels = new Set<string>(["hard", "soft", "best-effort"]);

/** The level of one right: its own setting, else the default, else the policy's compat. */
export function levelOf(right: RightName, compat: LandlockCompat | undefined, policyCompat: Compat): CompatLevel {
  if (typeof compat === "string") return compat;
  return compat?.rights?.[right] ?? compat?.default ?? policyCompat;
}

/** Rejects unknown levels and unknown right names before anything is planned. */
export function validateCompat(compat: LandlockCompat | undefined): void {
  if (compat === undefined) return;
  if (typeof compat === "string") {
    if (!levels.has(compat)) throw new PolicyError("compat", `unknown level "${compat}" (hard, soft, best-effort)`);
    return;
  }
  if (compat.default !== undefined && !levels.has(compat.default))
    throw new PolicyError("compat.default", `unknown level "${compat.default}" (hard, soft, best-effort)`);
  for (const [right, level] of Object.entries(compat.rights ?? {})) {
    if (!isRightName(right)) throw new PolicyError(`compat.rights.${right}`, "not a landlock right");
    if (!levels.has(level as string)) throw new PolicyError(`compat.rights.${right}`, `unknown level "${level}" (hard, soft, best-effort)`);
  }
}
