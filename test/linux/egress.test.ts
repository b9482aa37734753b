// Host grants (net.hosts) against a test-owned "internet" (test/helpers/
// test-internet.ts): each attack is tried from inside the sandbox and the
// internet's own log says what reached it; each has its granted twin.
// cordon asks the test's resolver (net.resolver), never this host's.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { hostListener } from "../helpers/host-listener.ts";
import { join } from "node:path";
import { describeUnless, linuxRequirement, testUnless } from "../helpers/skip.ts";
import { worldReadableCopy } from "../helpers/world-readable.ts";
import { internetUnavailable, startInternet, type Internet } from "../helpers/test-internet.ts";
import type { Net } from "../../lib/policy/types.ts";
import type { NetworkDestination, Report } from "../../lib/report.ts";

const { spawn } = await import("../../lib/spawn.ts");

const unavailable = linuxRequirement(internetUnavailable());
const probeScript = join(import.meta.dir, "..", "fixtures", "egress", "probe.py");

/** The test's DNS: names and what they resolve to (GRANTED, OTHER: the test hosts; HOST: this host's end of the veth). */
const NAMES = {
  "registry.test": { a: ["GRANTED"] },
  "other.test": { a: ["GRANTED"] },
  "denied.test": { a: ["OTHER"] },
  "wild.test": { a: ["GRANTED"] },
  "api.wild.test": { a: ["GRANTED"] },
  "x.y.wild.test": { a: ["GRANTED"] },
  "loop.test": { a: ["127.0.0.1"] },
  "meta.test": { a: ["169.254.169.254"] },
  "self.test": { a: ["HOST"] },
  "mapped.test": { aaaa: ["::ffff:127.0.0.1"] },
  "nat64.test": { aaaa: ["64:ff9b::a9fe:a9fe"] },
  // Beneath a wildcard grant, resolving to the address a deny rule names (as it is, and mapped into IPv6).
  "evil.wild.test": { a: ["OTHER"] },
  "evil6.wild.test": { aaaa: ["::ffff:OTHER"] },
  // The relay's lookups: A and AAAA per connect; the first connect's two get the test host, later ones loopback.
  "rebind.test": { rebind: 2, first: { a: ["GRANTED"] }, then: { a: ["127.0.0.1"] } },
};

type Step = [string, ...unknown[]];
type Outcome = { step: Step; ok: boolean; errno?: string; error?: string; ms: number; addresses?: string[]; reply?: string; body?: string; status?: number; rcode?: number };

