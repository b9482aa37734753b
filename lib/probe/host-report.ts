// The host report behind `cordon probe`: live mechanism evidence, then each
// property P01-P24 as this host carries it, beside the seL4 column.
import { hostFeatures, type HostFeatures } from "../host.ts";
import { assessLinux } from "./linux.ts";
import { properties, type Property } from "./properties.ts";
import type { HostStatus } from "./status.ts";

export type PropertyReport = Property & { readonly host: { readonly status: HostStatus; readonly evidence: string } };

export type HostReport = {
  readonly features: HostFeatures;
  readonly properties: readonly PropertyReport[];
};

export async function hostReport(): Promise<HostReport> {
  const features = await hostFeatures();
  const rows = features.linux ? assessLinux(features.linux) : {};
  return {
    features,
    properties: properties.map((p) => ({
      ...p,
      host: rows[p.id] ?? { status: "not-available", evidence: `no cordon backend measures ${process.platform} yet` },
    })),
  };
}
