// After a run with host grants, what the relay and the proxy refused, as
// `cordon:` lines on stderr: a job whose `git fetch` failed says why without
// a --report file. The most asked-for first, a few at most; the report file
// lists them all. Hosts and reasons are already escaped (lib/net/destinations.ts).
import { LOOKUP_REFUSED, MAX_ENTRIES } from "../net/destinations.ts";
import type { NetworkDestination, Report } from "../report.ts";

const MAX_LINES = 8;
/** A host or reason can quote what the command sent (a request head, up to 64 KiB): cut, the report file keeps it whole. */
const MAX_TEXT = 200;
const cut = (t: string) => (t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT)}… (cut; --report holds it whole)` : t);

/** What was refused: a destination, a lookup (no port; its reason says so), or a proxy request refused before it named a host and port. */
function where(d: NetworkDestination): string {
  if (d.port !== undefined) return `${d.host.includes(":") ? `[${cut(d.host)}]` : cut(d.host)}:${d.port}`;
  return d.reason?.startsWith(LOOKUP_REFUSED) ? `lookup of ${cut(d.host)}` : "a proxy request";
}

export function refusedNetworkLines(network: Report["network"]): string[] {
  if (!network) return [];
  const refused = network.destinations.filter((d) => !d.allowed).sort((a, b) => b.count - a.count);
  const lines = refused.slice(0, MAX_LINES).map((d) => `cordon: network refused ${where(d)}${d.count > 1 ? ` (${d.count} times)` : ""}: ${cut(d.reason ?? "not granted")}`);
  const more = refused.length - lines.length;
  if (more > 0) lines.push(`cordon: network refused ${more} more destination${more > 1 ? "s" : ""} (--report lists each)`);
  if (network.unlisted) lines.push(`cordon: ${network.unlisted} more network decision${network.unlisted > 1 ? "s" : ""} past the report's ${MAX_ENTRIES.toLocaleString("en-US")} entries (not listed)`);
  return lines;
}
