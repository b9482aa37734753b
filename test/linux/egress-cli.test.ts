// Host grants through the CLI and over many spawns, on this host's loopback
// only (no test internet needed): `--allow-net=localhost:PORT` reaches this
// host's service on that port and nothing else, `--deny-net` wins, the report
// file lists each destination, sandboxes sharing the relay thread keep their
// own grants, and no fd of the relay outlives its sandbox.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cordon } from "../cli/helpers.ts";
import { noNetns as noNetnsHere } from "../helpers/netns.ts";
import { describeUnless, notLinux } from "../helpers/skip.ts";
import { fdSet, newFds } from "../helpers/fds.ts";
import type { Report } from "../../lib/report.ts";

const { spawn } = await import("../../lib/spawn.ts");
const { drainNetnsPool } = notLinux ? ({} as typeof import("../../lib/backend/linux/netns-pool.ts")) : await import("../../lib/backend/linux/netns-pool.ts");
const noNetns = await noNetnsHere();

/** Connects to 127.0.0.1:PORT for each port and prints what came back, or the errno. */
const client = `
import socket, sys
for port in sys.argv[1:]:
    try:
        s = socket.create_connection(("127.0.0.1", int(port)), timeout=3)
        s.sendall(b"hi")
        print(port, s.recv(100).decode() or "closed")
    except OSError as e:
        print(port, "failed", e.errno)
`;

