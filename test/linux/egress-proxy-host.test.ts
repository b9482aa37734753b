// A plain-HTTP request through cordon's egress proxy goes to the granted
// name's address, where the server picks its site by the Host header: a
// request for a granted name naming another host there (fronting by Host,
// the plain-HTTP twin of fronting by SNI) must be refused before a byte
// reaches the server (and the request goes with Connection: close, so none
// pipelined after it is served: test/unit/net-egress.test.ts). Tried against the test internet
// (test/helpers/test-internet.ts), whose log says what reached it.
// Header values with bytes 0x80-0xff (obs-text) go upstream byte for byte.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect } from "node:net";
import { describeUnless, linuxRequirement } from "../helpers/skip.ts";
import { internetUnavailable, startInternet, type Internet } from "../helpers/test-internet.ts";
import { EgressProxy } from "../../lib/net/proxy.ts";
import type { Net } from "../../lib/policy/types.ts";
import { resolveEgress } from "../../lib/policy/egress.ts";

const { spawn } = await import("../../lib/spawn.ts");

/**
 * Heads that name the granted host to cordon but another to a lenient server:
 * a bare LF ending a line inside one of cordon's, whitespace before the colon,
 * a folded continuation line, a bare CR.
 */
const SMUGGLED = [
  "GET http://registry.test/lf HTTP/1.1\r\nX-A: 1\nHost: other.test\r\n\r\n",
  "GET http://registry.test/space HTTP/1.1\r\nHost : other.test\r\n\r\n",
  "GET http://registry.test/fold HTTP/1.1\r\nHost: registry.test\r\n other.test\r\n\r\n",
  "GET http://registry.test/cr HTTP/1.1\r\nX-A: 1\rHost: other.test\r\n\r\n",
];
const TWIN = "GET http://registry.test/twin HTTP/1.1\r\nHost: registry.test\r\n\r\n";

/** Header values with obs-text (bytes 0x80-0xff, RFC 9110), one per request, and an ASCII twin: each must reach the server byte for byte. */
const OBS_VALUES = ["caf\xe9 \x80\x9f\xff", "plain ascii"];
const obsHead = (i: number) => `GET http://registry.test/obs${i} HTTP/1.1\r\nHost: registry.test\r\nX-Echo: ${OBS_VALUES[i]}\r\n\r\n`;

/** Run inside the sandbox: each head (argv, JSON) to the proxy HTTP_PROXY names; prints each first reply line. */
const SEND_HEADS = `
import json, os, socket, sys
host, port = os.environ["HTTP_PROXY"].split("//")[1].rstrip("/").rsplit(":", 1)
for head in json.loads(sys.argv[1]):
    s = socket.create_connection((host, int(port)), timeout=5)
    s.sendall(head.encode("latin1"))
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    print(got.split(b"\\r\\n")[0].decode("latin1"), flush=True)
`;

/** Sends `head` to the proxy and returns everything that came back until the close. */
function send(port: number, head: string): Promise<string> {
  return new Promise((ok, fail) => {
    const s = connect({ host: "127.0.0.1", port });
    let got = "";
    s.on("error", fail);
    s.on("data", (d: Buffer) => (got += d.toString("latin1")));
    s.on("close", () => ok(got));
    s.write(head, "latin1");
  });
}

describeUnless(linuxRequirement(internetUnavailable()), "the egress proxy and the Host header", () => {
  let inet: Internet;
  let proxy: EgressProxy;
  beforeAll(async () => {
    inet = await startInternet({ "registry.test": { a: ["GRANTED"] }, "other.test": { a: ["OTHER"] } });
    proxy = EgressProxy.start(resolveEgress({ hosts: ["registry.test"], resolver: inet.ip.dns }));
  });
  afterAll(async () => {
    await proxy?.stop();
    await inet?.stop();
  });

  const paths = (from: number) => inet.events().slice(from).filter((e) => e.path !== undefined).map((e) => [e.http, e.host, e.path]);
  const echoed = (from: number) => inet.events().slice(from).filter((e) => e.path !== undefined).map((e) => [e.path, e.echo]);
  const obsExpected = OBS_VALUES.map((v, i) => [`/obs${i}`, v]);

  test("a request for a granted name whose Host header names another host is refused (400) and reaches no server; the same request naming the granted host is answered", async () => {
    const before = inet.events().length;
    const fronted = await send(proxy.port, "GET http://registry.test/fronted HTTP/1.1\r\nHost: other.test\r\n\r\n");
    expect(fronted).toStartWith("HTTP/1.1 400");
    const own = await send(proxy.port, "GET http://registry.test/own HTTP/1.1\r\nHost: REGISTRY.test.\r\n\r\n");
    expect(own).toContain("path=/own");
    expect(paths(before)).toEqual([[inet.ip.granted, "REGISTRY.test.", "/own"]]);
  });

  test("from inside a sandbox: a head whose lines a lenient server splits otherwise (bare LF or CR, space before the colon, a folded line) is a 400 and reaches no server; a well-formed one is answered", async () => {
    const before = inet.events().length;
    const net: Net = { hosts: ["registry.test"], resolver: inet.ip.dns };
    const p = spawn(["/usr/bin/python3", "-c", SEND_HEADS, JSON.stringify([...SMUGGLED, TWIN])], { net, fs: { read: ["/usr/lib/python3"] } }, { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text(), p.exited]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out.trim().split("\n")).toEqual([...SMUGGLED.map(() => "HTTP/1.1 400 Bad Request"), "HTTP/1.0 200 OK"]);
    await Bun.sleep(50);
    expect(paths(before)).toEqual([[inet.ip.granted, "registry.test", "/twin"]]);
  });

  test("header values with bytes 0x80-0xff reach the server as sent (not re-encoded), through the proxy; an ASCII value too", async () => {
    const before = inet.events().length;
    for (let i = 0; i < OBS_VALUES.length; i++) expect(await send(proxy.port, obsHead(i))).toStartWith("HTTP/1.0 200");
    await Bun.sleep(50);
    expect(echoed(before)).toEqual(obsExpected);
  });

  test("from inside a sandbox: header values with bytes 0x80-0xff reach the server as sent (not re-encoded) through the relay's proxy; an ASCII value too", async () => {
    const before = inet.events().length;
    const net: Net = { hosts: ["registry.test"], resolver: inet.ip.dns };
    const heads = OBS_VALUES.map((_, i) => obsHead(i));
    const p = spawn(["/usr/bin/python3", "-c", SEND_HEADS, JSON.stringify(heads)], { net, fs: { read: ["/usr/lib/python3"] } }, { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text(), p.exited]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out.trim().split("\n")).toEqual(heads.map(() => "HTTP/1.0 200 OK"));
    await Bun.sleep(50);
    expect(echoed(before)).toEqual(obsExpected);
  });
});
