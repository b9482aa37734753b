// cordon's portable egress proxy (lib/net/proxy.ts), the way out macOS's
// Seatbelt and Windows's WFP leave a sandbox, tested for real here against the
// test internet (test/helpers/test-internet.ts): each refused request has its
// granted twin, and the internet's own log (or a service on this host's
// loopback) says what reached it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect } from "node:net";
import { hostListener } from "../helpers/host-listener.ts";
import { describeUnless, linuxRequirement } from "../helpers/skip.ts";
import { internetUnavailable, startInternet, type Internet } from "../helpers/test-internet.ts";
import { EgressProxy } from "../../lib/net/proxy.ts";
import { resolveEgress } from "../../lib/policy/egress.ts";

const unavailable = linuxRequirement(internetUnavailable());

const NAMES = {
  "registry.test": { a: ["GRANTED"] },
  "denied.test": { a: ["OTHER"] },
  "loop.test": { a: ["127.0.0.1"] },
  "meta.test": { a: ["169.254.169.254"] },
  "nat64.test": { aaaa: ["64:ff9b::7f00:1"] },
  // One connect asks A and AAAA: the first connect's lookups get the test host, later ones loopback.
  "rebind.test": { rebind: 2, first: { a: ["GRANTED"] }, then: { a: ["127.0.0.1"] } },
};

type Exchange = { status: number; head: string; body: string };

/** One request through the proxy: the head, then (after a 200 to a CONNECT) `send`; what came back until the close. */
function through(port: number, head: string, send = "", host = "127.0.0.1"): Promise<Exchange> {
  return new Promise((ok, fail) => {
    const s = connect({ host, port });
    let got = Buffer.alloc(0);
    let sent = false;
    s.on("error", fail);
    s.on("data", (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const end = got.indexOf("\r\n\r\n");
      if (!sent && end >= 0 && head.startsWith("CONNECT") && got.subarray(0, 12).toString().endsWith("200")) {
        sent = true;
        if (send) s.write(send);
        setTimeout(() => s.end(), 300);
      }
    });
    s.on("close", () => {
      const text = got.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      ok({ status: Number(text.slice(9, 12)), head: text.slice(0, end), body: text.slice(end + 4) });
    });
    s.write(head);
  });
}

/** Python's TLS client (its SNI is the server_hostname given, always): CONNECT HOST:443 through the proxy, TLS naming SNI, one GET of PATH. */
const TLS_CLIENT = `
import json, socket, ssl, sys
port, host, sni, ca, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(("CONNECT %s:443 HTTP/1.1\\r\\n\\r\\n" % host).encode())
head = b""
while b"\\r\\n\\r\\n" not in head:
    b = s.recv(1)
    if not b:
        break
    head += b
if not head.startswith(b"HTTP/1.1 200"):
    print(json.dumps({"failed": head[:12].decode()})); sys.exit()
ctx = ssl.create_default_context(cafile=ca)
ctx.check_hostname = False
try:
    t = ctx.wrap_socket(s, server_hostname=sni)
    t.sendall(("GET %s HTTP/1.1\\r\\nHost: %s\\r\\nConnection: close\\r\\n\\r\\n" % (path, sni)).encode())
    body = b""
    while True:
        b = t.recv(65536)
        if not b:
            break
        body += b
    print(json.dumps({"body": body.decode()}))
except (OSError, ssl.SSLError) as e:
    print(json.dumps({"failed": str(e)}))
`;

