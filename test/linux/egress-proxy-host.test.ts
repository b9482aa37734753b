// A plain-HTTP request through cordon's egress proxy goes to the granted
// name's address, where the server picks its site by the Host header: a
// request for a granted name naming another host there (fronting by Host,
// the plain-HTTP twin of fronting by SNI) must be refused before a byte
// reaches the server (and the request goes with Connection: close, so none
// pipelined after it is served: test/unit/net-egress.test.ts). Tried against the test internet
// (test/helpers/test-internet.ts), whose log says what reached it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect } from "node:net";
import { describeUnless, linuxRequirement } from "../helpers/skip.ts";
import { internetUnavailable, startInternet, type Internet } from "../helpers/test-internet.ts";
import { EgressProxy } from "../../lib/net/proxy.ts";
import { resolveEgress } from "../../lib/policy/egress.ts";

/** Sends `head` to the proxy and returns everything that came back until the close. */
function send(port: number, head: string): Promise<string> {
  return new Promise((ok, fail) => {
    const s = connect({ host: "127.0.0.1", port });
    let got = "";
    s.on("error", fail);
    s.on("data", (d: Buffer) => (got += d.toString("latin1")));
    s.on("close", () => ok(got));
    s.write(head);
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

  test("a request for a granted name whose Host header names another host is refused (400) and reaches no server; the same request naming the granted host is answered", async () => {
    const before = inet.events().length;
    const fronted = await send(proxy.port, "GET http://registry.test/fronted HTTP/1.1\r\nHost: other.test\r\n\r\n");
    expect(fronted).toStartWith("HTTP/1.1 400");
    const own = await send(proxy.port, "GET http://registry.test/own HTTP/1.1\r\nHost: REGISTRY.test.\r\n\r\n");
    expect(own).toContain("path=/own");
    expect(paths(before)).toEqual([[inet.ip.granted, "REGISTRY.test.", "/own"]]);
  });
});
