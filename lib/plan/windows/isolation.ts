// Who the sandboxed tree runs as on Windows, and what that confines:
// - appcontainer (default, with or without elevation): a lowbox token whose
//   package SID is granted nothing but the policy's paths (DACL grants) and
//   the network capabilities the policy asks for. Objects that grant "ALL
//   APPLICATION PACKAGES" (%SystemRoot%, Program Files) stay readable;
//   Everyone and Users grants do not reach an AppContainer. Elevated, per-port
//   rules become WFP filters on the package SID.
// - account (administrator tier, by option): a dedicated local user
//   (NetUserAdd) granted the policy's paths; WFP filters its traffic by ALE
//   user id. It confines files only partly (Users/Everyone grants reach it),
//   which is why it is not the default.
// - low-integrity (by option): a restricted token at low integrity: no
//   writes to medium-labeled objects, reads and network unconfined.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { carveRows } from "../carve.ts";
import { carveAcl } from "./carve.ts";
import { CAPABILITY_SID, FILE_ACCESS } from "./constants.ts";
import type { WindowsHost, WindowsMechanism } from "./host.ts";
import { accountProfile, grantChecks, type AccessExpectation } from "./account.ts";
import { isDevice, under } from "./paths.ts";
import { needing, notEnforced, type Gaps } from "./rows.ts";
import { planWindowsEgress } from "./egress.ts";

export type Identity =
  | { readonly kind: "appcontainer"; readonly name: string; readonly capabilities: readonly string[] }
  | { readonly kind: "account"; readonly name: string }
  | { readonly kind: "low-integrity" };

/**
 * A DACL entry added for the sandbox's SID and removed afterwards
 * (SetNamedSecurityInfoW): an allow, or with `deny` a deny (carve-outs,
 * carve.ts). Read and write grants and denies are inherited by what lies
 * beneath; the working directory's traverse-only entry and pins
 * (`inherit: false`) are not.
 */
export type AclGrant = {
  readonly path: string;
  readonly access: number;
  readonly why: "read" | "write" | "cwd" | "deny-read" | "deny-write" | "pin";
  readonly deny?: true;
  readonly inherit?: false;
};

export type WfpLayer = "ALE_AUTH_CONNECT" | "ALE_AUTH_LISTEN" | "ALE_AUTH_RECV_ACCEPT";

/** A WFP filter (FwpmFilterAdd0) for the sandbox's package SID or user; permits match TCP only. */
export type WfpFilter =
  | { readonly action: "block"; readonly layer: WfpLayer; readonly weight: "low" }
  | { readonly action: "permit"; readonly layer: "ALE_AUTH_CONNECT"; readonly remotePort: number; readonly remoteLoopback?: true; readonly protocol: "tcp"; readonly weight: "high" }
  | { readonly action: "permit"; readonly layer: "ALE_AUTH_LISTEN" | "ALE_AUTH_RECV_ACCEPT"; readonly localPort: number; readonly protocol: "tcp"; readonly weight: "high" };

export type IsolationOptions = {
  readonly identity?: "appcontainer" | "account" | "low-integrity";
  /** AppContainer profile or account name (default derived from `nameSeed`). */
  readonly name?: string;
  /** Host grants: the loopback port of the proxy the backend started for them (egress.ts). */
  readonly egressProxyPort?: number;
};

export type IsolationHost = Pick<WindowsHost, "elevated" | "packageReadable">;

export type IsolationPlan = {
  readonly identity: Identity;
  /**
   * False when the host lacks the identity's own mechanism (or the
   * privilege to use it): then nothing of it is applied — under Wine,
   * CreateAppContainerProfile would end cordon's process.
   */
  readonly apply: boolean;
  readonly acl: readonly AclGrant[];
  readonly wfp: readonly WfpFilter[];
  readonly report: readonly GuaranteeReport[];
  /** Checked as the account (impersonated) once its grants are in place; empty for the other identities. */
  readonly checks: readonly AccessExpectation[];
  /** The account's profile folders, made as the account, and the variables naming them. */
  readonly profile?: ReturnType<typeof accountProfile>;
  /** Host grants go through cordon's proxy: the backend keeps it running for the command. */
  readonly egressProxy?: true;
  /**
   * The AppContainer loopback exemption (global, FirewallAPI.dll): "exempt"
   * puts the package SID on it for the run (host grants: the proxy is on
   * loopback) and takes it off afterwards; "sweep" (elevated, no host grants)
   * takes off an entry a crashed run of the same name left behind.
   */
  readonly loopback?: "exempt" | "sweep";
};

/** A profile name Windows accepts (at most 64 characters of [A-Za-z0-9.-]). */
export function containerName(seed: string): string {
  let h = 0x811c9dc5;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `cordon.sandbox.${h.toString(16).padStart(8, "0")}`;
}

type Net = ResolvedPolicy["net"];
type Ports = Exclude<Net, string>;

const NO_ADMIN_WFP = "per-port rules need the Windows Filtering Platform, which needs an administrator";

