// Host grants on macOS (lib/plan/darwin/egress.ts): the Seatbelt profile's
// network section lets the command reach cordon's proxy port on loopback and
// nothing else, and the report says what that enforces.
import { describe, expect, test } from "bun:test";
import { planDarwin } from "../../lib/plan/darwin/index.ts";
import { resolveEgress } from "../../lib/policy/egress.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";

const policy: ResolvedPolicy = {
  fs: { read: ["/usr/lib", "/bin"], write: ["/private/tmp/w"] },
  env: { NO_PROXY: "*" },
  cwd: "/private/tmp/w",
  net: "none",
  egress: resolveEgress({ hosts: ["registry.npmjs.org:443", "*.github.com"] }),
  limits: {},
  compat: "hard",
};
const row = (plan: ReturnType<typeof planDarwin>, id: string) => plan.report.find((g) => g.guarantee === id);
const networkRules = (text: string) => text.split("\n").filter((l) => /network-|system-socket|mDNSResponder|dnssd|trustd|configd/.test(l) && !l.startsWith(";"));

describe("macOS host grants: Seatbelt and cordon's loopback proxy", () => {
  test("the profile allows TCP to localhost:PORT of the proxy and no other network operation (no DNS, no UDP, no bind)", () => {
    const plan = planDarwin(policy, { callerUid: 501, egressProxyPort: 40123 });
    expect(networkRules(plan.launch.profile!.text)).toEqual(['(allow network-outbound (remote tcp "localhost:40123"))']);
    expect(plan.launch.profile!.text).toContain("(deny default)");
  });

  test("net.hosts-only is enforced by Seatbelt and the proxy, says that clients ignoring the proxy are blocked, and no net.none row claims no network", () => {
    const plan = planDarwin(policy, { callerUid: 501, egressProxyPort: 40123 });
    const g = row(plan, "net.hosts-only")!;
    expect(g.status).toBe("enforced");
    expect(g.by.join("\n")).toContain("localhost:40123 only");
    expect(g.by.join("\n")).toContain("blocked, not redirected");
    expect(row(plan, "net.none")).toBeUndefined();
    expect(plan.env).toMatchObject({ HTTPS_PROXY: "http://127.0.0.1:40123", http_proxy: "http://127.0.0.1:40123", NO_PROXY: "", no_proxy: "" });
  });

  test("without a proxy (none started) the command has no network at all and the row says host grants are not enforced", () => {
    const plan = planDarwin(policy, { callerUid: 501 });
    expect(row(plan, "net.hosts-only")).toMatchObject({ status: "not-enforced", reason: expect.stringContaining("no network at all") });
    expect(row(plan, "net.none")?.status).toBe("enforced");
    expect(networkRules(plan.launch.profile!.text)).toEqual([]);
    expect(plan.env).toEqual({});
  });

  test("under an enclosing Seatbelt sandbox nothing is applied and host grants are not enforced", () => {
    const plan = planDarwin(policy, { enclosingSandbox: "nested", egressProxyPort: 40123 });
    expect(plan.launch.profile).toBeUndefined();
    expect(row(plan, "net.hosts-only")).toMatchObject({ status: "not-enforced", reason: expect.stringContaining("cannot nest") });
  });

  test("a proxy port outside 1..65535 is refused, never written into the profile", () => {
    expect(() => planDarwin(policy, { egressProxyPort: 0 })).toThrow(/not a TCP port/);
    expect(() => planDarwin(policy, { egressProxyPort: 70000 })).toThrow(/not a TCP port/);
  });
});