describeUnless(unavailable, "net.hosts: egress by host name against a test internet", () => {
  let inet: Internet;
  // A service on this host's own loopback: what a name resolving to 127.0.0.1 must not reach.
  const loopback = hostListener((s) => s.on("data", (d) => s.end(`host-loopback:${d}`)));
  beforeAll(async () => {
    inet = await startInternet(NAMES);
  });
  afterAll(async () => {
    await inet?.stop();
  });

  /** Runs the probe steps in a sandbox with `net`; returns each step's outcome, the report and what the internet saw meanwhile. */
  async function probe(net: Net, steps: Step[], env: Record<string, string> = {}) {
    const before = inet.events().length;
    const withResolver: Net = typeof net === "object" && net.hosts !== undefined ? { ...net, resolver: inet.ip.dns } : net;
    const p = spawn(["/usr/bin/python3", probeScript, JSON.stringify(steps)], { net: withResolver, fs: { read: ["/usr/lib/python3", probeScript, ...(inet.caFile ? [inet.caFile] : [])] }, env }, { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text(), p.exited]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    await Bun.sleep(50); // the internet's log is a pipe away
    const results = out.trim().split("\n").map((l) => JSON.parse(l) as Outcome);
    return { results, report: p.report, seen: inet.events().slice(before) };
  }

  const destinations = (r: Report) => r.network?.destinations ?? [];
  const find = (r: Report, host: string, port?: number) => destinations(r).filter((d) => d.host === host && d.port === port);

  test("a granted name resolves to a relay address inside and is reached without any proxy: HTTP, a TCP echo on a granted port, TLS checked for the name", async () => {
    const steps: Step[] = [["resolve", "registry.test"], ["http", "registry.test", 80, "/direct"], ["tcp", "registry.test", 7000, "ping"]];
    if (inet.caFile) steps.push(["tls", "registry.test", 443, inet.caFile, "/tls"]);
    const { results, report, seen } = await probe({ hosts: ["registry.test:80", "registry.test:443", "registry.test:7000"] }, steps);
    const [resolved, http, echo, tls] = results;
    expect(resolved!.addresses).toHaveLength(1);
    expect(resolved!.addresses![0]).toMatch(/^127\.1\.\d+\.\d+$/);
    expect(http!.body).toBe(`hello from ${inet.ip.granted} host=registry.test path=/direct\n`);
    expect(echo!.reply).toBe("ping");
    if (tls) expect(tls.reply).toContain(`hello from ${inet.ip.granted} host=registry.test path=/tls`);
    // The test host saw this host's end of the veth: cordon relayed it.
    expect(seen.filter((e) => e.http === inet.ip.granted).every((e) => e.peer === inet.ip.hostSide)).toBe(true);
    expect(report.guarantees.find((g) => g.guarantee === "net.hosts-only")?.status).toBe("enforced");
    const entry = find(report, "registry.test", 80)[0]!;
    expect(entry).toMatchObject({ allowed: true, count: 1, grant: "registry.test:80", addresses: [inet.ip.granted] });
    expect(entry.bytesIn).toBeGreaterThan(0);
  });

  test("through the proxy variables cordon sets: an absolute-URI request and a CONNECT for TLS reach the granted name", async () => {
    const steps: Step[] = [["url", "http://registry.test/proxied"]];
    if (inet.caFile) steps.push(["url", "https://registry.test/proxied-tls", inet.caFile]);
    const { results, seen } = await probe({ hosts: ["registry.test"] }, steps);
    expect(results[0]!.body).toBe(`hello from ${inet.ip.granted} host=registry.test path=/proxied\n`);
    if (inet.caFile) expect(results[1]!.body).toBe(`hello from ${inet.ip.granted} host=registry.test path=/proxied-tls\n`);
    expect(seen.filter((e) => e.http).length).toBe(steps.length);
  });

  test("a grant without a port: 80 and 443 directly, every other port through the proxy only (a direct connect to it is refused at once)", async () => {
    const { results } = await probe({ hosts: ["registry.test"] }, [
      ["http", "registry.test", 80, "/any"],
      ["proxy", "registry.test", 7000, "tunnel"],
      ["tcp", "registry.test", 7000, "direct"],
      ["proxy", "other.test", 7000, "tunnel"],
    ]);
    const [http, tunnel, direct, other] = results;
    expect(http!.body).toBe(`hello from ${inet.ip.granted} host=registry.test path=/any\n`);
    expect(tunnel).toMatchObject({ status: 200, reply: "tunnel" });
    expect(direct).toMatchObject({ ok: false, errno: "ECONNREFUSED" });
    expect(other).toMatchObject({ ok: true, status: 403 });
  });

  test("a name not granted gets NXDOMAIN at once, and its lookup never reaches the internet's resolver; the proxy answers 403", async () => {
    const { results, report, seen } = await probe({ hosts: ["registry.test"] }, [
      ["resolve", "denied.test"],
      ["resolve", "secret-data.exfil.test"],
      ["url", "http://denied.test/"],
    ]);
    expect(results[0]).toMatchObject({ ok: false, error: expect.stringMatching(/Name or service not known|not known/) });
    expect(results[0]!.ms).toBeLessThan(1000);
    expect(results[1]!.ok).toBe(false);
    expect(results[2]!.error).toContain("403");
    expect(seen.filter((e) => typeof e.dns === "string" && /denied|exfil/.test(e.dns))).toEqual([]);
    expect(find(report, "denied.test")[0]).toMatchObject({ allowed: false, reason: expect.stringContaining("NXDOMAIN") });
    expect(find(report, "denied.test", 80)[0]).toMatchObject({ allowed: false, reason: "not granted" });
  });

  test("a client that ignores the proxy variables is confined: a connect to a test host's address (granted name's or not) fails at once, and nothing arrives", async () => {
    const { results, seen } = await probe({ hosts: ["registry.test"] }, [
      ["tcp", inet.ip.granted, 7000, "direct"],
      ["tcp", inet.ip.other, 7000, "direct"],
      ["dns", inet.ip.dns, "denied.test"],
    ]);
    for (const r of results) expect(r).toMatchObject({ ok: false, errno: "ENETUNREACH" });
    for (const r of results) expect(r.ms).toBeLessThan(1000);
    expect(seen).toEqual([]);
  });

  test("the twin with net all: the same direct connects and query reach the internet (the probes work)", async () => {
    const { results, seen } = await probe("all", [
      ["tcp", inet.ip.granted, 7000, "direct"],
      ["dns", inet.ip.dns, "denied.test"],
    ]);
    expect(results[0]!.reply).toBe("direct");
    expect(results[1]).toMatchObject({ ok: true, rcode: 0, answers: 1 });
    expect(seen.some((e) => e.tcp === inet.ip.granted)).toBe(true);
  });

  test("wildcards and ports: *.wild.test:80 reaches names beneath it on port 80 only, not wild.test itself; a deny wins; registry.test:7000 only on 7000", async () => {
    const { results, report } = await probe({ hosts: ["*.wild.test:80", "registry.test:7000"], deny: ["x.y.wild.test"] }, [
      ["http", "api.wild.test", 80, "/w"],
      ["resolve", "wild.test"],
      ["resolve", "x.y.wild.test"],
      ["tcp", "api.wild.test", 7000, "x"],
      ["tcp", "registry.test", 7000, "seven"],
      ["http", "registry.test", 80, "/no"],
    ]);
    const [wild, bare, denied, wrongPort, seven, registry80] = results;
    expect(wild!.body).toBe(`hello from ${inet.ip.granted} host=api.wild.test path=/w\n`);
    expect(bare).toMatchObject({ ok: false });
    expect(denied).toMatchObject({ ok: false });
    // No listener on 7000 for the wildcard's port... but registry.test:7000 opened one: the relay refuses it (reset), fast.
    expect(wrongPort!.ok).toBe(false);
    expect(wrongPort!.ms).toBeLessThan(1000);
    expect(seven!.reply).toBe("seven");
    expect(registry80!.ok).toBe(false);
    expect(registry80!.ms).toBeLessThan(1000);
    expect(find(report, "api.wild.test", 80)[0]).toMatchObject({ allowed: true, grant: "*.wild.test:80" });
    expect(find(report, "x.y.wild.test")[0]).toMatchObject({ allowed: false, reason: expect.stringContaining("denied by x.y.wild.test") });
    expect(find(report, "registry.test", 80)[0]).toMatchObject({ allowed: false, reason: "not granted" });
  });

  test("a granted name resolving to loopback, link-local metadata, this host's own address or their IPv6 forms is refused; this host's loopback service sees nothing", async () => {
    const before = loopback.accepted();
    const names = ["loop.test", "meta.test", "self.test", "mapped.test", "nat64.test"];
    const { results, report } = await probe({ hosts: names.map((n) => `${n}:${loopback.port()}`) }, names.map((n): Step => ["tcp", n, loopback.port(), "hi"]));
    for (const r of results) expect(r.ok && r.reply).toBeFalsy();
    const reasons = Object.fromEntries(names.map((n) => [n, find(report, n, loopback.port())[0]?.reason ?? ""]));
    expect(reasons["loop.test"]).toContain("127.0.0.1: loopback");
    expect(reasons["meta.test"]).toContain("cloud metadata");
    expect(reasons["self.test"]).toContain("an address of this host");
    expect(reasons["mapped.test"]).toContain("loopback in IPv6 form");
    expect(reasons["nat64.test"]).toContain("cloud metadata (169.254.169.254) in IPv6 form");
    expect(loopback.accepted()).toBe(before);
  });

  test("a deny of an address wins over a name grant that resolves to it (as it is or mapped into IPv6), through the proxy too; the twin beneath the same wildcard is reached", async () => {
    const { results, report, seen } = await probe({ hosts: ["*.wild.test:80"], deny: [inet.ip.other] }, [
      ["http", "evil.wild.test", 80, "/evil"],
      ["http", "evil6.wild.test", 80, "/evil6"],
      ["proxy", "evil.wild.test", 80, "GET /evil-proxied HTTP/1.0\r\n\r\n"],
      ["http", "api.wild.test", 80, "/twin"],
    ]);
    const [evil, evil6, proxied, twin] = results;
    expect(evil!.ok).toBe(false);
    expect(evil6!.ok).toBe(false);
    expect(proxied).toMatchObject({ ok: true, status: 403 });
    expect(twin!.body).toBe(`hello from ${inet.ip.granted} host=api.wild.test path=/twin\n`);
    expect(seen.filter((e) => e.http === inet.ip.other || e.tcp === inet.ip.other)).toEqual([]);
    expect(find(report, "evil.wild.test", 80).map((e) => e.reason)).toEqual([expect.stringContaining(`${inet.ip.other}: denied by ${inet.ip.other}`)]);
    expect(find(report, "evil6.wild.test", 80)[0]!.reason).toContain(`denied by ${inet.ip.other}`);
  });

  test("the twin: granted as localhost:PORT or as 127.0.0.1:PORT, this host's loopback service is reached", async () => {
    const before = loopback.accepted();
    const a = await probe({ hosts: [`localhost:${loopback.port()}`] }, [["tcp", "127.0.0.1", loopback.port(), "one"]]);
    const b = await probe({ hosts: [`127.0.0.1:${loopback.port()}`] }, [["tcp", "127.0.0.1", loopback.port(), "two"]]);
    expect(a.results[0]!.reply).toBe("host-loopback:one");
    expect(b.results[0]!.reply).toBe("host-loopback:two");
    expect(loopback.accepted()).toBe(before + 2);
  });

  test("rebinding: a name whose lookup gives the test host first and loopback next is relayed once, then refused at the next connect", async () => {
    const { results, report } = await probe({ hosts: ["rebind.test"] }, [
      ["http", "rebind.test", 80, "/first"],
      ["http", "rebind.test", 80, "/second"],
    ]);
    expect(results[0]!.body).toBe(`hello from ${inet.ip.granted} host=rebind.test path=/first\n`);
    expect(results[1]!.ok).toBe(false);
    const entries = find(report, "rebind.test", 80);
    expect(entries.map((e: NetworkDestination) => e.allowed).sort()).toEqual([false, true]);
    expect(entries.find((e) => !e.allowed)!.reason).toContain("127.0.0.1: loopback");
  });

  test("UDP other than DNS leaves nowhere: datagrams to a test host by address or by a granted name never arrive (twin: net all delivers)", async () => {
    const confined = await probe({ hosts: ["registry.test"] }, [
      ["udp", inet.ip.granted, 9999, "by-address"],
      ["udp", "registry.test", 9999, "by-name"],
    ]);
    expect(confined.results[0]).toMatchObject({ ok: false, errno: "ENETUNREACH" });
    expect(confined.seen.filter((e) => e.udp)).toEqual([]);
    const open = await probe("all", [["udp", inet.ip.granted, 9999, "twin"]]);
    expect(open.results[0]!.ok).toBe(true);
    expect(open.seen.filter((e) => e.udp).map((e) => e.data)).toEqual(["twin"]);
  });

  testUnless(Bun.which("setpriv") ? undefined : "setpriv(1) not installed", "cordon unprivileged (uid 65534, inside a user namespace): a granted name is reached, one not granted gets NXDOMAIN, a direct connect fails; a deny of an address holds for a wildcard name resolving to it, the twin beneath the wildcard is reached", async () => {
    const copy = worldReadableCopy(["ffi", "lib", "test"]);
    /** run-probe.ts as uid 65534 (cordon inside a user namespace): its result, and what the test internet saw meanwhile. */
    const asNobody = async (net: Net, steps: Step[]) => {
      const before = inet.events().length;
      const job = { policy: { net: { ...(net as object), resolver: inet.ip.dns } }, steps, read: [] };
      const p = Bun.spawn(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", copy.bun, join(copy.dir, "test", "fixtures", "egress", "run-probe.ts"), JSON.stringify(job)], {
        cwd: copy.dir,
        env: { PATH: "/usr/bin:/bin", HOME: copy.dir },
        stdout: "pipe",
        stderr: "pipe",
        timeout: 30_000,
      });
      const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      expect(err).toBe("");
      const r = JSON.parse(out) as { code: number; stderr: string; results: Outcome[]; report: Report };
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      expect(r.report.host?.some((n) => n.includes("inside a user namespace"))).toBe(true);
      await Bun.sleep(50);
      return { ...r, seen: inet.events().slice(before) };
    };
    try {
      const r = await asNobody({ hosts: ["registry.test"] }, [["http", "registry.test", 80, "/nobody"], ["resolve", "denied.test"], ["tcp", inet.ip.other, 7000, "x"]]);
      expect(r.report.guarantees.find((g) => g.guarantee === "net.hosts-only")?.status).toBe("enforced");
      expect(r.results[0]!.body).toBe(`hello from ${inet.ip.granted} host=registry.test path=/nobody\n`);
      expect(r.results[1]!.ok).toBe(false);
      expect(r.results[2]).toMatchObject({ ok: false, errno: "ENETUNREACH" });
      expect(r.seen.filter((e) => e.dns === "denied.test" || e.tcp)).toEqual([]);

      const d = await asNobody({ hosts: ["*.wild.test:80"], deny: [inet.ip.other] }, [["http", "evil.wild.test", 80, "/evil"], ["http", "api.wild.test", 80, "/twin"]]);
      expect(d.results[0]!.ok).toBe(false);
      expect(d.results[1]!.body).toBe(`hello from ${inet.ip.granted} host=api.wild.test path=/twin\n`);
      expect(d.seen.filter((e) => e.http === inet.ip.other || e.tcp === inet.ip.other)).toEqual([]);
      expect(find(d.report, "evil.wild.test", 80).map((e) => e.reason)).toEqual([expect.stringContaining(`${inet.ip.other}: denied by ${inet.ip.other}`)]);
    } finally {
      copy.remove();
    }
  }, 60_000);
});
