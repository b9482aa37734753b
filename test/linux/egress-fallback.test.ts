// Host grants where no network namespace can be had (a container's profile
// refusing namespaces): hard mode refuses naming what is missing, and
// best-effort runs with the proxy-only rung — cordon's proxy on this host's
// loopback reaches the granted host, a direct connect (to a granted port or
// any other) and UDP do not. test/linux/hostile-hosts.test.ts runs this file
// under such a profile; where a namespace can be had it says so and skips.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer, type Server } from "node:net";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { CompatError } from "../../lib/errors.ts";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { spawn } = await import("../../lib/spawn.ts");
const { sandboxHost } = notLinux ? ({} as typeof import("../../lib/backend/linux/sandbox.ts")) : await import("../../lib/backend/linux/sandbox.ts");
const host = notLinux ? undefined : sandboxHost();
const skip =
  notLinux ??
  (host!.netns && host!.namespaces !== "none"
    ? "a network namespace can be had here: the proxy-only rung is for hosts without one (test/linux/hostile-hosts.test.ts runs this file under a container-like profile)"
    : host!.landlockAbi < 4 || !host!.seccomp
      ? "no landlock TCP rules or no seccomp here: host grants run with no network at all (test/unit/net-egress.test.ts)"
      : undefined);

/** Through HTTPS_PROXY with CONNECT, then directly, then UDP: one line each. */
const client = `
import os, socket, sys
port, other, udp = (int(a) for a in sys.argv[1:4])
proxy = os.environ["HTTPS_PROXY"].split("//")[1].rstrip("/").rsplit(":", 1)
try:
    s = socket.create_connection((proxy[0], int(proxy[1])), timeout=3)
    s.sendall(b"CONNECT localhost:%d HTTP/1.1\\r\\n\\r\\n" % port)
    head = b""
    while b"\\r\\n\\r\\n" not in head:
        head += s.recv(1)
    s.sendall(b"hi")
    print("proxy", head.split(b" ")[1].decode(), s.recv(100).decode())
except OSError as e:
    print("proxy failed", e.errno)
for p in (port, other):
    try:
        socket.create_connection(("127.0.0.1", p), timeout=3).close()
        print("direct", p, "connected")
    except OSError as e:
        print("direct", p, "failed", e.errno)
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", udp))
    print("udp sent")
except OSError as e:
    print("udp failed", e.errno)
`;

describeUnless(skip, "host grants without a network namespace", () => {
  let granted: Server;
  let other: Server;
  let udp: UdpSocket;
  const port = { granted: 0, other: 0, udp: 0 };
  const arrived = { granted: 0, other: 0, udp: 0 };
  beforeAll(async () => {
    const serve = (k: "granted" | "other") =>
      createServer((s) => {
        arrived[k]++;
        s.on("data", () => s.end(`${k}-service`));
      }).listen(0, "127.0.0.1");
    granted = serve("granted");
    other = serve("other");
    await Promise.all([granted, other].map((s) => new Promise((r) => s.once("listening", r))));
    port.granted = (granted.address() as { port: number }).port;
    port.other = (other.address() as { port: number }).port;
    udp = createSocket("udp4");
    udp.on("message", () => arrived.udp++);
    await new Promise<void>((r) => udp.bind(0, "127.0.0.1", r));
    port.udp = udp.address().port;
  });
  afterAll(() => {
    granted?.close();
    other?.close();
    udp?.close();
  });

  test("hard mode refuses, naming the missing network namespace", () => {
    let err: unknown;
    try {
      spawn(["/bin/true"], { net: { hosts: [`localhost:${port.granted}`] } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CompatError);
    expect((err as CompatError).missing.find((m) => m.guarantee === "net.hosts-only")?.reason).toContain("no network namespace can be made here");
  });

  test("best-effort: cordon's proxy reaches the granted host; a direct connect to it or to another port, and UDP, do not; the report says partial and why", async () => {
    const p = spawn(["/usr/bin/python3", "-c", client, String(port.granted), String(port.other), String(port.udp)], { net: { hosts: [`localhost:${port.granted}`] }, compat: "best-effort", fs: { read: ["/usr/lib/python3"] } }, { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text(), p.exited]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const lines = out.trim().split("\n");
    expect(lines[0]).toBe("proxy 200 granted-service");
    expect(lines[1]).toStartWith(`direct ${port.granted} failed`);
    expect(lines[2]).toStartWith(`direct ${port.other} failed`);
    expect(lines[3]).toStartWith("udp failed");
    await Bun.sleep(50);
    expect(arrived).toEqual({ granted: 1, other: 0, udp: 0 });
    const g = p.report.guarantees.find((x) => x.guarantee === "net.hosts-only")!;
    expect(g.status).toBe("partial");
    expect(g.reason).toContain("landlock rules name ports, not hosts");
    expect(p.report.network?.destinations).toEqual([expect.objectContaining({ host: "localhost", port: port.granted, allowed: true })]);
  });
});
