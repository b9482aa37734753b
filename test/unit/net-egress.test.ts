// The pure parts of host grants: DNS messages, address checks, proxy heads,
// relay addresses, the relay's decisions and the Linux plan.
import { describe, expect, test } from "bun:test";
import { refusedAddress, embeddedIPv4 } from "../../lib/net/addresses.ts";
import { EgressDecisions, type Target } from "../../lib/net/decide.ts";
import { answer, formatError, parseQuery, RCODE, TYPE_A, TYPE_AAAA } from "../../lib/net/dns-wire.ts";
import { parseProxyHead } from "../../lib/net/proxy-head.ts";
import { SyntheticAddresses } from "../../lib/net/synthetic.ts";
import { resolveEgress } from "../../lib/policy/egress.ts";
import { addressText, parseIPv6 } from "../../lib/policy/net-hosts.ts";
import { egressMode, MAX_TRANSPARENT_PORTS, nameservers, planEgressNetns } from "../../lib/plan/linux/egress.ts";
import { planSandbox, type SandboxHost } from "../../lib/plan/linux/sandbox.ts";

function query(name: string, type: number, id = 0x4242): Uint8Array {
  const labels = name.split(".").flatMap((l) => [l.length, ...new TextEncoder().encode(l)]);
  return Uint8Array.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, type >> 8, type & 0xff, 0, 1]);
}

/** rcode and the address records of an answer. */
function readAnswer(msg: Uint8Array): { id: number; rcode: number; addresses: string[] } {
  const v = new DataView(msg.buffer, msg.byteOffset);
  let at = 12;
  if (v.getUint16(4) === 1) {
    while (msg[at] !== 0) at += 1 + msg[at]!;
    at += 5;
  }
  const addresses: string[] = [];
  for (let i = 0; i < v.getUint16(6); i++) {
    const len = v.getUint16(at + 10);
    addresses.push(addressText(msg.slice(at + 12, at + 12 + len)));
    at += 12 + len;
  }
  return { id: v.getUint16(0), rcode: msg[3]! & 0xf, addresses };
}

describe("DNS messages", () => {
  test("a query's question is read, lowercased; the answer echoes id, question and RD, with the records of its type only", () => {
    const q = parseQuery(query("Registry.Test", TYPE_A))!;
    expect(q).toMatchObject({ id: 0x4242, rd: true, name: "registry.test", type: TYPE_A, klass: 1 });
    const a = answer(q, RCODE.ok, [Uint8Array.of(127, 1, 0, 5), new Uint8Array(16)]);
    expect(readAnswer(a)).toEqual({ id: 0x4242, rcode: 0, addresses: ["127.1.0.5"] });
    expect(a.subarray(12, 12 + q.raw.length)).toEqual(q.raw);
    expect(readAnswer(answer(q, RCODE.nxDomain, [Uint8Array.of(1, 2, 3, 4)]))).toEqual({ id: 0x4242, rcode: 3, addresses: [] });
  });

  test("not a standard one-question query: nothing is read; FORMERR keeps the id", () => {
    const response = query("a.test", TYPE_A);
    response[2]! |= 0x80;
    const two = query("a.test", TYPE_A);
    two[5] = 2;
    const pointer = Uint8Array.from([...query("a.test", TYPE_A).subarray(0, 12), 0xc0, 0x0c, 0, 1, 0, 1]);
    for (const bad of [response, two, pointer, query("a.test", TYPE_A).subarray(0, 15), new Uint8Array(3)]) expect(parseQuery(bad)).toBeUndefined();
    expect(readAnswer(formatError(query("a.test", TYPE_A, 7))!)).toMatchObject({ id: 7, rcode: RCODE.formErr });
    expect(formatError(new Uint8Array(1))).toBeUndefined();
  });
});