/** The identity's own mechanism: without it nothing of the identity is applied. */
const core: Record<Identity["kind"], WindowsMechanism> = { appcontainer: "appcontainer", account: "account", "low-integrity": "restricted-token" };

export function planIsolation(policy: ResolvedPolicy, host: IsolationHost, gaps: Gaps, opts: IsolationOptions, nameSeed: string): IsolationPlan {
  const kind = opts.identity ?? "appcontainer";
  const name = opts.name ?? containerName(nameSeed);
  const readable = host.packageReadable ?? [];
  // Only paths the identity could not reach already get a DACL entry.
  const acl: AclGrant[] = [
    ...policy.fs.read.filter((path) => !isDevice(path) && !under(path, readable)).map((path) => ({ path, access: FILE_ACCESS.READ_EXECUTE, why: "read" as const })),
    ...policy.fs.write.filter((path) => !isDevice(path)).map((path) => ({ path, access: FILE_ACCESS.MODIFY, why: "write" as const })),
    ...carveAcl(policy.fs),
  ];
  // The child opens its working directory at start-up (FILE_TRAVERSE): without
  // that it cannot start. Traverse only, not inherited: nothing in it becomes
  // listable or readable.
  if (!under(policy.cwd, [...policy.fs.read, ...policy.fs.write, ...readable])) acl.push({ path: policy.cwd, access: FILE_ACCESS.TRAVERSE, why: "cwd" });
  const net = policy.net;
  const privilege = kind === "account" && !host.elevated ? "creating and logging on a dedicated account needs an administrator" : undefined;
  const apply = gaps[core[kind]] === undefined && privilege === undefined;
  // The identity's gaps, plus the missing privilege, make every identity row not enforced.
  const idGaps: Gaps = privilege === undefined ? gaps : { ...gaps, [core[kind]]: privilege };

  let identity: Identity;
  let wfp: WfpFilter[] = [];
  let rows: GuaranteeReport[];
  if (kind === "appcontainer") {
    const elevatedPorts = typeof net === "object" && host.elevated;
    const caps = net === "all" || elevatedPorts ? [CAPABILITY_SID.internetClient, CAPABILITY_SID.internetClientServer, CAPABILITY_SID.privateNetworkClientServer] : [];
    identity = { kind, name, capabilities: caps };
    if (elevatedPorts) wfp = portFilters(net);
    const fs = ["appcontainer", "acl"] as const;
    const reach = readable.length ? `beyond them only what Windows grants ALL APPLICATION PACKAGES (${readable.join(", ")})` : "beyond them only what Windows grants ALL APPLICATION PACKAGES";
    rows = [
      needing(idGaps, fs, { guarantee: "fs.read-confined", status: "enforced", by: ["AppContainer package SID", "DACL grants on the policy's paths", reach] }),
      needing(idGaps, fs, { guarantee: "fs.write-confined", status: "enforced", by: ["AppContainer package SID", "DACL grants on the policy's paths", "and the profile's own folder, deleted afterwards"] }),
      needing(idGaps, fs, { guarantee: "fs.exec-confined", status: "enforced", by: ["AppContainer package SID", "FILE_EXECUTE only where a DACL grants it to the package or ALL APPLICATION PACKAGES"] }),
      ...netRows(net, idGaps, {
        none: { needs: ["appcontainer"], by: ["AppContainer without network capabilities"] },
        ports: host.elevated
          ? { needs: ["appcontainer", "wfp"], who: "the package SID (FWPM_CONDITION_ALE_PACKAGE_ID)" }
          : { reason: `${NO_ADMIN_WFP}; an AppContainer's network capabilities are all-or-nothing, so it gets none (the listed ports are closed too)` },
      }),
    ];
  } else if (kind === "account") {
    identity = { kind, name };
    if (net === "none") wfp = blockAll();
    else if (net !== "all") wfp = portFilters(net);
    const fs = ["account", "acl"] as const;
    rows = [
      needing(idGaps, ["account"], { guarantee: "identity.account", status: "enforced", by: ["NetUserAdd", "LogonUserW", "CreateProcessAsUserW"] }),
      needing(idGaps, fs, { guarantee: "fs.read-confined", status: "partial", by: ["dedicated account", "DACL grants"], reason: "a standard account can read whatever grants Users or Everyone read, which is most of the disk" }),
      needing(idGaps, fs, { guarantee: "fs.write-confined", status: "partial", by: ["dedicated account", "DACL grants"], reason: "writes elsewhere are denied only where no Users/Everyone write grant exists (e.g. not in shared temp directories)" }),
      ...netRows(net, idGaps, {
        none: { needs: ["account", "wfp"], by: ["WFP block filters on the account (FWPM_CONDITION_ALE_USER_ID)"] },
        ports: { needs: ["account", "wfp"], who: "the account (FWPM_CONDITION_ALE_USER_ID)" },
      }),
    ];
  } else {
    identity = { kind };
    const token = ["restricted-token"] as const;
    rows = [
      notEnforced("fs.read-confined", "integrity levels stop writes up, not reads"),
      needing(idGaps, token, { guarantee: "fs.write-confined", status: "partial", by: ["low integrity token", "restricted token"], reason: "only objects labeled medium or higher are protected; low-labeled locations stay writable" }),
      ...netRows(net, idGaps, { none: { reason: "a low-integrity process keeps full network access" }, ports: { reason: "a low-integrity process keeps full network access" } }),
    ];
  }
  // Host grants: their filters replace net "none"'s, and their row its net.none row (egress.ts).
  const egress = planWindowsEgress(policy, kind, host.elevated, idGaps, opts.egressProxyPort);
  if (egress && egress.wfp.length) {
    wfp = [...egress.wfp];
    rows = rows.filter((r) => r.guarantee !== "net.none");
  }
  if (egress) rows.push(egress.report);
  const carveNeeds = kind === "account" ? (["account", "acl"] as const) : (["appcontainer", "acl"] as const);
  rows.push(
    ...carveRows(policy.fs, (guarantee) =>
      kind === "low-integrity"
        ? { guarantee, status: "not-enforced", by: [], reason: "a low-integrity token has no SID of its own for a DACL entry to deny" }
        : needing(idGaps, carveNeeds, { guarantee, status: "enforced", by: ["DACL entries denying the sandbox's SID beneath the grants (an explicit deny precedes an inherited allow; hard links share the DACL)", "DELETE denied on the directories between a write grant and a carve-out"] }),
    ),
  );
  const account = kind === "account";
  const profile = account && policy.home !== undefined && policy.home === privateHome(policy) ? { profile: accountProfile(policy.home) } : {};
  const proxied = egress !== undefined && egress.wfp.length > 0;
  // The list is written by an administrator only, and never on a host that lacks the call.
  const canExempt = kind === "appcontainer" && host.elevated && gaps["loopback-exemption"] === undefined;
  const loopback = canExempt ? { loopback: proxied ? ("exempt" as const) : ("sweep" as const) } : {};
  return { identity, apply, acl: kind === "low-integrity" ? [] : acl, wfp, report: rows, checks: account ? grantChecks(acl) : [], ...profile, ...(proxied && { egressProxy: true as const }), ...loopback };
}

