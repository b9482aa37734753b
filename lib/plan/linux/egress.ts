// Egress by host name (net.hosts) on Linux: the command runs in a network
// namespace of its own with only loopback, where every way out is a socket
// of cordon's relay (docs/network.md). This plan says which: the addresses on
// lo, the listeners (DNS where the sandbox's resolv.conf sends queries, one
// per port the grants name for connects to relay addresses, an HTTP proxy),
// the proxy variables, and what the report may claim. Pure.
import { parseIPv4, parseIPv6, ruleText } from "../../policy/net-hosts.ts";
import type { Egress } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { LINUX_NO_PROXY, proxyEnv as portableProxyEnv } from "../egress-proxy.ts";
import { AF_INET, AF_INET6, AF_NETLINK, AF_UNIX } from "./seccomp/constants.ts";
import type { Rule } from "./seccomp/index.ts";

/** Ports a grant without one is reached on without a proxy (every port through the proxy). */
export const DEFAULT_PORTS = [80, 443] as const;
/** Transparent ports beyond this many are reached only through the proxy (64 sockets per sandbox). */
export const MAX_TRANSPARENT_PORTS = 24;
/** The proxy's port inside the sandbox, or the next one no grant uses. */
export const PROXY_PORT = 3128;
/** At most this many resolver addresses are served (glibc reads three). */
const MAX_RESOLVERS = 4;

export type EgressListener = {
  readonly kind: "dnsUdp" | "dnsTcp" | "transparent" | "proxy";
  readonly family: 4 | 6;
  /** Canonical text; absent: every address. */
  readonly address?: string;
  readonly port: number;
  /** IPv6: skipped where the namespace has no IPv6. */
  readonly optional?: boolean;
};

export type EgressNetns = {
  /** Added to lo: the resolvers' addresses and granted literals that are not loopback already. */
  readonly addresses: readonly string[];
  readonly listeners: readonly EgressListener[];
  /** Reached without the proxy: connects to a relay address (or a granted literal, or localhost) on these ports. */
  readonly transparentPorts: readonly number[];
  readonly proxyPort: number;
  /** HTTP(S)_PROXY and NO_PROXY for clients that prefer a proxy; nothing depends on them. */
  readonly env: Readonly<Record<string, string>>;
};

const isLoopback = (a: string) => a === "::1" || a.startsWith("127.");

/** The resolver addresses of a resolv.conf's text (literals only; a zone-scoped IPv6 one cannot be served). */
export function nameservers(resolvConf: string): string[] {
  const out: string[] = [];
  for (const line of resolvConf.split("\n")) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!m) continue;
    const v4 = parseIPv4(m[1]!);
    if (v4) out.push(v4.join("."));
    else if (parseIPv6(m[1]!)) out.push(m[1]!.toLowerCase());
  }
  return out;
}

export function planEgressNetns(egress: Egress, resolvers: readonly string[]): EgressNetns {
  const ports = new Set<number>();
  for (const r of egress.hosts) {
    if (r.port === undefined) DEFAULT_PORTS.forEach((p) => ports.add(p));
    else ports.add(r.port);
  }
  ports.delete(53); // the sandbox's DNS is cordon's own
  const transparentPorts = [...ports].sort((a, b) => a - b).slice(0, MAX_TRANSPARENT_PORTS);
  let proxyPort = PROXY_PORT;
  while (ports.has(proxyPort)) proxyPort++;

  // glibc falls back to 127.0.0.1 when no resolv.conf is readable (a private root without /etc).
  const dns = [...new Set([...resolvers, "127.0.0.1"])].slice(0, MAX_RESOLVERS);
  const literals = egress.hosts.filter((r) => r.kind === "ipv4" || r.kind === "ipv6").map((r) => r.host);
  const addresses = [...new Set([...dns, ...literals])].filter((a) => !isLoopback(a));

  const listeners: EgressListener[] = [];
  for (const address of dns) {
    const family = address.includes(":") ? 6 : 4;
    const optional = family === 6 ? { optional: true } : {};
    listeners.push({ kind: "dnsUdp", family, address, port: 53, ...optional }, { kind: "dnsTcp", family, address, port: 53, ...optional });
  }
  listeners.push({ kind: "proxy", family: 4, address: "127.0.0.1", port: proxyPort });
  // IPv6 listeners only where an IPv6 destination inside can be granted: [::1] (localhost) or an IPv6 literal.
  const v6 = egress.hosts.some((r) => r.kind === "localhost" || r.kind === "ipv6");
  for (const port of transparentPorts) {
    listeners.push({ kind: "transparent", family: 4, port });
    if (v6) listeners.push({ kind: "transparent", family: 6, port, optional: true });
  }

  return { addresses, listeners, transparentPorts, proxyPort, env: proxyEnv(proxyPort) };
}

