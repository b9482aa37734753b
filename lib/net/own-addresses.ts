// This host's interface addresses, canonical: a granted name that resolves to
// one of them would reach this host's own services (lib/net/addresses.ts).
import { networkInterfaces } from "node:os";
import { destinationOf } from "../policy/net-hosts.ts";

export function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) {
      const d = destinationOf(i.address.split("%")[0]!);
      if (d && d.kind !== "name") own.add(d.host);
    }
  }
  return own;
}