/** The run's own HOME (inside its run directory), which the account may own; a HOME the policy named stays the caller's. */
function privateHome(policy: ResolvedPolicy): string | undefined {
  return policy.runDir !== undefined && policy.home !== undefined && under(policy.home, [policy.runDir]) ? policy.home : undefined;
}

type NetWay = { readonly needs: readonly WindowsMechanism[]; readonly by: readonly string[] } | { readonly reason: string };
type PortWay = { readonly needs: readonly WindowsMechanism[]; readonly who: string } | { readonly reason: string };

/** The network rows, with the guarantee ids Linux, macOS and FreeBSD use for the same meaning. */
function netRows(net: Net, gaps: Gaps, way: { none: NetWay; ports: PortWay }): GuaranteeReport[] {
  if (net === "all") return [];
  if (net === "none") {
    const w = way.none;
    return ["reason" in w ? notEnforced("net.none", w.reason) : needing(gaps, w.needs, { guarantee: "net.none", status: "enforced", by: w.by })];
  }
  const w = way.ports;
  const ids = ["net.tcp-connect-confined", "net.tcp-bind-confined", "net.udp-closed"] as const;
  if ("reason" in w) return ids.map((id) => notEnforced(id, w.reason));
  const on = `WFP filters on ${w.who}`;
  return [
    needing(gaps, w.needs, { guarantee: "net.tcp-connect-confined", status: "enforced", by: [`${on}: ALE_AUTH_CONNECT permits TCP to ${list(net.connect)} only`] }),
    needing(gaps, w.needs, {
      guarantee: "net.tcp-bind-confined",
      status: "enforced",
      by: [`${on}: ALE_AUTH_LISTEN and ALE_AUTH_RECV_ACCEPT permit listen() and inbound TCP on ${list(net.bind)} only (a bind() without listen still succeeds)`],
    }),
    needing(gaps, w.needs, { guarantee: "net.udp-closed", status: "enforced", by: [`${on}: every other flow is blocked at ALE_AUTH_CONNECT and ALE_AUTH_RECV_ACCEPT`] }),
  ];
}

const list = (ports: readonly number[]) => (ports.length ? `port${ports.length > 1 ? "s" : ""} ${ports.join(", ")}` : "no port");

const blockAll = (): WfpFilter[] => (["ALE_AUTH_CONNECT", "ALE_AUTH_LISTEN", "ALE_AUTH_RECV_ACCEPT"] as const).map((layer) => ({ action: "block", layer, weight: "low" }));

function portFilters(net: Ports): WfpFilter[] {
  return [
    ...blockAll(),
    ...net.connect.map((remotePort) => ({ action: "permit" as const, layer: "ALE_AUTH_CONNECT" as const, remotePort, protocol: "tcp" as const, weight: "high" as const })),
    ...net.bind.flatMap((localPort) =>
      (["ALE_AUTH_LISTEN", "ALE_AUTH_RECV_ACCEPT"] as const).map((layer) => ({ action: "permit" as const, layer, localPort, protocol: "tcp" as const, weight: "high" as const })),
    ),
  ];
}
