// Who the sandboxed tree runs as on Windows, and what that confines:
// - appcontainer (unprivileged, default): a lowbox token whose package SID is
//   granted nothing but the policy's paths (DACL grants) and the network
//   capabilities the policy asks for. Objects that grant "ALL APPLICATION
//   PACKAGES" (Windows and Program Files) stay readable; Everyone grants do
//   not reach an AppContainer.
// - account (admin tier): a dedicated local user (NetUserAdd) granted the
//   policy's paths; the Windows Filtering Platform filters its traffic by ALE
//   user id. Fetch and execution can run as two different accounts.
// - low-integrity: a restricted token at low integrity: no writes to
//   medium-labeled objects, reads unconfined.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { carveRows } from "../carve.ts";
import { carveAcl } from "./carve.ts";
import { CAPABILITY_SID, FILE_ACCESS } from "./constants.ts";

export type Identity =
  | { readonly kind: "appcontainer"; readonly name: string; readonly capabilities: readonly string[] }
  | { readonly kind: "account"; readonly name: string }
  | { readonly kind: "low-integrity" };

/**
 * A DACL entry added for the sandbox's SID and removed afterwards
 * (SetNamedSecurityInfoW): an allow, or with `deny` a deny (carve-outs,
 * carve.ts); inherited by what is beneath unless `inherit` is false.
 */
export type AclGrant = {
  readonly path: string;
  readonly access: number;
  readonly why: "read" | "write" | "deny-read" | "deny-write" | "pin";
  readonly deny?: true;
  readonly inherit?: false;
};

/** A WFP filter (FwpmFilterAdd0) for the sandbox's package SID or user. */
export type WfpFilter =
  | { readonly action: "block"; readonly layer: "ALE_AUTH_CONNECT" | "ALE_AUTH_RECV_ACCEPT"; readonly weight: "low" }
  | { readonly action: "permit"; readonly layer: "ALE_AUTH_CONNECT"; readonly remotePort: number; readonly weight: "high" }
  | { readonly action: "permit"; readonly layer: "ALE_AUTH_RECV_ACCEPT"; readonly localPort: number; readonly weight: "high" };

export type IsolationOptions = {
  readonly identity?: "appcontainer" | "account" | "low-integrity";
  /** AppContainer profile or account name (default derived from `nameSeed`). */
  readonly name?: string;
};

export type IsolationHost = {
  readonly elevated: boolean;
  /** Directories whose DACL already lets ALL APPLICATION PACKAGES and Users read and execute (%SystemRoot%, Program Files). */
  readonly packageReadable?: readonly string[];
};

