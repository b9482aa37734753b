// The ClientHello reader (lib/net/tls-hello.ts) on real ClientHellos, made by
// node:tls against a loopback socket that only records what arrives, and on
// the same bytes cut, re-framed and corrupted.
import { describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { readClientHello } from "../../lib/net/tls-hello.ts";

/** The first bytes a TLS client sends when it names `servername` (none for an IP literal). */
async function clientHello(servername: string): Promise<Uint8Array> {
  let got = Buffer.alloc(0);
  const server = createServer((s) => s.on("data", (d: Buffer) => (got = Buffer.concat([got, d]))));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  const t = tlsConnect({ host: "127.0.0.1", port, ...(servername ? { servername } : {}), rejectUnauthorized: false });
  t.on("error", () => {});
  for (let i = 0; i < 100 && got.length < 5; i++) await Bun.sleep(10);
  await Bun.sleep(20);
  t.destroy();
  server.close();
  return new Uint8Array(got);
}

/** The same handshake message split over two TLS records. */
function twoRecords(hello: Uint8Array): Uint8Array {
  const body = hello.subarray(5, 5 + ((hello[3]! << 8) | hello[4]!));
  const cut = 40;
  const rec = (b: Uint8Array) => Uint8Array.from([0x16, hello[1]!, hello[2]!, b.length >> 8, b.length & 0xff, ...b]);
  return Uint8Array.from([...rec(body.subarray(0, cut)), ...rec(body.subarray(cut))]);
}

describe("TLS ClientHello server name", () => {
  test("a real ClientHello yields its server name, lowercase; one split over records or arriving byte by byte too", async () => {
    const hello = await clientHello("Registry.Test");
    expect(readClientHello(hello)).toEqual({ serverName: "registry.test" });
    expect(readClientHello(twoRecords(hello))).toEqual({ serverName: "registry.test" });
    for (const n of [0, 1, 4, 5, 50, hello.length - 1]) expect(readClientHello(hello.subarray(0, n))).toEqual({ need: true });
  });

  test("no server name (an IP literal) is undefined; another protocol is not TLS; corrupt ones are errors", async () => {
    expect(readClientHello(await clientHello(""))).toEqual({ serverName: undefined });
    expect(readClientHello(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"))).toEqual({ notTls: true });
    const hello = await clientHello("registry.test");
    const corrupt = hello.slice();
    corrupt[5] = 2; // a ServerHello where the ClientHello belongs
    expect(readClientHello(corrupt)).toHaveProperty("error");
    const bad = hello.slice();
    const at = Buffer.from(bad).indexOf("registry.test");
    bad[at] = 0x00; // a NUL in the name
    expect(readClientHello(bad)).toHaveProperty("error");
    const alert = hello.slice();
    alert[0] = 0x15;
    expect(readClientHello(alert)).toEqual({ notTls: true });
  });
});
