// The relay's decisions for one sandbox with host grants: what cordon's DNS
// answers, where an accepted connection or a proxy request may go, and which
// resolved address it is relayed to. The backend feeds it events and carries
// out its verdicts (lib/backend/linux/egress.ts). Pure but for its tables.
import { destinationOf, hostVerdict, normalName, ruleText, type Destination, type HostRule } from "../policy/net-hosts.ts";
import type { Egress } from "../policy/types.ts";
import { ipv4Forms, refusedAddress } from "./addresses.ts";
import { answer, formatError, parseQuery, RCODE, TYPE_A } from "./dns-wire.ts";
import { parseProxyHead, proxyResponse } from "./proxy-head.ts";
import { SyntheticAddresses } from "./synthetic.ts";

/** Where a granted connection goes: a name to resolve now, or the one address its grant names. */
export type Target = {
  /** As the report shows it: the name, or the address. */
  readonly host: string;
  readonly port: number;
  readonly rule: HostRule;
  /** Set for a grant of an IP literal or localhost: this address only, unchecked. */
  readonly address?: string;
};

export type Refusal = { readonly host: string; readonly port?: number; readonly refused: string };

export type DnsOutcome = {
  readonly reply?: Uint8Array | undefined;
  readonly name?: string;
  readonly refused?: string;
  /** The grant that admitted the name (answered, not refused). */
  readonly grant?: string;
  /** The name was given a relay address: a connect to it may follow. */
  readonly relayed?: string;
};

export type ProxyOutcome =
  | { readonly target: Target; readonly ok: string; readonly upstream: string }
  | (Refusal & { readonly response: string });

const IN = 1;

export class EgressDecisions {
  readonly synthetic: SyntheticAddresses;
  /** The deny rules of addresses, each with the forms it names (fixed for the sandbox's life). */
  private readonly addressDenies: readonly { readonly port: number | undefined; readonly forms: ReadonlySet<string>; readonly told: string }[];

  private ownSet: ReadonlySet<string> | undefined;

  constructor(
    private readonly egress: Egress,
    /** This host's interface addresses, canonical; or how to get them, asked once at the first address check (most runs connect nowhere). */
    private readonly own: ReadonlySet<string> | (() => ReadonlySet<string>),
  ) {
    const literals = egress.hosts.filter((r) => r.kind === "ipv4").map((r) => r.host);
    this.synthetic = new SyntheticAddresses(new Set(literals));
    this.addressDenies = egress.deny.filter((r) => r.kind === "ipv4" || r.kind === "ipv6").map((r) => ({ port: r.port, forms: new Set(ipv4Forms(r.host)), told: `denied by ${ruleText(r)}` }));
  }

  private verdict(dest: Destination, port?: number) {
    return hostVerdict(this.egress.hosts, this.egress.deny, dest, port);
  }

  /** An answer to a query from the sandbox: relay addresses for granted names, NXDOMAIN for the rest. */
  dns(query: Uint8Array): DnsOutcome {
    const q = parseQuery(query);
    if (!q) return { reply: formatError(query) };
    if (q.klass !== IN) return { reply: answer(q, RCODE.refused) };
    const dest: Destination = { kind: "name", host: q.name };
    // A label holding a dot or any byte a host name cannot would read as another name: never matched.
    const v = !q.hostName || normalName(q.name) !== q.name ? { refused: "not a host name" } : this.verdict(dest);
    if ("refused" in v) return { reply: answer(q, RCODE.nxDomain), name: q.name, refused: v.refused };
    const grant = ruleText(v.rule);
    if (v.rule.kind === "localhost") return { reply: answer(q, RCODE.ok, [Uint8Array.of(127, 0, 0, 1), loopback6()]), name: q.name, grant };
    // IPv4 only: AAAA and every other type get an empty answer, and clients use the A record.
    if (q.type !== TYPE_A) return { reply: answer(q, RCODE.ok), name: q.name, grant };
    const address = this.synthetic.addressOf(q.name);
    if (!address) return { reply: answer(q, RCODE.servFail), name: q.name, refused: "no relay address left" };
    return { reply: answer(q, RCODE.ok, [Uint8Array.from(address.split(".").map(Number))]), name: q.name, grant, relayed: q.name };
  }

