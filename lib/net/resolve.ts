// How cordon resolves a granted name when a connection to it is made: the
// policy's resolver (net.resolver) if it names one, else this host's own
// (getaddrinfo). Resolved for each connect (or for the lookup just before
// it: lib/net/lookups-ahead.ts), never cached, so a name that resolves to a
// forbidden address later (rebinding) is checked again each time.
import { lookup, Resolver } from "node:dns/promises";
import type { Egress } from "../policy/types.ts";

export type Resolve = (name: string) => Promise<string[]>;

/** One resolver per server for the process, made at its first lookup (a run that connects nowhere pays nothing for it); it caches nothing. */
const resolvers = new Map<string, Resolver>();

function resolverOf(server: string): Resolver {
  let r = resolvers.get(server);
  if (!r) {
    r = new Resolver({ timeout: 3000, tries: 2 });
    r.setServers([server]);
    resolvers.set(server, r);
  }
  return r;
}

export function resolverFor(egress: Egress): Resolve {
  if (!egress.resolver) return async (name) => (await lookup(name, { all: true, verbatim: true })).map((x) => x.address);
  const { address, port } = egress.resolver;
  const server = address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
  return async (name) => {
    const resolver = resolverOf(server);
    const [a, aaaa] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
    const out = [...(a.status === "fulfilled" ? a.value : []), ...(aaaa.status === "fulfilled" ? aaaa.value : [])];
    if (out.length === 0 && a.status === "rejected") throw a.reason;
    return out;
  };
}

/** A failed lookup's code (ENOTFOUND, ETIMEOUT...) for the report. */
export const lookupError = (e: unknown) => (e as { code?: string }).code ?? String(e);
