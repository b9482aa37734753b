// Host grants (net.hosts / net.deny): parsing, canonical spelling and matching.
import { describe, expect, test } from "bun:test";
import { PolicyError } from "../../lib/errors.ts";
import { resolveEgress } from "../../lib/policy/egress.ts";
import { addressText, destinationOf, hostVerdict, parseHostRule, parseIPv6, ruleText, type HostRule } from "../../lib/policy/net-hosts.ts";
import { validatePolicy } from "../../lib/policy/validate.ts";

const rule = (t: string) => {
  const r = parseHostRule(t);
  if (typeof r === "string") throw new Error(r);
  return r;
};
const rules = (...t: string[]) => t.map(rule);
const dest = (t: string) => destinationOf(t)!;

describe("parseHostRule", () => {
  const good: [string, HostRule][] = [
    ["registry.npmjs.org:443", { kind: "name", host: "registry.npmjs.org", port: 443 }],
    ["Registry.NPMJS.org.", { kind: "name", host: "registry.npmjs.org" }],
    ["*.github.com", { kind: "suffix", host: "github.com" }],
    ["*.GitHub.com:22", { kind: "suffix", host: "github.com", port: 22 }],
    ["localhost:5432", { kind: "localhost", host: "localhost", port: 5432 }],
    ["198.18.0.10", { kind: "ipv4", host: "198.18.0.10" }],
    ["198.18.0.10:8080", { kind: "ipv4", host: "198.18.0.10", port: 8080 }],
    ["[2001:DB8::1]:8080", { kind: "ipv6", host: "2001:db8::1", port: 8080 }],
    ["[2001:db8:0:0:0:0:0:1]", { kind: "ipv6", host: "2001:db8::1" }],
    ["2001:db8::1", { kind: "ipv6", host: "2001:db8::1" }],
    ["::ffff:198.18.0.1", { kind: "ipv6", host: "::ffff:c612:1" }],
    ["bücher.example", { kind: "name", host: "xn--bcher-kva.example" }],
    ["_service.example", { kind: "name", host: "_service.example" }],
  ];
  for (const [text, want] of good) test(`${text} → ${JSON.stringify(want)}`, () => expect(parseHostRule(text)).toEqual(want));

  const bad: [string, RegExp][] = [
    ["", /HOST/],
    ["a.example:0", /not a port/],
    ["a.example:65536", /not a port/],
    ["a.example:http", /not a port/],
    ["*", /wildcard/],
    ["*.com", /two labels/],
    ["a.*.example", /wildcard/],
    ["-a.example", /not a host name/],
    ["a..example", /not a host name/],
    ["256.1.1.1", /IPv4/],
    ["1.2.3", /IPv4/],
    ["01.2.3.4", /IPv4/],
    ["[2001:db8::1", /close/],
    ["[2001:db8::1]8080", /\[IPv6\]:PORT/],
    ["[example.org]:80", /IPv6/],
    ["2001:db8::1:99999", /IPv6/],
    ["1:2:3:4:5:6:7:8:9", /IPv6/],
    ["fe80::1%eth0", /IPv6/],
    ["a b.example", /not a host name/],
  ];
  for (const [text, want] of bad) test(`${JSON.stringify(text)} is refused (${want.source})`, () => expect(parseHostRule(text) as string).toMatch(want));

  test("ruleText spells each rule back as a user writes it", () => {
    for (const t of ["registry.npmjs.org:443", "*.github.com", "localhost", "198.18.0.10:80", "[2001:db8::1]:8080", "2001:db8::1"]) expect(ruleText(rule(t))).toBe(t);
  });

  test("IPv6 text is canonical (RFC 5952): lowercase, the longest zero run shortened, a single zero group kept", () => {
    expect(addressText(parseIPv6("2001:0DB8:0000:0000:0001:0000:0000:0001")!)).toBe("2001:db8::1:0:0:1");
    expect(addressText(parseIPv6("2001:db8:0:1:1:1:1:1")!)).toBe("2001:db8:0:1:1:1:1:1");
    expect(addressText(parseIPv6("::")!)).toBe("::");
    expect(addressText(parseIPv6("::1")!)).toBe("::1");
  });
});