  /** A connection to `address`:`port` inside the sandbox (a relay address, loopback, or a granted literal). */
  accepted(address: string, port: number): Target | Refusal {
    const name = this.synthetic.nameOf(address);
    if (name) return this.target({ kind: "name", host: name }, port);
    const literal = destinationOf(address)!;
    if (address === "::1" || address.startsWith("127.")) {
      // The sandbox's own loopback: granted as the literal, or as localhost (then the same address on this host).
      const byLiteral = this.target(literal, port);
      if ("rule" in byLiteral) return byLiteral;
      // localhost is this host's 127.0.0.1 or ::1, whichever loopback address inside was used.
      const byName = this.target({ kind: "name", host: "localhost" }, port);
      return "rule" in byName ? { ...byName, host: address, address: address.includes(":") ? "::1" : "127.0.0.1" } : { ...byName, host: address };
    }
    return this.target(literal, port);
  }

  private target(dest: Destination, port: number): Target | Refusal {
    const v = this.verdict(dest, port);
    if ("refused" in v) return { host: dest.host, port, refused: v.refused };
    const fixed = v.rule.kind === "ipv4" || v.rule.kind === "ipv6" ? { address: dest.host } : v.rule.kind === "localhost" ? { address: "127.0.0.1" } : {};
    return { host: dest.host, port, rule: v.rule, ...fixed };
  }

  /** A request head on the proxy: CONNECT or an absolute http:// URI. */
  proxied(head: string): ProxyOutcome {
    const r = parseProxyHead(head);
    if (r.kind === "error") return { host: "", refused: r.reason, response: proxyResponse(r.status, r.reason) };
    const dest = destinationOf(r.host);
    if (!dest) return { host: r.host, port: r.port, refused: "not a host", response: proxyResponse(400, `not a host: ${r.host}`) };
    const t = this.target(dest, r.port);
    if ("refused" in t) return { ...t, response: proxyResponse(403, `${r.host}:${r.port} ${t.refused}`) };
    return r.kind === "connect" ? { target: t, ok: "HTTP/1.1 200 Connection established\r\n\r\n", upstream: "" } : { target: t, ok: "", upstream: r.head };
  }

  /**
   * The address to relay to, from what the name resolved to now: the first
   * that is no loopback, link-local, metadata or own address (IPv4 first).
   * A grant of a literal or of localhost has its address already.
   */
  pick(t: Target, resolved: readonly string[]): { address: string } | { refused: string } {
    if (t.address) {
      const denied = this.deniedAddress(t.address, t.port);
      return denied ? { refused: `${t.address}: ${denied}` } : { address: t.address };
    }
    if (resolved.length === 0) return { refused: "the name has no address" };
    const own = this.ownAddresses();
    const checked = resolved.map((a) => ({ a, denied: this.deniedAddress(a, t.port), why: refusedAddress(a, own) }));
    const ok = checked.filter((c) => !c.why && !c.denied).map((c) => c.a);
    const address = ok.find((a) => !a.includes(":")) ?? ok[0];
    if (address) return { address };
    const why = checked.map((c) => `${c.a}: ${c.denied ?? c.why}`).join("; ");
    return { refused: `resolves only to refused addresses (${why})${checked.every((c) => c.denied) ? "" : "; grant the address itself or localhost to reach it"}` };
  }

  /**
   * The deny rule naming `address` (in any form that carries the same IPv4
   * address: mapped, NAT64...) on `port`, as the report says it: a deny of an
   * address holds for every name that resolves to it, and for localhost.
   */
  private deniedAddress(address: string, port: number): string | undefined {
    const mine = ipv4Forms(address);
    return this.addressDenies.find((d) => (d.port === undefined || d.port === port) && mine.some((f) => d.forms.has(f)))?.told;
  }

  /** This host's addresses, asked for once (a connect may follow a lookup: lib/backend/linux/egress.ts asks right after answering it). */
  ownAddresses(): ReadonlySet<string> {
    this.ownSet ??= typeof this.own === "function" ? this.own() : this.own;
    return this.ownSet;
  }

  /** The grant that admitted a target, for the report. */
  static grant(t: Target): string {
    return ruleText(t.rule);
  }
}

function loopback6(): Uint8Array {
  const b = new Uint8Array(16);
  b[15] = 1;
  return b;
}

export const isRefusal = (x: Target | Refusal): x is Refusal => "refused" in x;
