// A test-owned "internet" for the egress tests: a network namespace joined to
// this host by a veth pair, holding test hosts in a /24 of 198.18.0.0/15
// (benchmarking space, never routed off this machine) with HTTP, TLS, TCP
// echo, a UDP sink and an authoritative DNS server for the test names
// (test/fixtures/egress/internet.py), all logging what reaches them. Needs
// root (ip netns); nothing leaves the machine.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type InternetEvent = Record<string, unknown>;

export type Internet = {
  /** The test hosts: `granted` and `other` serve everything, `dns` the names. */
  readonly ip: { readonly granted: string; readonly other: string; readonly dns: string; readonly hostSide: string };
  /** A CA file for the TLS servers (their certificate, for the names below), or undefined without openssl. */
  readonly caFile: string | undefined;
  /** Everything the internet saw so far. */
  events(): InternetEvent[];
  stop(): Promise<void>;
};

const fixture = join(import.meta.dir, "..", "fixtures", "egress", "internet.py");

function run(argv: string[]): void {
  const r = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr.toString()}`);
}

/** Why the test internet cannot be made here, or undefined. */
export function internetUnavailable(): string | undefined {
  if (process.platform !== "linux") return "needs Linux";
  if (process.getuid?.() !== 0) return "making a test network namespace needs root";
  if (!Bun.which("ip")) return "ip(8) not installed";
  if (!Bun.which("python3", { PATH: "/usr/bin:/bin" })) return "/usr/bin/python3 not installed";
  return undefined;
}

/**
 * Starts it. `names`: test name → { a: [...], aaaa: [...] } or a rebinding
 * entry { rebind: N, first: {...}, then: {...} }; addresses may use the
 * placeholders GRANTED, OTHER and HOST (this side of the veth). `files`:
 * URL path → a file every test host serves over HTTP (a package registry).
 */
export async function startInternet(names: Record<string, unknown>, files: Record<string, string> = {}): Promise<Internet> {
  const tag = `${process.pid % 10000}${Math.floor(Math.random() * 1000)}`;
  const netns = `cordon-inet-${tag}`;
  const [hostIf, inetIf] = [`ceh${tag}`, `cei${tag}`];
  const net = `198.18.${1 + Math.floor(Math.random() * 250)}`;
  const ip = { hostSide: `${net}.1`, granted: `${net}.10`, other: `${net}.11`, dns: `${net}.53` };
  const dir = mkdtempSync(join(tmpdir(), "cordon-inet-"));
  const cleanup = () => {
    Bun.spawnSync(["ip", "link", "del", hostIf], { stderr: "ignore" });
    Bun.spawnSync(["ip", "netns", "del", netns], { stderr: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run(["ip", "netns", "add", netns]);
    run(["ip", "link", "add", hostIf, "type", "veth", "peer", "name", inetIf]);
    run(["ip", "link", "set", inetIf, "netns", netns]);
    run(["ip", "addr", "add", `${ip.hostSide}/24`, "dev", hostIf]);
    run(["ip", "link", "set", hostIf, "up"]);
    const inside = (...argv: string[]) => run(["ip", "netns", "exec", netns, ...argv]);
    inside("ip", "link", "set", "lo", "up");
    inside("ip", "addr", "add", `${ip.granted}/24`, "dev", inetIf);
    for (const a of [ip.other, ip.dns]) inside("ip", "addr", "add", `${a}/32`, "dev", inetIf);
    inside("ip", "link", "set", inetIf, "up");
  } catch (e) {
    cleanup();
    throw e;
  }

  let caFile: string | undefined;
  let key: string | undefined;
  if (Bun.which("openssl")) {
    caFile = join(dir, "cert.pem");
    key = join(dir, "key.pem");
    const sans = ["registry.test", "api.wild.test", "x.y.wild.test", "denied.test", "rebind.test", "other.test"].map((n) => `DNS:${n}`).join(",");
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=registry.test", "-addext", `subjectAltName=${sans}`, "-keyout", key, "-out", caFile]);
  }
  const fill = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replaceAll("GRANTED", ip.granted).replaceAll("OTHER", ip.other).replaceAll("HOST", ip.hostSide));
  const config = { names: fill(names), dns: ip.dns, hosts: [ip.granted, ip.other], files, ...(caFile && { cert: caFile, key }) };
  const server = Bun.spawn(["ip", "netns", "exec", netns, "/usr/bin/python3", "-u", fixture, JSON.stringify(config)], { stdout: "pipe", stderr: "inherit" });
  const events: InternetEvent[] = [];
  let ready = () => {};
  const isReady = new Promise<void>((r) => (ready = r));
  void (async () => {
    let rest = "";
    for await (const chunk of server.stdout) {
      rest += new TextDecoder().decode(chunk);
      const lines = rest.split("\n");
      rest = lines.pop()!;
      for (const l of lines) {
        const e = JSON.parse(l) as InternetEvent;
        if (e.ready) ready();
        else events.push(e);
      }
    }
  })();
  const timeout = setTimeout(() => server.kill(), 10_000);
  await Promise.race([isReady, server.exited.then(() => Promise.reject(new Error("the test internet's servers did not start")))]).finally(() => clearTimeout(timeout)).catch((e) => {
    cleanup();
    throw e;
  });
  return {
    ip,
    caFile,
    events: () => [...events],
    async stop() {
      server.kill();
      await server.exited;
      cleanup();
    },
  };
}