async function tlsThrough(port: number, host: string, sni: string, ca: string, path: string): Promise<{ body?: string; failed?: string }> {
  const p = Bun.spawn(["/usr/bin/python3", "-c", TLS_CLIENT, String(port), host, sni, ca, path], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (!out.trim()) throw new Error(`TLS client: ${err}`);
  return JSON.parse(out) as { body?: string; failed?: string };
}

const through6 = (port: number, head: string, send = "") => through(port, head, send, "::1");

describeUnless(unavailable, "the portable egress proxy (macOS and Windows) against a test internet", () => {
  let inet: Internet;
  let proxy: EgressProxy;
  const loopback = hostListener((s) => s.end("host-loopback"));
  beforeAll(async () => {
    inet = await startInternet(NAMES);
    const egress = resolveEgress({ hosts: ["registry.test", "loop.test", "meta.test", "nat64.test", "rebind.test", `${inet.ip.granted}:7000`], deny: ["registry.test:7001"], resolver: inet.ip.dns });
    proxy = EgressProxy.start(egress);
  });
  afterAll(async () => {
    await proxy?.stop();
    await inet?.stop();
  });

  const seenTcp = (from: number, addr: string) => inet.events().slice(from).filter((e) => e.tcp === addr);

  test("CONNECT to a granted name is relayed to the address it resolves to now (TCP echo); a denied name gets 403 and reaches nothing", async () => {
    const before = inet.events().length;
    const granted = await through(proxy.port, "CONNECT registry.test:7000 HTTP/1.1\r\nHost: registry.test:7000\r\n\r\n", "ping");
    expect(granted.status).toBe(200);
    expect(granted.body).toBe("ping");
    const denied = await through(proxy.port, "CONNECT denied.test:7000 HTTP/1.1\r\n\r\n", "ping");
    expect(denied.status).toBe(403);
    expect(seenTcp(before, inet.ip.granted)).toHaveLength(1);
    expect(seenTcp(before, inet.ip.other)).toHaveLength(0);
    const d = proxy.network.destinations;
    expect(d.find((x) => x.host === "registry.test" && x.port === 7000)).toMatchObject({ allowed: true, addresses: [inet.ip.granted], grant: "registry.test" });
    expect(d.find((x) => x.host === "denied.test")).toMatchObject({ allowed: false });
  });

  test("a plain-HTTP request with an absolute URI is forwarded in origin form to a granted name; a deny rule wins over the grant", async () => {
    const r = await through(proxy.port, "GET http://registry.test/via-proxy HTTP/1.1\r\nHost: registry.test\r\nConnection: close\r\n\r\n");
    expect(r.status).toBe(200);
    expect(r.body).toContain("path=/via-proxy");
    const before = inet.events().length;
    const denied = await through(proxy.port, "CONNECT registry.test:7001 HTTP/1.1\r\n\r\n", "1\n");
    expect(denied.status).toBe(403);
    expect(inet.events().slice(before)).toHaveLength(0);
  });

  test("an address the grants do not name is refused; the granted literal and port are relayed", async () => {
    const before = inet.events().length;
    expect((await through(proxy.port, `CONNECT ${inet.ip.other}:7000 HTTP/1.1\r\n\r\n`, "x")).status).toBe(403);
    expect((await through(proxy.port, `CONNECT ${inet.ip.granted}:7001 HTTP/1.1\r\n\r\n`, "x")).status).toBe(403);
    const ok = await through(proxy.port, `CONNECT ${inet.ip.granted}:7000 HTTP/1.1\r\n\r\n`, "lit");
    expect(ok).toMatchObject({ status: 200, body: "lit" });
    expect(seenTcp(before, inet.ip.other)).toHaveLength(0);
    expect(seenTcp(before, inet.ip.granted)).toHaveLength(1);
  });

  test("granted names resolving to this host's loopback, cloud metadata or loopback in NAT64 form are refused, and the loopback service is never reached", async () => {
    const accepted = loopback.accepted();
    for (const name of ["loop.test", "meta.test", "nat64.test"]) {
      const r = await through(proxy.port, `CONNECT ${name}:${loopback.port()} HTTP/1.1\r\n\r\n`, "x");
      expect({ name, status: r.status }).toEqual({ name, status: 403 });
    }
    expect(loopback.accepted()).toBe(accepted);
    const why = (h: string) => proxy.network.destinations.find((x) => x.host === h)?.reason;
    expect(why("loop.test")).toContain("loopback");
    expect(why("meta.test")).toContain("cloud metadata");
    expect(why("nat64.test")).toContain("loopback in IPv6 form");
  });

  test("rebinding: a name resolved again for each connect is refused once it resolves to loopback", async () => {
    const accepted = loopback.accepted();
    const first = await through(proxy.port, "CONNECT rebind.test:7000 HTTP/1.1\r\n\r\n", "one");
    expect(first).toMatchObject({ status: 200, body: "one" });
    const second = await through(proxy.port, `CONNECT rebind.test:${loopback.port()} HTTP/1.1\r\n\r\n`, "two");
    expect(second.status).toBe(403);
    expect(loopback.accepted()).toBe(accepted);
  });

  test("TLS through a CONNECT tunnel must name the CONNECT host (SNI): the granted name's own TLS works end to end, another name on the same server (fronting) is cut before a byte reaches it", async () => {
    if (!inet.caFile) throw new Error("openssl is needed for the test internet's TLS");
    const before = inet.events().length;
    const own = await tlsThrough(proxy.port, "registry.test", "registry.test", inet.caFile, "/sni-own");
    expect(own.body).toContain("path=/sni-own");
    const fronted = await tlsThrough(proxy.port, "registry.test", "other.test", inet.caFile, "/sni-fronted");
    expect(fronted.body).toBeUndefined();
    const paths = inet.events().slice(before).map((e) => e.path);
    expect(paths).toContain("/sni-own");
    expect(paths).not.toContain("/sni-fronted");
    expect(proxy.network.destinations.find((d) => d.host === "registry.test" && d.port === 443 && !d.allowed)?.reason).toContain("names another server: other.test");
  });

  test("the proxy holds its port on ::1 too, so localhost:PORT reaches only cordon; malformed heads get 400; stop() closes both listeners", async () => {
    const v6 = await through6(proxy.port, "CONNECT registry.test:7000 HTTP/1.1\r\n\r\n", "six");
    expect(v6).toMatchObject({ status: 200, body: "six" });
    expect((await through(proxy.port, "CONNECT registry.test HTTP/1.1\r\n\r\n")).status).toBe(400);
    expect((await through(proxy.port, "GET /relative HTTP/1.1\r\n\r\n")).status).toBe(400);
    const other = EgressProxy.start(resolveEgress({ hosts: ["registry.test"] }));
    await other.stop();
    await expect(through(other.port, "CONNECT registry.test:7000 HTTP/1.1\r\n\r\n")).rejects.toThrow();
    await expect(through6(other.port, "CONNECT registry.test:7000 HTTP/1.1\r\n\r\n")).rejects.toThrow();
  });
});
