// Host grants on Windows (lib/plan/windows/egress.ts), on any OS: the WFP
// filters on the sandbox's SID that leave only cordon's loopback proxy port,
// and what the report and hard mode say on each kind of host.
import { describe, expect, test } from "bun:test";
import { CompatError } from "../../lib/errors.ts";
import { resolveEgress } from "../../lib/policy/egress.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";
import { planWindows, type WfpFilter, type WindowsHost } from "../../lib/plan/windows/index.ts";

const policy: ResolvedPolicy = {
  fs: { read: ["C:\\tools"], write: ["C:\\work\\out"] },
  env: { PATH: "C:\\tools", NO_PROXY: "*" },
  cwd: "C:\\work",
  net: "none",
  egress: resolveEgress({ hosts: ["registry.npmjs.org:443"] }),
  limits: {},
  compat: "best-effort",
};
const admin: WindowsHost = { elevated: true };
const PORT = 40123;
const row = (plan: ReturnType<typeof planWindows>, id: string) => plan.report.find((g) => g.guarantee === id);

const expectedFilters: WfpFilter[] = [
  { action: "block", layer: "ALE_AUTH_CONNECT", weight: "low" },
  { action: "block", layer: "ALE_AUTH_LISTEN", weight: "low" },
  { action: "block", layer: "ALE_AUTH_RECV_ACCEPT", weight: "low" },
  { action: "permit", layer: "ALE_AUTH_CONNECT", remotePort: PORT, remoteLoopback: true, protocol: "tcp", weight: "high" },
];

describe("Windows host grants: WFP on the sandbox's SID and cordon's loopback proxy", () => {
  for (const identity of ["appcontainer", "account"] as const) {
    test(`${identity}, elevated: every flow blocked but TCP to loopback:PORT, no network capability, proxy variables set; partial (Dnscache resolves outside the filters)`, () => {
      const plan = planWindows(policy, admin, { identity, egressProxyPort: PORT });
      expect(plan.isolation.wfp).toEqual(expectedFilters);
      expect(plan.isolation.egressProxy).toBe(true);
      // Only an AppContainer needs the loopback exemption to reach the proxy; an account reaches loopback anyway.
      expect(plan.isolation.loopback).toBe(identity === "appcontainer" ? "exempt" : undefined);
      if (plan.isolation.identity.kind === "appcontainer") expect(plan.isolation.identity.capabilities).toEqual([]);
      const g = row(plan, "net.hosts-only")!;
      expect(g.status).toBe("partial");
      expect(g.by[0]).toContain(`TCP to 127.0.0.1 and ::1 (FWPM_CONDITION_IP_REMOTE_ADDRESS, exact) port ${PORT} only`);
      expect(g.by.some((b) => b.includes("loopback exemption"))).toBe(identity === "appcontainer");
      expect(g.reason).toContain("Dnscache");
      expect(row(plan, "net.none")).toBeUndefined();
      expect(plan.spawn.env).toMatchObject({ HTTPS_PROXY: `http://127.0.0.1:${PORT}`, NO_PROXY: "" });
      expect(() => planWindows({ ...policy, compat: "hard" }, admin, { identity, egressProxyPort: PORT })).toThrow(CompatError);
    });
  }

  test("a host that cannot apply the filters in full (no remote-address condition) gets none of them: no network at all, not enforced", () => {
    const host: WindowsHost = { elevated: true, lacks: { "wfp-remote-address": "no remote-address condition" } };
    const plan = planWindows(policy, host, { identity: "account", egressProxyPort: PORT });
    expect(plan.isolation.wfp.some((f) => f.action === "permit")).toBe(false);
    expect(plan.isolation.egressProxy).toBeUndefined();
    expect(row(plan, "net.hosts-only")).toMatchObject({ status: "not-enforced", reason: expect.stringContaining("no remote-address condition") });
    expect(row(plan, "net.none")?.status).toBe("enforced");
    expect(plan.spawn.env.HTTPS_PROXY).toBeUndefined();
  });

  test("an AppContainer without a loopback exemption cannot reach the proxy: not enforced", () => {
    const plan = planWindows(policy, { elevated: true, lacks: { "loopback-exemption": "not exempted" } }, { egressProxyPort: PORT });
    expect(row(plan, "net.hosts-only")).toMatchObject({ status: "not-enforced", reason: expect.stringContaining("not exempted") });
    expect(plan.isolation.wfp).toEqual([]);
    expect(plan.isolation.loopback).toBeUndefined(); // nor is the list touched
  });

  test("an elevated AppContainer run without host grants takes a stale loopback exemption of its name off; unprivileged runs cannot write the list", () => {
    const { egress: _, ...noHosts } = policy;
    expect(planWindows(noHosts, admin, {}).isolation.loopback).toBe("sweep");
    expect(planWindows(noHosts, { elevated: false }, {}).isolation.loopback).toBeUndefined();
    expect(planWindows(policy, { elevated: false }, { egressProxyPort: PORT }).isolation.loopback).toBeUndefined();
    expect(planWindows(noHosts, admin, { identity: "account" }).isolation.loopback).toBeUndefined();
  });

  test("unprivileged (no WFP) and under Wine (WFP refused): not enforced, no network at all, and hard mode refuses", () => {
    for (const host of [{ elevated: false }, { elevated: true, wine: "8.0" }] satisfies WindowsHost[]) {
      const plan = planWindows(policy, host, { egressProxyPort: PORT });
      const g = row(plan, "net.hosts-only")!;
      expect(g.status).toBe("not-enforced");
      expect(g.reason).toMatch(host.elevated ? /FwpmEngineOpen0/ : /needs an administrator/);
      expect(plan.isolation.egressProxy).toBeUndefined();
      expect(() => planWindows({ ...policy, compat: "hard" }, host, { egressProxyPort: PORT })).toThrow(/net\.hosts-only/);
    }
  });

  test("low integrity keeps full network access: not enforced; a bad proxy port is refused", () => {
    expect(row(planWindows(policy, admin, { identity: "low-integrity", egressProxyPort: PORT }), "net.hosts-only")).toMatchObject({ status: "not-enforced" });
    expect(() => planWindows(policy, admin, { identity: "account", egressProxyPort: 0 })).toThrow(/not a TCP port/);
  });
});
