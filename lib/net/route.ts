// Where a granted target is relayed to: resolved for this connection only
// (at the connect, or at the sandbox's lookup just before: lookups-ahead.ts),
// checked (lib/net/decide.ts pick), and counted in the report either way. Shared by the Linux relay and the portable proxy.
import { EgressDecisions, type Target } from "./decide.ts";
import type { DestinationLog } from "./destinations.ts";
import { lookupError, type Resolve } from "./resolve.ts";
import type { NetworkDestination } from "../report.ts";

export type Route = { readonly address: string; readonly entry: NetworkDestination } | { readonly refused: string };

export async function route(decisions: EgressDecisions, resolve: Resolve, log: DestinationLog, t: Target): Promise<Route> {
  let pick: { address: string } | { refused: string };
  try {
    // A grant of an address or localhost has its address (checked against deny rules only).
    pick = decisions.pick(t, t.address ? [] : await resolve(t.host));
  } catch (e) {
    pick = { refused: `lookup failed: ${lookupError(e)}` };
  }
  if ("refused" in pick) {
    log.note("connect", t.host, t.port, { allowed: false, reason: pick.refused });
    return pick;
  }
  const entry = log.note("connect", t.host, t.port, { allowed: true, grant: EgressDecisions.grant(t) }, pick.address);
  return { address: pick.address, entry };
}
