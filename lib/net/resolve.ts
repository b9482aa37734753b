// How cordon resolves a granted name when a connection to it is made: the
// policy's resolver (net.resolver) if it names one, else this host's own
// (getaddrinfo). Resolved per connect, never cached, so a name that resolves
// to a forbidden address later (rebinding) is checked again each time.
import { lookup, Resolver } from "node:dns/promises";
import type { Egress } from "../policy/types.ts";

export type Resolve = (name: string) => Promise<string[]>;

export function resolverFor(egress: Egress): Resolve {
  if (!egress.resolver) return async (name) => (await lookup(name, { all: true, verbatim: true })).map((x) => x.address);
  const { address, port } = egress.resolver;
  let resolver: Resolver | undefined;
  return async (name) => {
    // Made at the first lookup: a run that connects nowhere pays nothing for it.
    if (!resolver) {
      resolver = new Resolver({ timeout: 3000, tries: 2 });
      resolver.setServers([address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`]);
    }
    const [a, aaaa] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
    const out = [...(a.status === "fulfilled" ? a.value : []), ...(aaaa.status === "fulfilled" ? aaaa.value : [])];
    if (out.length === 0 && a.status === "rejected") throw a.reason;
    return out;
  };
}

/** A failed lookup's code (ENOTFOUND, ETIMEOUT...) for the report. */
export const lookupError = (e: unknown) => (e as { code?: string }).code ?? String(e);
