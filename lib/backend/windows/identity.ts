// Applies the plan's identity before the spawn and undoes it after the tree
// is gone: an AppContainer profile with DACL grants for its package SID (and
// WFP filters for port rules; for host grants also the loopback exemption
// that lets it reach cordon's proxy), a restricted low-integrity token, or a
// dedicated account with a fresh password, DACL grants and WFP filters.
// Nothing of it is left behind: grants are revoked, profiles and accounts
// deleted, WFP filters live in a dynamic session closed at the end.
// Nothing is applied when the plan says the host lacks the identity's
// mechanism (under Wine CreateAppContainerProfile ends the calling process);
// the plan's report already says why.
import { closeHandle, type Handle } from "../../../ffi/windows.ts";
import { ACCESS_MODE, NO_INHERITANCE, SUB_CONTAINERS_AND_OBJECTS_INHERIT, setAcl } from "../../../ffi/windows-acl.ts";
import { INTEGRITY, RESTRICTED_TOKEN, appContainerSid, deleteAppContainer, restrictedToken, securityCapabilities, sidFromString, sidToString } from "../../../ffi/windows-token.ts";
import { addUser, deleteUser, logonUser, setUserPassword, userExists, userSid } from "../../../ffi/windows-user.ts";
import { IPPROTO_TCP, WFP_LAYER, addWfpFilter, closeWfp, exemptLoopback, openWfp, unexemptLoopback, type WfpFilterSpec } from "../../../ffi/windows-wfp.ts";
import type { WfpFilter, WfpLayer } from "../../plan/windows/isolation.ts";
import type { WindowsPlan } from "../../plan/windows/index.ts";
import type { GuaranteeReport } from "../../report.ts";
import { createDirectoryAs } from "../../../ffi/windows-impersonate.ts";
import { checkAsAccount, refuseLinkedGrants } from "./grants.ts";

export type AppliedIdentity = {
  readonly applied: boolean;
  readonly token?: Handle;
  readonly securityCapabilities?: Uint8Array;
  /** Buffers the spawn request points into. */
  readonly keep: readonly unknown[];
  /** Rows the checks made as the account found open after all (not enforced, with what was seen). */
  readonly demoted?: readonly GuaranteeReport[];
  /** The SID the child's token must carry: the package SID (AppContainer) or the account's. */
  readonly sid?: Uint8Array;
  /** Revokes grants, closes filters, deletes profile or account. Safe to call twice. */
  undo(): void;
};

const notApplied: AppliedIdentity = { applied: false, keep: [], undo() {} };

/** Each plan layer as its IPv4 and IPv6 engine layers. */
const engineLayers: Record<WfpLayer, readonly number[]> = {
  ALE_AUTH_CONNECT: [WFP_LAYER.CONNECT_V4, WFP_LAYER.CONNECT_V6],
  ALE_AUTH_LISTEN: [WFP_LAYER.LISTEN_V4, WFP_LAYER.LISTEN_V6],
  ALE_AUTH_RECV_ACCEPT: [WFP_LAYER.RECV_ACCEPT_V4, WFP_LAYER.RECV_ACCEPT_V6],
};

function applyFilters(engine: Handle, filters: readonly WfpFilter[], who: { packageSid: Uint8Array } | { userSddl: string }): void {
  for (const f of filters) {
    for (const layer of engineLayers[f.layer]) {
      const spec: WfpFilterSpec = {
        layer,
        action: f.action,
        weight: f.weight === "high" ? 15 : 1,
        ...("remotePort" in f ? { remotePort: f.remotePort } : {}),
        ...("localPort" in f ? { localPort: f.localPort } : {}),
        ...("protocol" in f ? { protocol: IPPROTO_TCP } : {}),
        ...("remoteLoopback" in f ? { remoteLoopback: true } : {}),
        ...who,
      };
      addWfpFilter(engine, spec);
    }
  }
}

export function applyIdentity(plan: WindowsPlan): AppliedIdentity {
  if (!plan.isolation.apply) return notApplied;
  // Before anything is created: a grant that leads elsewhere now is refused.
  refuseLinkedGrants(plan.isolation.acl);
  const undo: (() => void)[] = [];
  const runUndo = () => {
    for (const f of undo.splice(0).reverse()) {
      try {
        f();
      } catch {
        // keep undoing the rest
      }
    }
  };
  try {
    const id = plan.isolation.identity;
    if (id.kind === "low-integrity") {
      const token = restrictedToken(RESTRICTED_TOKEN.DISABLE_MAX_PRIVILEGE | RESTRICTED_TOKEN.LUA_TOKEN, INTEGRITY.LOW);
      undo.push(() => closeHandle(token));
      return { applied: true, token, keep: [], undo: runUndo };
    }

    let sid: Uint8Array;
    let result: Omit<AppliedIdentity, "undo" | "applied">;
    if (id.kind === "appcontainer") {
      sid = appContainerSid(id.name, "cordon sandbox");
      undo.push(() => deleteAppContainer(id.name));
      const caps = securityCapabilities(sid, id.capabilities.map(sidFromString));
      result = { securityCapabilities: caps.record, keep: caps.keep, sid };
    } else {
      const password = `Cd1!${crypto.randomUUID()}${crypto.randomUUID()}`;
      if (userExists(id.name)) setUserPassword(id.name, password);
      else {
        addUser(id.name, password);
        undo.push(() => deleteUser(id.name));
      }
      sid = userSid(id.name);
      const token = logonUser(id.name, password);
      undo.push(() => closeHandle(token));
      result = { token, keep: [], sid };
    }
    for (const g of plan.isolation.acl) {
      // The working directory's traverse-only entry and carve-out pins are not inherited; denies are deny entries.
      const inherit = g.why === "cwd" || g.inherit === false ? NO_INHERITANCE : SUB_CONTAINERS_AND_OBJECTS_INHERIT;
      setAcl(g.path, sid, g.access, g.deny ? ACCESS_MODE.DENY : ACCESS_MODE.GRANT, inherit);
      undo.push(() => setAcl(g.path, sid, 0, ACCESS_MODE.REVOKE, inherit));
    }
    if (plan.isolation.wfp.length) {
      const engine = openWfp();
      undo.push(() => closeWfp(engine));
      // FWP_ACTRL_MATCH_FILTER (CC) for the account: the ALE user-id condition matches its traffic.
      applyFilters(engine, plan.isolation.wfp, id.kind === "appcontainer" ? { packageSid: sid } : { userSddl: `D:(A;;CC;;;${sidToString(sid)})` });
    }
    // After the filters, so the package never reaches loopback unfiltered; undone before they close.
    // An entry a crashed run of this name left is removed by the next elevated run of it ("sweep").
    if (plan.isolation.loopback === "exempt") {
      exemptLoopback(sid);
      undo.push(() => unexemptLoopback(sid));
    } else if (plan.isolation.loopback === "sweep") unexemptLoopback(sid);
    let demoted: GuaranteeReport[] = [];
    if (id.kind === "account" && result.token !== undefined) {
      // As the account: its profile folders (it owns them), then what its grants give it and what stays closed.
      for (const dir of plan.isolation.profile?.dirs ?? []) createDirectoryAs(result.token, dir);
      demoted = checkAsAccount(result.token, id.name, plan.isolation.checks);
    }
    return { applied: true, ...result, demoted, undo: runUndo };
  } catch (e) {
    runUndo();
    throw e;
  }
}
