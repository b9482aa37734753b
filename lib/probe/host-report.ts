// The host report behind `cordon probe`: live mechanism evidence, tiny
// sandboxed probes, then each property P01-P24 as this host carries it,
// beside the seL4 column.
import { hostFeatures, type HostFeatures } from "../host.ts";
import { assessLinux } from "./linux.ts";
import { liveChecks, type LiveCheck } from "./live.ts";
import { properties, type Property } from "./properties.ts";
import type { HostStatus } from "./status.ts";

export type PropertyReport = Property & { readonly host: { readonly status: HostStatus; readonly evidence: string } };

export type HostReport = {
  readonly features: HostFeatures;
  /** Checks run inside real sandboxes on this host. */
  readonly live: readonly LiveCheck[];
  readonly properties: readonly PropertyReport[];
};

type Row = { status: HostStatus; evidence: string };

/** A live check outranks the mechanism: a property broken from inside is not enforced, whatever is present. */
function withLive(row: Row, live: LiveCheck | undefined): Row {
  if (!live) return row;
  if (live.holds === false) return { status: "not-available", evidence: `${live.evidence} (mechanism: ${row.evidence})` };
  return { status: row.status, evidence: `${live.evidence}; ${row.evidence}` };
}

export async function hostReport(): Promise<HostReport> {
  const features = await hostFeatures();
  const rows = features.linux ? assessLinux(features.linux) : {};
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
