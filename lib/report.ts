// The enforcement report: per requested guarantee, what enforced it here.
import type { Denial, ExplainSummary } from "./denials/types.ts";
import type { GuaranteeId } from "./guarantees/registry.ts";
import type { EnvReport } from "./policy/env.ts";

export type { GuaranteeId, Mechanism } from "./guarantees/registry.ts";

export type Enforcement = "enforced" | "partial" | "not-enforced";

export type GuaranteeReport = {
  /** Stable id from the registry (lib/guarantees/registry.ts), e.g. "fs.write-confined", "net.none", "tree.kill", "limits.memory". */
  readonly guarantee: GuaranteeId;
  readonly status: Enforcement;
  /** Mechanisms that enforce it, e.g. ["landlock abi 7"], ["seccomp", "netns"]. */
  readonly by: readonly string[];
  /** Why it is partial or missing (e.g. "landlock ABI 3 < 4: no TCP rules"). */
  readonly reason?: string;
};

/** One destination the command asked for with host grants (net.hosts), counted while it runs. */
export type NetworkDestination = {
  /** A name, or an address as the command used it. */
  host: string;
  /** Absent for a lookup (DNS has no port). */
  port?: number;
  allowed: boolean;
  /** Connections (or lookups, for a refused name). */
  count: number;
  /** Why refused, or why a granted connect failed. */
  reason?: string;
  /** The grant that admitted it. */
  grant?: string;
  /** Addresses it was relayed to. */
  addresses?: string[];
  bytesOut: number;
  bytesIn: number;
};

/**
 * One decision on the way out with host grants, told to spawn()'s `onNetwork`
 * as it is taken (frozen; the words of NetworkDestination). An observer's
 * copy: it changes nothing, and the report counts the same decisions.
 */
export type NetworkEvent = {
  /** "lookup": a DNS query from inside (no port); "connect": a connection or proxy request; "close": a relayed connection ended. */
  readonly kind: "lookup" | "connect" | "close";
  /** A name, or an address as the command used it. */
  readonly host: string;
  /** Absent for a lookup. */
  readonly port?: number;
  /** Always true for "close" (only relayed connections close). */
  readonly allowed: boolean;
  /** The grant that admitted it. */
  readonly grant?: string;
  /** Why refused; on "close", why the relayed connect failed. */
  readonly reason?: string;
  /** "connect" allowed and "close": the address it is relayed to. */
  readonly address?: string;
  /** "close": bytes each way. */
  readonly bytesOut?: number;
  readonly bytesIn?: number;
};

/** spawn()'s `onNetwork`: called once per NetworkEvent, on Bun's event loop, after the decision was carried out. */
export type NetworkHook = (event: NetworkEvent) => void;

export type Report = {
  readonly platform: string;
  readonly compat: "hard" | "best-effort";
  readonly guarantees: readonly GuaranteeReport[];
  /** What this host (or an enclosing sandbox) already takes away or adds, found by probing. */
  readonly host?: readonly string[];
  /** Names (never values) of the variables the command got: the caller's passed in, and those cordon or the policy set. */
  readonly env?: EnvReport;
  /**
   * With host grants: every destination asked for, allowed or refused (filled
   * in while the command runs), up to 1,000 distinct entries; `unlisted`
   * counts the decisions past that bound (absent while there are none).
   */
  readonly network?: { readonly destinations: NetworkDestination[]; readonly unlisted?: number };
  /** With explain: what the sandbox refused, distinct, with counts (bounded); complete once the run has exited. */
  readonly denials?: readonly Denial[];
  /** With explain: which classes of denials this run could see and by what, and what was dropped or lost. */
  readonly explain?: ExplainSummary;
};

/** Guarantees that are not fully enforced. */
export function missing(report: Report): GuaranteeReport[] {
  return report.guarantees.filter((g) => g.status !== "enforced");
}