const lower = (p: string) => p.replace(/\//g, "\\").replace(/\\+$/, "").toLowerCase();

/** Device names (\\.\NUL) carry no file DACL; an AppContainer may open NUL anyway. */
const isDevice = (p: string) => p.startsWith("\\\\.\\");

function under(path: string, roots: readonly string[]): boolean {
  const p = lower(path);
  return roots.some((r) => {
    const root = lower(r);
    return p === root || p.startsWith(root + "\\");
  });
}

export type IsolationPlan = {
  readonly identity: Identity;
  readonly acl: readonly AclGrant[];
  readonly wfp: readonly WfpFilter[];
  readonly report: readonly GuaranteeReport[];
};

/** A profile name Windows accepts (at most 64 characters of [A-Za-z0-9.-]). */
export function containerName(seed: string): string {
  let h = 0x811c9dc5;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `cordon.sandbox.${h.toString(16).padStart(8, "0")}`;
}

export function planIsolation(policy: ResolvedPolicy, host: IsolationHost, opts: IsolationOptions, nameSeed: string): IsolationPlan {
  const kind = opts.identity ?? "appcontainer";
  const name = opts.name ?? containerName(nameSeed);
  // Only paths the identity could not reach already get a DACL entry.
  const readable = host.packageReadable ?? [];
  const acl: AclGrant[] = [
    ...policy.fs.read
      .filter((path) => !isDevice(path) && !under(path, readable))
      .map((path) => ({ path, access: FILE_ACCESS.READ_EXECUTE, why: "read" as const })),
    ...policy.fs.write.filter((path) => !isDevice(path)).map((path) => ({ path, access: FILE_ACCESS.MODIFY, why: "write" as const })),
    ...carveAcl(policy.fs),
  ];
  const report: GuaranteeReport[] = [];
  let wfp: WfpFilter[] = [];
  let identity: Identity;

  if (kind === "appcontainer") {
    const caps: string[] = [];
    if (policy.net === "all") caps.push(CAPABILITY_SID.internetClient, CAPABILITY_SID.internetClientServer, CAPABILITY_SID.privateNetworkClientServer);
    identity = { kind, name, capabilities: caps };
    report.push(
      { guarantee: "fs.read-confined", status: "enforced", by: ["AppContainer package SID", "DACL grants on the policy's paths"] },
      { guarantee: "fs.write-confined", status: "enforced", by: ["AppContainer package SID", "DACL grants on the policy's paths"] },
    );
    if (policy.net === "none") {
      report.push({ guarantee: "net.none", status: "enforced", by: ["AppContainer without network capabilities"] });
    } else if (policy.net !== "all") {
      if (host.elevated) {
        identity = { kind, name, capabilities: [CAPABILITY_SID.internetClient, CAPABILITY_SID.internetClientServer] };
        wfp = portFilters(policy.net);
        report.push({ guarantee: "net.ports", status: "enforced", by: ["AppContainer", "WFP filters on the package SID (ALE_APP_PACKAGE_ID)"] });
      } else {
        report.push({
          guarantee: "net.ports",
          status: "not-enforced",
          by: [],
          reason: "AppContainer capabilities are all-or-nothing; per-port rules need the Windows Filtering Platform, which needs an administrator",
        });
      }
    }
  } else if (kind === "account") {
    identity = { kind, name };
    report.push(
      { guarantee: "fs.read-confined", status: "partial", by: ["dedicated account", "DACL grants"], reason: "a standard account can read whatever grants Users or Everyone read, which is most of the disk" },
      { guarantee: "fs.write-confined", status: "partial", by: ["dedicated account", "DACL grants"], reason: "writes elsewhere are denied only where no Users/Everyone write grant exists (e.g. not in shared temp directories)" },
    );
    if (!host.elevated) report.push({ guarantee: "identity.account", status: "not-enforced", by: [], reason: "creating and logging on a dedicated account needs an administrator" });
    if (policy.net === "none") wfp = [{ action: "block", layer: "ALE_AUTH_CONNECT", weight: "low" }, { action: "block", layer: "ALE_AUTH_RECV_ACCEPT", weight: "low" }];
    else if (policy.net !== "all") wfp = portFilters(policy.net);
    if (policy.net !== "all") {
      report.push(
        host.elevated
          ? { guarantee: policy.net === "none" ? "net.none" : "net.ports", status: "enforced", by: ["WFP filters on the account (FWPM_CONDITION_ALE_USER_ID)"] }
          : { guarantee: policy.net === "none" ? "net.none" : "net.ports", status: "not-enforced", by: [], reason: "WFP filters need an administrator" },
      );
    }
  } else {
    identity = { kind };
    report.push(
      { guarantee: "fs.read-confined", status: "not-enforced", by: [], reason: "integrity levels stop writes up, not reads" },
      { guarantee: "fs.write-confined", status: "partial", by: ["low integrity token", "restricted token"], reason: "only objects labeled medium or higher are protected; low-labeled locations stay writable" },
    );
    if (policy.net !== "all") {
      report.push({ guarantee: policy.net === "none" ? "net.none" : "net.ports", status: "not-enforced", by: [], reason: "a low-integrity process keeps full network access" });
    }
  }
  report.push(
    ...carveRows(policy.fs, (guarantee) =>
      kind === "low-integrity"
        ? { guarantee, status: "not-enforced", by: [], reason: "a low-integrity token has no SID of its own for a DACL entry to deny" }
        : { guarantee, status: "enforced", by: ["DACL entries denying the sandbox's SID beneath the grants (an explicit deny precedes an inherited allow; hard links share the DACL)", "DELETE denied on the directories between a write grant and a carve-out"] },
    ),
  );
  return { identity, acl: kind === "low-integrity" ? [] : acl, wfp, report };
}

function portFilters(net: { readonly connect: readonly number[]; readonly bind: readonly number[] }): WfpFilter[] {
  return [
    { action: "block", layer: "ALE_AUTH_CONNECT", weight: "low" },
    { action: "block", layer: "ALE_AUTH_RECV_ACCEPT", weight: "low" },
    ...net.connect.map((remotePort) => ({ action: "permit" as const, layer: "ALE_AUTH_CONNECT" as const, remotePort, weight: "high" as const })),
    ...net.bind.map((localPort) => ({ action: "permit" as const, layer: "ALE_AUTH_RECV_ACCEPT" as const, localPort, weight: "high" as const })),
  ];
}