describe("hostVerdict", () => {
  const allow = rules("registry.npmjs.org:443", "*.github.com", "localhost:5432", "198.18.0.10", "[2001:db8::1]:8080");
  const deny = rules("gist.github.com", "api.github.com:22");

  const cases: [string, number | undefined, string][] = [
    ["registry.npmjs.org", 443, "registry.npmjs.org:443"],
    ["REGISTRY.npmjs.org.", 443, "registry.npmjs.org:443"],
    ["registry.npmjs.org", 80, "not granted"],
    ["registry.npmjs.org", undefined, "registry.npmjs.org:443"],
    ["npmjs.org", 443, "not granted"],
    ["evil.registry.npmjs.org", 443, "not granted"],
    ["api.github.com", 443, "*.github.com"],
    ["a.b.github.com", 9418, "*.github.com"],
    ["github.com", 443, "not granted"],
    ["evilgithub.com", 443, "not granted"],
    ["gist.github.com", 443, "denied by gist.github.com"],
    ["gist.github.com", undefined, "denied by gist.github.com"],
    ["api.github.com", 22, "denied by api.github.com:22"],
    // A deny with a port leaves the name's lookup alone (its other ports are granted).
    ["api.github.com", undefined, "*.github.com"],
    ["localhost", 5432, "localhost:5432"],
    ["localhost", 5433, "not granted"],
    ["127.0.0.1", 5432, "not granted"],
    ["198.18.0.10", 1, "198.18.0.10"],
    ["198.18.0.11", 1, "not granted"],
    ["[2001:db8:0::1]", 8080, "[2001:db8::1]:8080"],
    ["2001:db8::1", 8081, "not granted"],
  ];
  for (const [name, port, want] of cases) {
    test(`${name}${port === undefined ? " (lookup)" : `:${port}`} → ${want}`, () => {
      const v = hostVerdict(allow, deny, dest(name), port);
      expect("rule" in v ? ruleText(v.rule) : v.refused).toBe(want);
    });
  }
});

describe("policy validation and resolution of net.hosts", () => {
  test("net.hosts with deny and a resolver is kept as written; resolution parses it", () => {
    const net = { hosts: ["a.example:443", "a.example:443", "*.b.example"], deny: ["x.b.example"], resolver: "198.18.0.53:5353" };
    expect(validatePolicy({ net }).net).toEqual(net);
    const e = resolveEgress(net);
    expect(e.hosts.map(ruleText)).toEqual(["a.example:443", "*.b.example"]);
    expect(e.deny.map(ruleText)).toEqual(["x.b.example"]);
    expect(e.resolver).toEqual({ address: "198.18.0.53", port: 5353 });
    expect(resolveEgress({ hosts: [], resolver: "[2001:db8::53]" }).resolver).toEqual({ address: "2001:db8::53", port: 53 });
  });

  const bad: [unknown, string, RegExp][] = [
    [{ hosts: "a.example" }, "net.hosts", /array/],
    [{ hosts: ["a.example", 5] }, "net.hosts[1]", /string/],
    [{ hosts: ["a.example:0"] }, "net.hosts[0]", /port/],
    [{ hosts: ["a.example"], deny: ["*"] }, "net.deny[0]", /wildcard/],
    [{ hosts: ["a.example"], connect: [443] }, "net.connect", /network of its own/],
    [{ hosts: ["a.example"], bind: [8080] }, "net.bind", /network of its own/],
    [{ connect: [443], deny: ["a.example"] }, "net.deny", /only with net.hosts/],
    [{ hosts: ["a.example"], resolver: "dns.example" }, "net.resolver", /IP/],
    [{ hosts: ["a.example"], extra: 1 }, "net.extra", /unknown key/],
  ];
  for (const [net, field, msg] of bad) {
    test(`${JSON.stringify(net)} → ${field}`, () => {
      let err: unknown;
      try {
        validatePolicy({ net });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as PolicyError).field).toBe(field);
      expect((err as PolicyError).message).toMatch(msg);
    });
  }
});

test("resolvePolicy: host grants become `egress`, and `net` is none for every backend that knows nothing of them", async () => {
  const { resolvePolicy } = await import("../../lib/resolve-policy.ts");
  const { policy, cleanup } = resolvePolicy({ net: { hosts: ["a.example:443"], deny: ["b.a.example"] } });
  try {
    expect(policy.net).toBe("none");
    expect(policy.egress).toEqual({ hosts: [{ kind: "name", host: "a.example", port: 443 }], deny: [{ kind: "name", host: "b.a.example" }] });
  } finally {
    cleanup();
  }
});