/** HTTP(S)_PROXY for cordon's proxy on 127.0.0.1:`port`; NO_PROXY for loopback (the sandbox's own). */
export const proxyEnv = (port: number) => portableProxyEnv(port, LINUX_NO_PROXY);

/**
 * Socket families with host grants: IP (kept in the namespace) and the two
 * local ones; AF_VSOCK, AF_PACKET, AF_BLUETOOTH... reach past a network
 * namespace or the machine, and are refused.
 */
export const HOSTS_FAMILIES: readonly Rule[] = [
  { syscall: "socket", action: { errno: "EACCES" }, when: [AF_UNIX, AF_NETLINK, AF_INET, AF_INET6].map((value) => ({ arg: 0, op: "ne" as const, value, width: 32 as const })) },
];

export type EgressMode = {
  /**
   * The network mode the other mechanisms (seccomp presets, landlock) apply.
   * With `proxyOnly` the backend puts its proxy's port into `connect`.
   */
  readonly net: "all" | "none" | { readonly connect: readonly number[]; readonly bind: readonly number[] };
  /** A network namespace of the command's own. */
  readonly netns: boolean;
  /** No namespace: only cordon's proxy on this host's loopback, and TCP connects to its port only. */
  readonly proxyOnly: boolean;
  readonly rules: readonly Rule[];
  readonly report: GuaranteeReport;
};

const GRANTS = (e: Egress) => [...e.hosts.map(ruleText), ...e.deny.map((r) => `not ${ruleText(r)}`)].join(", ");

/** Landlock's TCP connect rules (ABI 4): what the proxy-only mode needs. */
export const CONNECT_RULES_ABI = 4;

const NO_NETNS = "no network namespace can be made here (it needs CAP_SYS_ADMIN or unprivileged user namespaces; a container's profile may refuse both)";

/**
 * How host grants are enforced here. With a network namespace: the relay,
 * and no other network rule (the namespace leads nowhere else; landlock's TCP
 * ports would only get in the relay's way). Without one, where landlock has
 * TCP rules and seccomp works: cordon's proxy on this host's loopback, TCP
 * connects to its port only and no UDP (partial: hard mode refuses,
 * best-effort runs it). Without those either: no network at all, reported as
 * not enforced.
 */
export function egressMode(egress: Egress, host: { readonly netns: boolean; readonly namespaces: string; readonly landlockAbi: number }, seccompOk: boolean): EgressMode {
  const guarantee = "net.hosts-only";
  if (!host.netns || host.namespaces === "none") {
    if (seccompOk && host.landlockAbi >= CONNECT_RULES_ABI) {
      return {
        net: { connect: [], bind: [] },
        netns: false,
        proxyOnly: true,
        rules: [],
        report: {
          guarantee,
          status: "partial",
          by: [
            "cordon's HTTP proxy on this host's loopback (HTTP(S)_PROXY) checks each request against the grants and the address resolved for it",
            "landlock: TCP connects to the proxy's port only",
            "seccomp: no UDP and no socket family but IP, unix and netlink",
          ],
          reason: `${NO_NETNS}: names resolve only through the proxy (no DNS inside), and a client that ignores HTTP(S)_PROXY can still connect to the proxy's port number on any address, since landlock rules name ports, not hosts`,
        },
      };
    }
    return {
      net: "none",
      netns: false,
      proxyOnly: false,
      rules: [],
      report: {
        guarantee,
        status: "not-enforced",
        by: [],
        reason: `${NO_NETNS}${seccompOk ? `, and landlock has no TCP rules (ABI ${host.landlockAbi} < ${CONNECT_RULES_ABI})` : ", and no seccomp filter"}: the host grants (${GRANTS(egress)}) cannot be told apart from the rest of the network, so the command runs with no network at all`,
      },
    };
  }
  const by = [
    "network namespace with only loopback: every way out is a socket of cordon's relay",
    "DNS answered by cordon: granted names get relay addresses, others NXDOMAIN, nothing is forwarded",
    "each connect checked against the grants and relayed to the address resolved for it (loopback, link-local, metadata, this host's own and their IPv6 forms refused unless named)",
  ];
  return {
    net: "all",
    netns: true,
    proxyOnly: false,
    rules: seccompOk ? HOSTS_FAMILIES : [],
    report: seccompOk
      ? { guarantee, status: "enforced", by: [...by, "seccomp: socket families other than IP, unix and netlink refused"] }
      : { guarantee, status: "partial", by, reason: "no seccomp filter here: socket families a network namespace does not hold (AF_VSOCK) stay open" },
  };
}
