// Host grants (net.hosts) on macOS: Seatbelt lets the command connect to one
// place only, cordon's egress proxy on this host's loopback
// (lib/net/proxy.ts, run in cordon's own process), which checks each request
// against the grants and the address resolved for it. No name is resolved
// inside (mDNSResponder stays denied): the proxy resolves. A client that
// ignores HTTP(S)_PROXY is blocked, not redirected. Pure.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { egressNotEnforced } from "../egress-elsewhere.ts";

/** The SBPL lines of the network section: TCP to localhost:`proxyPort` and nothing else. */
export function seatbeltEgress(proxyPort: number): string[] {
  if (!(Number.isInteger(proxyPort) && proxyPort >= 1 && proxyPort <= 65535)) throw new Error(`not a TCP port: ${proxyPort}`);
  return [
    "; Network: host grants. TCP to cordon's egress proxy on loopback only; no name resolution (the proxy resolves),",
    "; no UDP, no other address or port, no UNIX socket, no trustd (it would fetch certificate URLs on the command's behalf).",
    `(allow network-outbound (remote tcp "localhost:${proxyPort}"))`,
  ];
}

/**
 * The net.hosts-only row. `proxyPort`: where the backend's proxy listens
 * (both 127.0.0.1 and ::1, so that no other service holds the port on
 * either); undefined: no proxy was started. `blocked`: why Seatbelt cannot
 * be applied (nested).
 */
export function darwinEgressReport(policy: Pick<ResolvedPolicy, "egress">, proxyPort: number | undefined, blocked: string | undefined): GuaranteeReport[] {
  if (!policy.egress) return [];
  if (proxyPort === undefined) return egressNotEnforced(policy, "macOS");
  const guarantee = "net.hosts-only";
  if (blocked !== undefined) return [{ guarantee, status: "not-enforced", by: [], reason: blocked }];
  return [
    {
      guarantee,
      status: "enforced",
      by: [
        `seatbelt network-outbound: TCP to localhost:${proxyPort} only (cordon's proxy); no DNS, UDP, other address or port`,
        "cordon's proxy (HTTP CONNECT and absolute-URI requests) checks each request against the grants and relays it to the address resolved for it then (loopback, link-local, metadata, this host's own and their IPv6 forms refused unless named)",
        "TLS through a CONNECT tunnel to a granted name must name it (the ClientHello's SNI), or the tunnel is cut before a byte goes upstream",
        "reached through HTTP(S)_PROXY only: a client that ignores it is blocked, not redirected (its lookups and connects fail)",
      ],
    },
  ];
}
