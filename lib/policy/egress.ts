// `net: { hosts, deny, resolver }` of a validated policy → the rules the
// egress plan and the relay's verdicts use. Pure.
import { PolicyError } from "../errors.ts";
import { parseHostRule, parseResolver, ruleText, type HostRule } from "./net-hosts.ts";
import type { Egress, NetHosts } from "./types.ts";

function rules(field: string, list: readonly string[]): HostRule[] {
  const seen = new Set<string>();
  const out: HostRule[] = [];
  list.forEach((text, i) => {
    const r = parseHostRule(text);
    if (typeof r === "string") throw new PolicyError(`${field}[${i}]`, r);
    const key = ruleText(r);
    if (!seen.has(key)) out.push(r);
    seen.add(key);
  });
  return out;
}

export function resolveEgress(net: NetHosts): Egress {
  const resolver = net.resolver === undefined ? undefined : parseResolver(net.resolver);
  if (typeof resolver === "string") throw new PolicyError("net.resolver", resolver);
  return { hosts: rules("net.hosts", net.hosts), deny: rules("net.deny", net.deny ?? []), ...(resolver && { resolver }) };
}
