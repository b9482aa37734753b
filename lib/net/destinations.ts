// The report's list of destinations the command asked for: each allowed or
// refused name (or address) and port, how often, why refused, where relayed,
// and the bytes each way. Updated in place while the command runs, so a
// report read after the exit holds all of it.
import type { NetworkDestination } from "../report.ts";

export type NetworkReport = { readonly destinations: NetworkDestination[] };

const MAX_ENTRIES = 1000;

export class DestinationLog {
  readonly report: NetworkReport = { destinations: [] };
  private readonly byKey = new Map<string, NetworkDestination>();

  /** The entry of (host, port, verdict and reason), counted once more. */
  note(host: string, port: number | undefined, outcome: { allowed: true; grant: string } | { allowed: false; reason: string }): NetworkDestination {
    const key = JSON.stringify([host, port ?? null, outcome.allowed, outcome.allowed ? "" : outcome.reason]);
    let e = this.byKey.get(key);
    if (!e) {
      e = { host, ...(port !== undefined && { port }), allowed: outcome.allowed, count: 0, ...(outcome.allowed ? { grant: outcome.grant } : { reason: outcome.reason }), bytesOut: 0, bytesIn: 0 };
      // A command that tries a million names fills no memory: past the bound, only counts of what is listed grow.
      if (this.byKey.size < MAX_ENTRIES) {
        this.byKey.set(key, e);
        this.report.destinations.push(e);
      }
    }
    e.count++;
    return e;
  }
}
