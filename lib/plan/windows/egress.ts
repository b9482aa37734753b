// Host grants (net.hosts) on Windows: the sandbox's SID (the AppContainer's
// package SID, or the dedicated account) gets WFP filters that block every
// flow but TCP to cordon's egress proxy on loopback (lib/net/proxy.ts, run in
// cordon's own process), which checks each request against the grants and
// the address resolved for it. Needs an administrator (WFP); without WFP
// (unprivileged, or Wine, whose FwpmEngineOpen0 is refused) the command runs
// with no network at all and the row says so. An AppContainer reaches
// loopback only once its package SID is exempted from loopback isolation
// (the backend adds it for the run); an account needs no exemption. Pure.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { egressNotEnforced } from "../egress-elsewhere.ts";
import type { WindowsMechanism } from "./host.ts";
import { needing, notEnforced, type Gaps } from "./rows.ts";
import type { Identity, WfpFilter } from "./isolation.ts";

export type WindowsEgress = {
  /** The filters on the sandbox's SID (they replace net "none"'s). */
  readonly wfp: readonly WfpFilter[];
  readonly report: GuaranteeReport;
};

const GUARANTEE = "net.hosts-only";

/** Block every connect, listen and accept; permit TCP connects to 127.0.0.1/::1 on the proxy's port. */
export function egressFilters(proxyPort: number): WfpFilter[] {
  if (!(Number.isInteger(proxyPort) && proxyPort >= 1 && proxyPort <= 65535)) throw new Error(`not a TCP port: ${proxyPort}`);
  return [
    ...(["ALE_AUTH_CONNECT", "ALE_AUTH_LISTEN", "ALE_AUTH_RECV_ACCEPT"] as const).map((layer) => ({ action: "block" as const, layer, weight: "low" as const })),
    { action: "permit", layer: "ALE_AUTH_CONNECT", remotePort: proxyPort, remoteLoopback: true, protocol: "tcp", weight: "high" },
  ];
}

/**
 * The egress part of the isolation plan, or undefined when it does not
 * apply (no host grants, or no proxy started: then net "none" stands and
 * the row says host grants are not enforced).
 */
export function planWindowsEgress(
  policy: Pick<ResolvedPolicy, "egress">,
  kind: Identity["kind"],
  elevated: boolean,
  gaps: Gaps,
  proxyPort: number | undefined,
): WindowsEgress | undefined {
  if (!policy.egress || proxyPort === undefined) return undefined;
  if (kind === "low-integrity") return { wfp: [], report: notEnforced(GUARANTEE, "a low-integrity process keeps full network access") };
  if (!elevated) {
    const [row] = egressNotEnforced(policy, "Windows");
    return { wfp: [], report: { ...row!, reason: "host grants need the Windows Filtering Platform, which needs an administrator; an AppContainer's network capabilities are all-or-nothing, so the command runs with no network at all" } };
  }
  const who = kind === "appcontainer" ? "the package SID (FWPM_CONDITION_ALE_PACKAGE_ID)" : "the account (FWPM_CONDITION_ALE_USER_ID)";
  const needs: WindowsMechanism[] = [kind === "appcontainer" ? "appcontainer" : "account", "wfp", "wfp-remote-address", ...(kind === "appcontainer" ? (["loopback-exemption"] as const) : [])];
  const report = needing(gaps, needs, {
    guarantee: GUARANTEE,
    status: "partial",
    by: [
      `WFP filters on ${who}: ALE_AUTH_CONNECT permits TCP to 127.0.0.1 and ::1 (FWPM_CONDITION_IP_REMOTE_ADDRESS, exact) port ${proxyPort} only (cordon's proxy); every other connect, listen and accept is blocked`,
      ...(kind === "appcontainer" ? ["the package SID on the firewall's AppContainer loopback exemption list for the run (NetworkIsolationSetAppContainerConfig), no network capability"] : []),
      "cordon's proxy (HTTP CONNECT and absolute-URI requests) checks each request against the grants and relays it to the address resolved for it then (loopback, link-local, metadata, this host's own and their IPv6 forms refused unless named)",
      "TLS through a CONNECT tunnel to a granted name must name it (the ClientHello's SNI), or the tunnel is cut before a byte goes upstream",
      "reached through HTTP(S)_PROXY only: a client that ignores it is blocked, not redirected",
    ],
    reason: "name lookups go to the DNS Client service (Dnscache), which resolves in its own process where these filters do not apply: a command can still send data out in the names it looks up",
  });
  // Filters this host cannot apply in full are not applied in part: net "none" stands.
  if (report.status === "not-enforced") return { wfp: [], report: { ...report, reason: `${report.reason}; the command runs with no network at all` } };
  return { wfp: egressFilters(proxyPort), report };
}