describe("resolved addresses a name grant never leads to", () => {
  const own = new Set(["192.0.2.2", "fd00::2"]);
  const cases: [string, string | undefined][] = [
    ["198.18.0.10", undefined],
    ["10.1.2.3", undefined],
    ["2606:4700::1111", undefined],
    ["127.0.0.1", "loopback"],
    ["127.200.0.1", "loopback"],
    ["0.0.0.0", "this host (0.0.0.0/8)"],
    ["169.254.169.254", "cloud metadata (169.254.169.254)"],
    ["169.254.1.1", "link-local"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved or broadcast"],
    ["192.0.2.2", "an address of this host"],
    ["::", "this host (::)"],
    ["::1", "loopback"],
    ["fe80::1", "link-local"],
    ["ff02::1", "multicast"],
    ["fd00:ec2::254", "cloud metadata (fd00:ec2::254)"],
    ["fd00::2", "an address of this host"],
    ["::ffff:127.0.0.1", "loopback in IPv6 form (127.0.0.1)"],
    ["::127.0.0.1", "loopback in IPv6 form (127.0.0.1)"],
    ["64:ff9b::a9fe:a9fe", "cloud metadata (169.254.169.254) in IPv6 form (169.254.169.254)"],
    ["64:ff9b:1:7f00:0:100::", "loopback in IPv6 form (127.0.0.1)"],
    ["2002:7f00:1::", "loopback in IPv6 form (127.0.0.1)"],
    ["2001:0:1:2:3:4:80ff:fffe", "loopback in IPv6 form (127.0.0.1)"],
    ["::ffff:192.0.2.2", "an address of this host in IPv6 form (192.0.2.2)"],
    ["64:ff9b::c612:a", undefined],
  ];
  for (const [a, why] of cases) test(`${a} → ${why ?? "allowed"}`, () => expect(refusedAddress(a, own)).toBe(why as string));

  test("embedded IPv4 forms are found where they sit", () => {
    expect(embeddedIPv4(parseIPv6("2001:db8::1")!)).toEqual([]);
    expect(embeddedIPv4(parseIPv6("::ffff:1.2.3.4")!).map(addressText)).toEqual(["1.2.3.4"]);
  });
});

describe("proxy request heads", () => {
  test("CONNECT host:port and [v6]:port", () => {
    expect(parseProxyHead("CONNECT registry.test:443 HTTP/1.1\r\nHost: registry.test:443\r\n\r\n")).toEqual({ kind: "connect", host: "registry.test", port: 443 });
    expect(parseProxyHead("CONNECT [2001:db8::1]:8443 HTTP/1.1\r\n\r\n")).toEqual({ kind: "connect", host: "[2001:db8::1]", port: 8443 });
  });

  test("an absolute http:// URI becomes origin form, proxy and connection headers dropped, the rest kept, one request per connection", () => {
    const r = parseProxyHead("GET http://registry.test:8080/a/b?c=d HTTP/1.1\r\nHost: registry.test:8080\r\nProxy-Authorization: Basic x\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nAccept: */*\r\n\r\n");
    expect(r).toEqual({ kind: "forward", host: "registry.test", port: 8080, head: "GET /a/b?c=d HTTP/1.1\r\nHost: registry.test:8080\r\nAccept: */*\r\nConnection: close\r\n\r\n" });
    expect(parseProxyHead("GET http://registry.test HTTP/1.0\r\n\r\n")).toMatchObject({ port: 80, head: "GET / HTTP/1.0\r\nConnection: close\r\n\r\n" });
  });

  test("the Host header must name the URI's host and port (fronting by Host refused); its spelling may differ", () => {
    for (const host of ["other.test", "registry.test:8080", "registry.test.evil", ""]) {
      expect(parseProxyHead(`GET http://registry.test/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).toMatchObject({ kind: "error", status: 400 });
    }
    expect(parseProxyHead("GET http://registry.test/ HTTP/1.1\r\nHost: registry.test\r\nhost: other.test\r\n\r\n")).toMatchObject({ kind: "error", status: 400 });
    for (const host of ["REGISTRY.test", "registry.test.", "registry.test:80"]) {
      expect(parseProxyHead(`GET http://registry.test/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).toMatchObject({ kind: "forward", host: "registry.test", port: 80 });
    }
    expect(parseProxyHead("GET http://[2001:db8::1]:81/ HTTP/1.1\r\nHost: [2001:DB8:0::1]:81\r\n\r\n")).toMatchObject({ kind: "forward", port: 81 });
    // Lines a lenient server splits otherwise, into a Host cordon would not have seen.
    for (const line of ["X: 1\nHost: other.test", "X: 1\rHost: other.test", "Host : other.test", " other.test", "\tother.test", "X\u0000: 1"]) {
      expect(parseProxyHead(`GET http://registry.test/ HTTP/1.1\r\nHost: registry.test\r\n${line}\r\n\r\n`)).toMatchObject({ kind: "error", status: 400, reason: expect.stringContaining("a malformed header line") });
    }
    expect(parseProxyHead("GET http://registry.test/ HTTP/1.1\r\nHost: registry.test\r\nX-Tab:\ta\tb \xe9\r\n\r\n")).toMatchObject({ kind: "forward" });
  });

  test("anything else is a 400 with the reason", () => {
    for (const h of ["CONNECT registry.test HTTP/1.1\r\n\r\n", "GET /relative HTTP/1.1\r\n\r\n", "GET https://registry.test/ HTTP/1.1\r\n\r\n", "CONNECT a:99999 HTTP/1.1\r\n\r\n", "garbage\r\n\r\n", "CONNECT a@b:1 HTTP/1.1\r\n\r\n"])
      expect(parseProxyHead(h)).toMatchObject({ kind: "error", status: 400 });
  });
});

describe("relay addresses", () => {
  test("one per name in 127.1.0.0/16, stable for the run and from run to run, never shared, reserved ones skipped", () => {
    const a = new SyntheticAddresses();
    const first = a.addressOf("registry.test")!;
    expect(first).toMatch(/^127\.1\.\d+\.\d+$/);
    expect(a.addressOf("registry.test")).toBe(first);
    expect(new SyntheticAddresses().addressOf("registry.test")).toBe(first);
    expect(a.nameOf(first)).toBe("registry.test");
    const many = new Set(Array.from({ length: 2000 }, (_, i) => a.addressOf(`n${i}.test`)));
    expect(many.size).toBe(2000);
    expect(many.has(first)).toBe(false);
    const b = new SyntheticAddresses(new Set([first]));
    expect(b.addressOf("registry.test")).not.toBe(first);
  });
});

describe("the relay's decisions", () => {
  const egress = resolveEgress({ hosts: ["registry.test", "*.wild.test:80", "localhost:5432", "198.18.0.99:7000"], deny: ["x.wild.test"] });
  const d = () => new EgressDecisions(egress, new Set(["192.0.2.2"]));

  test("DNS: a granted name gets a relay address (A), an empty answer for AAAA; the rest NXDOMAIN; localhost its loopback", () => {
    const dec = d();
    const a = dec.dns(query("registry.test", TYPE_A));
    const addr = readAnswer(a.reply!).addresses[0]!;
    expect(dec.synthetic.nameOf(addr)).toBe("registry.test");
    expect(readAnswer(dec.dns(query("registry.test", TYPE_AAAA)).reply!)).toMatchObject({ rcode: 0, addresses: [] });
    expect(dec.dns(query("x.wild.test", TYPE_A))).toMatchObject({ name: "x.wild.test", refused: "denied by x.wild.test" });
    expect(readAnswer(dec.dns(query("evil.test", TYPE_A)).reply!).rcode).toBe(RCODE.nxDomain);
    expect(readAnswer(dec.dns(query("localhost", TYPE_A)).reply!).addresses).toEqual(["127.0.0.1"]);
    expect(readAnswer(dec.dns(query("localhost", TYPE_AAAA)).reply!).addresses).toEqual(["::1"]);
  });

  test("DNS: a label holding a dot (one label \"registry.test\") or bytes no host name has is never a granted name", () => {
    const dec = d();
    const oneLabel = Uint8Array.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 13, ...new TextEncoder().encode("registry.test"), 0, 0, 1, 0, 1]);
    expect(dec.dns(oneLabel)).toMatchObject({ refused: "not a host name" });
    expect(readAnswer(dec.dns(query("registry.test\u0000", TYPE_A)).reply!).rcode).toBe(RCODE.nxDomain);
  });

  test("an accepted connection: a relay address maps back to its name and port rules apply; loopback only as localhost; a granted literal is its own address", () => {
    const dec = d();
    dec.dns(query("api.wild.test", TYPE_A));
    const relayAddress = dec.synthetic.addressOf("api.wild.test")!;
    expect(dec.accepted(relayAddress, 80)).toMatchObject({ host: "api.wild.test", port: 80 });
    expect(dec.accepted(relayAddress, 443)).toEqual({ host: "api.wild.test", port: 443, refused: "not granted" });
    expect(dec.accepted("127.0.0.1", 5432)).toMatchObject({ host: "127.0.0.1", address: "127.0.0.1" });
    expect(dec.accepted("::1", 5432)).toMatchObject({ address: "::1" });
    expect(dec.accepted("127.9.9.9", 5432)).toMatchObject({ host: "127.9.9.9", address: "127.0.0.1" });
    expect(dec.accepted("127.0.0.1", 5433)).toMatchObject({ refused: "not granted" });
    expect(dec.accepted("198.18.0.99", 7000)).toMatchObject({ address: "198.18.0.99" });
    expect(dec.accepted("198.18.0.99", 7001)).toMatchObject({ refused: "not granted" });
  });

  test("the address relayed to: IPv4 first, never a refused one; a literal grant is not second-guessed", () => {
    const dec = d();
    const t: Target = { host: "registry.test", port: 443, rule: egress.hosts[0]! };
    expect(dec.pick(t, ["2001:db8::1", "198.18.0.10"])).toEqual({ address: "198.18.0.10" });
    expect(dec.pick(t, ["127.0.0.1", "2001:db8::1"])).toEqual({ address: "2001:db8::1" });
    expect(dec.pick(t, ["127.0.0.1", "192.0.2.2"])).toMatchObject({ refused: expect.stringContaining("127.0.0.1: loopback; 192.0.2.2: an address of this host") });
    expect(dec.pick(t, [])).toEqual({ refused: "the name has no address" });
    expect(dec.pick({ ...t, address: "127.0.0.1" }, [])).toEqual({ address: "127.0.0.1" });
  });

  test("a deny of an address holds for what a granted name resolves to (in its IPv6 forms too, on the deny's port only) and for localhost's loopback", () => {
    const denying = resolveEgress({ hosts: ["registry.test", "localhost"], deny: ["198.18.0.66", "198.18.0.67:443", "127.0.0.1:22"] });
    const dec = new EgressDecisions(denying, new Set());
    const t: Target = { host: "registry.test", port: 443, rule: denying.hosts[0]! };
    expect(dec.pick(t, ["198.18.0.66"])).toEqual({ refused: "resolves only to refused addresses (198.18.0.66: denied by 198.18.0.66)" });
    expect(dec.pick(t, ["::ffff:198.18.0.66", "64:ff9b::c612:42"])).toMatchObject({ refused: expect.stringContaining("::ffff:198.18.0.66: denied by 198.18.0.66; 64:ff9b::c612:42: denied by 198.18.0.66") });
    expect(dec.pick(t, ["198.18.0.66", "198.18.0.10"])).toEqual({ address: "198.18.0.10" });
    expect(dec.pick(t, ["198.18.0.67"])).toMatchObject({ refused: expect.stringContaining("denied by 198.18.0.67:443") });
    expect(dec.pick({ ...t, port: 80 }, ["198.18.0.67"])).toEqual({ address: "198.18.0.67" });
    const local = dec.accepted("127.0.0.1", 22) as Target;
    expect(dec.pick(local, [])).toEqual({ refused: "127.0.0.1: denied by 127.0.0.1:22" });
    expect(dec.pick(dec.accepted("127.0.0.1", 5432) as Target, [])).toEqual({ address: "127.0.0.1" });
  });

  test("proxy requests follow the same grants; a refusal is a 403 naming the reason", () => {
    const dec = d();
    expect(dec.proxied("CONNECT registry.test:8443 HTTP/1.1\r\n\r\n")).toMatchObject({ target: { host: "registry.test", port: 8443 }, ok: "HTTP/1.1 200 Connection established\r\n\r\n" });
    const refused = dec.proxied("CONNECT api.wild.test:443 HTTP/1.1\r\n\r\n");
    expect(refused).toMatchObject({ refused: "not granted" });
    expect("response" in refused && refused.response).toStartWith("HTTP/1.1 403 Forbidden\r\n");
    expect(dec.proxied("CONNECT [::1]:5432 HTTP/1.1\r\n\r\n")).toMatchObject({ refused: "not granted" });
  });
});

describe("the Linux plan for host grants", () => {
  test("resolv.conf: nameserver literals only (zoned IPv6 ones cannot be served)", () => {
    expect(nameservers("# c\nnameserver 10.255.255.53\nnameserver fe80::1%eth0\nnameserver 2001:DB8::53\nsearch x\nnameserver bogus\n")).toEqual(["10.255.255.53", "2001:db8::53"]);
  });

  test("listeners: DNS where resolv.conf points (and 127.0.0.1), the proxy, each granted port (80 and 443 for a grant without one), never 53; addresses on lo", () => {
    const p = planEgressNetns(resolveEgress({ hosts: ["a.test", "b.test:3128", "c.test:53", "198.18.0.9:22", "[2001:db8::9]:22"] }), ["10.255.255.53", "127.0.0.53"]);
    expect(p.transparentPorts).toEqual([22, 80, 443, 3128]);
    expect(p.proxyPort).toBe(3129);
    expect(p.env.HTTPS_PROXY).toBe("http://127.0.0.1:3129");
    expect(p.addresses).toEqual(["10.255.255.53", "198.18.0.9", "2001:db8::9"]);
    expect(p.listeners.filter((l) => l.kind === "dnsUdp").map((l) => l.address)).toEqual(["10.255.255.53", "127.0.0.53", "127.0.0.1"]);
    expect(p.listeners.filter((l) => l.kind === "transparent" && l.family === 6).every((l) => l.optional)).toBe(true);
    const many = planEgressNetns(resolveEgress({ hosts: Array.from({ length: 40 }, (_, i) => `h.test:${1000 + i}`) }), []);
    expect(many.transparentPorts).toHaveLength(MAX_TRANSPARENT_PORTS);
    expect(many.listeners.length).toBeLessThanOrEqual(64);
  });

  const host = (over: Partial<SandboxHost> = {}): SandboxHost => ({ arch: "x86_64", seccomp: true, namespaces: "user", procfs: true, netns: true, capabilities: false, landlockAbi: 7, ...over });
  const egress = resolveEgress({ hosts: ["registry.test:443"] });

  test("with a network namespace: the command gets its own, the other mechanisms see net all, seccomp refuses other socket families", () => {
    const plan = planSandbox({ net: "none", egress }, host());
    expect(plan.net).toBe("all");
    expect(plan.namespaces.net).toBe(true);
    expect(plan.report.find((g) => g.guarantee === "net.hosts-only")?.status).toBe("enforced");
    expect(plan.report.find((g) => g.guarantee === "net.none")).toBeUndefined();
  });

  test("without one, with landlock TCP rules and seccomp: the proxy-only rung, partial, naming what a client ignoring the proxy can still do", () => {
    for (const h of [host({ netns: false }), host({ namespaces: "none", netns: false })]) {
      const plan = planSandbox({ net: "none", egress }, h);
      const g = plan.report.find((x) => x.guarantee === "net.hosts-only")!;
      expect(g.status).toBe("partial");
      expect(g.reason).toContain("no network namespace can be made here");
      expect(g.reason).toContain("landlock rules name ports, not hosts");
      expect(plan.egressProxy).toBe(true);
      expect(plan.net).toEqual({ connect: [], bind: [] });
      expect(plan.namespaces.net).toBe(false);
      expect(plan.report.find((x) => x.guarantee === "net.udp-closed")?.status).toBe("enforced");
    }
  });

  test("without one and without landlock TCP rules (or seccomp): not enforced, what is missing named; the command would run with no network at all", () => {
    for (const h of [host({ netns: false, landlockAbi: 3 }), host({ namespaces: "none", netns: false, seccomp: false })]) {
      const plan = planSandbox({ net: "none", egress }, h);
      const g = plan.report.find((x) => x.guarantee === "net.hosts-only")!;
      expect(g.status).toBe("not-enforced");
      expect(g.reason).toMatch(/no network namespace can be made here \(.*\), and (landlock has no TCP rules \(ABI 3 < 4\)|no seccomp filter)/);
      expect(plan.net).toBe("none");
      expect(plan.egressProxy).toBeUndefined();
    }
    expect(egressMode(egress, { netns: true, namespaces: "direct", landlockAbi: 7 }, false).report.status).toBe("partial");
  });
});

describe("host grants where no plan enforces them yet", () => {
  test("macOS, Windows, FreeBSD and OpenBSD report net.hosts-only not enforced, and their network stays none", async () => {
    const { planDarwin } = await import("../../lib/plan/darwin/index.ts");
    const { planFreebsd } = await import("../../lib/plan/freebsd/index.ts");
    const { planOpenbsd } = await import("../../lib/plan/openbsd/index.ts");
    const { planWindows } = await import("../../lib/plan/windows/index.ts");
    const egress = resolveEgress({ hosts: ["registry.npmjs.org:443"] });
    const base = { fs: { read: ["/usr"], write: ["/out"] }, env: {}, cwd: "/usr", net: "none" as const, egress, limits: {}, compat: "best-effort" as const };
    const reports = [
      planDarwin(base, { callerUid: 501 }).report,
      planFreebsd(base, { root: false, racct: false, callerUid: 1001 }).report,
      planOpenbsd(base, 1000).report,
      planWindows({ ...base, fs: { read: ["C:\\src"], write: ["C:\\out"] }, cwd: "C:\\src" }, { elevated: false }, { identity: "appcontainer" }).report,
    ];
    for (const r of reports) {
      expect(r.find((g) => g.guarantee === "net.hosts-only")).toMatchObject({ status: "not-enforced", reason: expect.stringContaining("no network at all") });
      expect(r.find((g) => g.guarantee === "net.tcp-connect-confined")).toBeUndefined();
    }
    expect(() => planWindows({ ...base, compat: "hard", fs: { read: ["C:\\src"], write: ["C:\\out"] }, cwd: "C:\\src" }, { elevated: false }, { identity: "appcontainer" })).toThrow(/net\.hosts-only/);
  });
});