describeUnless(noNetns, "net.hosts through the CLI, on this host's loopback", () => {
  let granted: Server;
  let other: Server;
  const ports = { granted: 0, other: 0 };
  const accepted = { granted: 0, other: 0 };
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cordon-egress-cli-"));
    const serve = (k: keyof typeof accepted) =>
      createServer((s) => {
        accepted[k]++;
        s.on("data", () => s.end(`${k}-service`));
      }).listen(0, "127.0.0.1");
    granted = serve("granted");
    other = serve("other");
    await Promise.all([granted, other].map((s) => new Promise((r) => s.once("listening", r))));
    ports.granted = (granted.address() as { port: number }).port;
    ports.other = (other.address() as { port: number }).port;
  });
  afterAll(() => {
    granted?.close();
    other?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("--allow-net=localhost:PORT reaches this host's service on that port only (no listener inside for the other: refused by the kernel); the report file lists the relayed one", async () => {
    const report = join(dir, "report.json");
    const before = { ...accepted };
    const r = await cordon(["run", `--allow-net=localhost:${ports.granted}`, `--report=${report}`, "--", "/usr/bin/python3", "-c", client, String(ports.granted), String(ports.other)]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe(`${ports.granted} granted-service`);
    expect(lines[1]).toStartWith(`${ports.other} failed`);
    expect(accepted).toEqual({ granted: before.granted + 1, other: before.other });
    const written = JSON.parse(readFileSync(report, "utf8")) as Report;
    expect(written.guarantees.find((g) => g.guarantee === "net.hosts-only")?.status).toBe("enforced");
    expect(written.network?.destinations).toEqual([
      expect.objectContaining({ host: "127.0.0.1", port: ports.granted, allowed: true, count: 1, grant: `localhost:${ports.granted}` }),
    ]);
  });

  test("--deny-net wins over --allow-net: the same grant denied reaches nothing", async () => {
    const before = { ...accepted };
    const r = await cordon(["run", `--allow-net=localhost`, `--deny-net=localhost:${ports.granted}`, "--", "/usr/bin/python3", "-c", client, String(ports.granted)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith(`${ports.granted} `);
    expect(r.stdout).not.toContain("granted-service");
    expect(accepted).toEqual(before);
  });

  test("what cordon refused is told on stderr after the run, without a --report file (a run with only granted destinations has an empty stderr, above)", async () => {
    const lookup = `
import socket
try:
    socket.getaddrinfo("not-granted.test", 80)
    print("resolved")
except OSError:
    print("refused")
`;
    const r = await cordon(["run", "--allow-net=localhost", "--", "/usr/bin/python3", "-c", lookup]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: "refused\n" });
    expect(r.stderr).toMatch(/^cordon: network refused lookup of not-granted\.test( \(\d+ times\))?: lookup refused \(NXDOMAIN\): not granted\n$/);
  });

  test("the proxy takes a CONNECT head sent one byte at a time, and bytes sent right behind it reach the granted host first", async () => {
    const trickle = `
import os, socket, sys, time
proxy = os.environ["HTTPS_PROXY"].split("//")[1].rstrip("/").rsplit(":", 1)
s = socket.create_connection((proxy[0], int(proxy[1])), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
head = b"CONNECT localhost:%s HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n" % sys.argv[1].encode()
for b in head[:-1]:
    s.sendall(bytes([b]))
    time.sleep(0.001)
s.sendall(head[-1:] + b"early")
got = b""
while True:
    b = s.recv(100)
    if not b:
        break
    got += b
print(got.decode().replace("\\r\\n", "|"))
`;
    const before = { ...accepted };
    const p = spawn(["/usr/bin/python3", "-c", trickle, String(ports.granted)], { net: { hosts: [`localhost:${ports.granted}`] } }, { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text(), p.exited]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out.trim()).toBe("HTTP/1.1 200 Connection established||granted-service");
    expect(accepted.granted).toBe(before.granted + 1);
  });

  test("sandboxes served at the same time by the one relay thread keep their own grants and reports, and one ending leaves the other's connections working", async () => {
    const repeat = (port: number, times: number) => `
import socket, time
for i in range(${times}):
    s = socket.create_connection(("127.0.0.1", ${port}), timeout=3)
    s.sendall(b"hi")
    print(s.recv(100).decode() or "closed")
    s.close()
    time.sleep(0.05)
`;
    const run = (port: number, times: number) => spawn(["/usr/bin/python3", "-c", repeat(port, times)], { net: { hosts: [`localhost:${port}`] } }, { stdout: "pipe", stderr: "pipe" });
    const [a, b] = [run(ports.granted, 4), run(ports.other, 12)];
    const outs = await Promise.all([a, b].map(async (p) => [await new Response(p.stdout as ReadableStream).text(), await new Response(p.stderr as ReadableStream).text(), await p.exited] as const));
    expect(outs.map(([out, err, code]) => ({ out: out.trim().split("\n"), err, code }))).toEqual([
      { out: Array(4).fill("granted-service"), err: "", code: 0 },
      { out: Array(12).fill("other-service"), err: "", code: 0 },
    ]);
    expect(a.report.network?.destinations.map((d) => [d.host, d.port, d.allowed, d.count])).toEqual([["127.0.0.1", ports.granted, true, 4]]);
    expect(b.report.network?.destinations.map((d) => [d.host, d.port, d.allowed, d.count])).toEqual([["127.0.0.1", ports.other, true, 12]]);
  });

  test("nothing is left behind: threads and fds of this process are level after 100 sandboxes with host grants", async () => {
    const threads = () => readdirSync("/proc/self/task").length;
    const once = () => spawn(["/bin/true"], { net: { hosts: ["registry.test"] } }, { stdin: "ignore", stdout: "ignore", stderr: "ignore" }).exited;
    await once();
    await Bun.sleep(200);
    // The network namespaces made ahead for the next spawns (netns-pool.ts) are closed, and their thread ended, before each look.
    drainNetnsPool();
    // What the fds are, not how many: an fd still closing when `before` was taken would otherwise hide a leak or fail a clean run.
    const before = { threads: threads(), fds: fdSet() };
    for (let i = 0; i < 100; i++) await once();
    await Bun.sleep(300);
    drainNetnsPool();
    const after = { threads: threads() };
    expect(await newFds(before.fds)).toEqual([]);
    // One relay thread serves every sandbox and stays (made by the first spawn above): none more.
    expect(after.threads).toBeLessThanOrEqual(before.threads);
  }, 60_000);
});
