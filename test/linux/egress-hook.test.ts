// spawn()'s onNetwork against the test internet (test/helpers/test-internet.ts):
// each lookup, connect and close the relay decides is told to the hook while
// the command runs, once per decision and in the report's words; refusals
// carry their reason; a hook that throws changes nothing for the sandbox,
// its relay or another sandbox (the exception surfaces uncaught); a hook
// that could never be called (no host grants) is refused.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect } from "node:net";
import { join } from "node:path";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";
import { internetUnavailable, startInternet, type Internet } from "../helpers/test-internet.ts";
import type { Net } from "../../lib/policy/types.ts";
import type { NetworkEvent } from "../../lib/report.ts";
import { EgressProxy } from "../../lib/net/proxy.ts";
import { resolveEgress } from "../../lib/policy/egress.ts";

const { compile, run, spawn } = await import("../../lib/spawn.ts");
const { SpawnOptionError } = await import("../../lib/errors.ts");

const unavailable = linuxRequirement(internetUnavailable());
const hookFixture = join(import.meta.dir, "..", "fixtures", "egress", "hook-throws.ts");

const NAMES = { "registry.test": { a: ["GRANTED"] }, "denied.test": { a: ["OTHER"] } };

/** Connects to registry.test:7000 by name (its lookups: A and AAAA), echoes and waits for the echo server's end; then blocks on stdin until the test closes it. */
const CONNECT_AND_WAIT = `
import socket, sys
s = socket.create_connection(("registry.test", 7000), timeout=5)
s.sendall(b"ping")
got = b""
while len(got) < 4:
    got += s.recv(16)
s.shutdown(socket.SHUT_WR)
while s.recv(16):
    pass
print(got.decode(), flush=True)
sys.stdin.read()
`;

/** A refused lookup, a direct connect to an address cordon refuses, a proxy request for a name not granted: one line each. */
const REFUSED = `
import os, socket, sys
other = sys.argv[1]
try:
    socket.getaddrinfo("denied.test", 7000, socket.AF_INET, socket.SOCK_STREAM)
    print("lookup ok")
except OSError as e:
    print("lookup failed")
try:
    socket.create_connection((other, 7000), timeout=5).recv(1)
    print("direct connected")
except OSError as e:
    print("direct failed")
host, port = os.environ["HTTPS_PROXY"].split("//")[1].rstrip("/").rsplit(":", 1)
s = socket.create_connection((host, int(port)), timeout=5)
s.sendall(b"CONNECT denied.test:7000 HTTP/1.1\\r\\n\\r\\n")
print("proxy", s.recv(12).decode().split(" ")[1])
`;

/** Kinds of events, a run of lookups told as one "lookup" (the resolver asks A and AAAA, each a decision). */
const kinds = (events: readonly NetworkEvent[]) => events.map((e) => e.kind).filter((k, i, all) => k !== "lookup" || all[i - 1] !== "lookup");

/** A CONNECT through the proxy on `port`, then (after a 200) `send` to an echo, ended once it came back; everything that came back until the close. */
function tunnel(port: number, target: string, send: string): Promise<string> {
  return new Promise((ok, fail) => {
    const s = connect({ host: "127.0.0.1", port });
    let got = "";
    s.on("error", fail);
    s.on("data", (d: Buffer) => {
      const first = got === "";
      got += d.toString("latin1");
      if (first && got.startsWith("HTTP/1.1 200")) s.write(send);
      if (got.endsWith(`\r\n\r\n${send}`)) s.end();
    });
    s.on("close", () => ok(got));
    s.write(`CONNECT ${target} HTTP/1.1\r\n\r\n`);
  });
}

/** Polls until `ok()` holds (5 s at most). */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await Bun.sleep(10);
}

describeUnless(unavailable, "onNetwork: each egress decision told as it is taken", () => {
  let inet: Internet;
  let net: Net;
  beforeAll(async () => {
    inet = await startInternet(NAMES);
    // 7000 on registry.test gives a direct listener on 7000, and other:80 puts the other test host's address on the sandbox's lo:
    // a direct connect to other:7000 is then accepted by cordon and refused (without it, no route: the kernel's ENETUNREACH).
    net = { hosts: ["registry.test:7000", `${inet.ip.other}:80`], resolver: inet.ip.dns };
  });
  afterAll(async () => {
    await inet?.stop();
  });
  const fs = { read: ["/usr/lib/python3"] };

  test("a granted name: its lookup, its connect (grant, address) and its close (bytes each way) are told while the command still runs", async () => {
    const events: NetworkEvent[] = [];
    const box = compile({ net, fs });
    try {
      const p = box.spawn(["/usr/bin/python3", "-c", CONNECT_AND_WAIT], { stdin: "pipe", stdout: "pipe", onNetwork: (e) => events.push(e) });
      await until(() => events.some((e) => e.kind === "close"));
      // The command is still blocked on its stdin: every event came while it ran.
      expect(p.exitCode).toBeNull();
      const mine = events.filter((e) => e.host === "registry.test");
      expect(kinds(mine)).toEqual(["lookup", "connect", "close"]);
      for (const e of mine.filter((e) => e.kind === "lookup")) expect(e).toEqual({ kind: "lookup", host: "registry.test", allowed: true, grant: "registry.test:7000" });
      expect(mine.filter((e) => e.kind !== "lookup")).toEqual([
        { kind: "connect", host: "registry.test", port: 7000, allowed: true, grant: "registry.test:7000", address: inet.ip.granted },
        { kind: "close", host: "registry.test", port: 7000, allowed: true, grant: "registry.test:7000", address: inet.ip.granted, bytesOut: 4, bytesIn: 4 },
      ]);
      expect(events.every((e) => Object.isFrozen(e))).toBe(true);
      const sink = p.stdin as { end(): void };
      sink.end();
      expect(await p.exited).toBe(0);
      expect(await new Response(p.stdout as ReadableStream).text()).toBe("ping\n");
      // The report counts the same decisions.
      expect(p.report.network?.destinations.find((d) => d.host === "registry.test")).toMatchObject({ allowed: true, count: 1, bytesOut: 4, bytesIn: 4 });
    } finally {
      await box.close();
    }
  });

  test("refusals are told with their reason, once per decision: a name not granted (NXDOMAIN), a direct connect to an address not granted, a proxy request; nothing reaches the internet", async () => {
    const events: NetworkEvent[] = [];
    const before = inet.events().length;
    const r = await run(["/usr/bin/python3", "-c", REFUSED, inet.ip.other], { net, fs }, { onNetwork: (e) => events.push(e) });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: "lookup failed\ndirect failed\nproxy 403\n", stderr: "" });
    await until(() => events.filter((e) => e.kind === "connect").length >= 2);
    const lookups = events.filter((e) => e.kind === "lookup" && e.host === "denied.test");
    expect(lookups.length).toBeGreaterThan(0);
    for (const e of lookups) expect(e).toEqual({ kind: "lookup", host: "denied.test", allowed: false, reason: "lookup refused (NXDOMAIN): not granted" });
    expect(events.filter((e) => e.kind === "connect")).toEqual([
      { kind: "connect", host: inet.ip.other, port: 7000, allowed: false, reason: "not granted" },
      { kind: "connect", host: "denied.test", port: 7000, allowed: false, reason: "not granted" },
    ]);
    // One event per decision, where the report counts them.
    const entry = r.report.network?.destinations.find((d) => d.host === "denied.test" && d.port === undefined);
    expect(entry).toMatchObject({ allowed: false, reason: "lookup refused (NXDOMAIN): not granted", count: lookups.length });
    await Bun.sleep(50);
    expect(inet.events().slice(before).filter((e) => e.dns === "denied.test" || e.tcp)).toEqual([]);
  });

  test("from inside: a proxy request whose host holds terminal control characters (ESC, C1 CSI, a bidi mark) reaches neither the report nor the hook raw; a granted name beside it is told as it is", async () => {
    const HOSTILE = `
import os, socket
host, port = os.environ["HTTPS_PROXY"].split("//")[1].rstrip("/").rsplit(":", 1)
for target in ["evil\\x1bc\\u009b2J\\u202etest:7000", "registry.test:7000"]:
    s = socket.create_connection((host, int(port)), timeout=5)
    s.sendall(("CONNECT " + target + " HTTP/1.1\\r\\n\\r\\n").encode("utf-8"))
    print(s.recv(12).decode().split(" ")[1])
    s.close()
`;
    const events: NetworkEvent[] = [];
    const r = await run(["/usr/bin/python3", "-c", HOSTILE], { net, fs }, { onNetwork: (e) => events.push(e) });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: "400\n200\n", stderr: "" });
    await until(() => events.filter((e) => e.kind === "connect").length >= 2);
    const raw = /[^\x20-\x7e]/;
    const told = events.flatMap((e) => [e.host, e.reason ?? ""]);
    const listed = (r.report.network?.destinations ?? []).flatMap((d) => [d.host, d.reason ?? ""]);
    expect([...told, ...listed].filter((t) => raw.test(t))).toEqual([]);
    expect(events.some((e) => e.kind === "connect" && !e.allowed && e.host.startsWith("evil\\x1bc"))).toBe(true);
    // The positive twin: a granted name is told and listed unchanged.
    expect(events.find((e) => e.kind === "connect" && e.allowed)).toMatchObject({ host: "registry.test", port: 7000, grant: "registry.test:7000" });
    expect(r.report.network?.destinations.find((d) => d.host === "registry.test" && d.port === 7000)).toMatchObject({ allowed: true });
  });

  test("a hook that throws changes nothing: its sandbox and one beside it get the same answers and reports, every call's exception surfaces uncaught", async () => {
    const job = { policy: { net, fs }, script: CONNECT_AND_WAIT.replace("sys.stdin.read()", "") };
    const p = Bun.spawn([process.execPath, hookFixture, JSON.stringify(job)], { stdout: "pipe", stderr: "pipe", timeout: 30_000 });
    const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const r = JSON.parse(out) as {
      throwing: { status: number; stdout: string; calls: NetworkEvent[]; destinations: unknown[] };
      beside: { status: number; stdout: string; events: NetworkEvent[]; destinations: unknown[] };
      uncaught: string[];
    };
    expect(r.throwing).toMatchObject({ status: 0, stdout: "ping\n" });
    expect(r.beside).toMatchObject({ status: 0, stdout: "ping\n" });
    expect(kinds(r.beside.events)).toEqual(["lookup", "connect", "close"]);
    // Every decision was still told to the throwing hook, and each call's exception surfaced.
    expect(kinds(r.throwing.calls)).toEqual(["lookup", "connect", "close"]);
    expect(r.uncaught).toEqual(r.throwing.calls.map((_, i) => `hook failed ${i + 1}`));
    expect(r.throwing.destinations).toEqual(r.beside.destinations);
  }, 40_000);

  test("the portable proxy (macOS, Windows, the no-namespace rung) tells the same: a granted CONNECT, its close with the bytes, a refused one with its reason", async () => {
    const events: NetworkEvent[] = [];
    const proxy = EgressProxy.start(resolveEgress({ hosts: ["registry.test:7000"], resolver: inet.ip.dns }), { onNetwork: (e) => events.push(e) });
    try {
      expect(await tunnel(proxy.port, "registry.test:7000", "ping")).toEndWith("\r\n\r\nping");
      expect(await tunnel(proxy.port, "denied.test:7000", "")).toStartWith("HTTP/1.1 403");
      await until(() => events.length >= 3);
      expect(events).toEqual([
        { kind: "connect", host: "registry.test", port: 7000, allowed: true, grant: "registry.test:7000", address: inet.ip.granted },
        { kind: "close", host: "registry.test", port: 7000, allowed: true, grant: "registry.test:7000", address: inet.ip.granted, bytesOut: 4, bytesIn: 4 },
        { kind: "connect", host: "denied.test", port: 7000, allowed: false, reason: "not granted" },
      ]);
      expect(events.every((e) => Object.isFrozen(e))).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  test("a compiled sandbox keeping warm ones serves a spawn with onNetwork one-shot (its relay made with it): the events come, the warm one still waits", async () => {
    const box = compile({ net, fs }, { warm: 1 });
    try {
      await box.warmed();
      const events: NetworkEvent[] = [];
      const p = box.spawn(["/usr/bin/python3", "-c", CONNECT_AND_WAIT.replace("sys.stdin.read()", "")], { onNetwork: (e) => events.push(e) });
      expect(await p.exited).toBe(0);
      await until(() => events.some((e) => e.kind === "close"));
      expect(kinds(events.filter((e) => e.host === "registry.test"))).toEqual(["lookup", "connect", "close"]);
      expect(box.warmReady).toBe(1);
    } finally {
      await box.close();
    }
  });
});

describeUnless(notLinux, "onNetwork without host grants", () => {
  test("a sandbox that grants no hosts refuses the hook (it could never be called): spawn(), run() and a compiled sandbox, nothing starts", async () => {
    const hook = () => {};
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    for (const net of [undefined, "all", "none"] as const) {
      const e = err(() => spawn(["true"], net ? { net } : {}, { onNetwork: hook }));
      expect(e).toBeInstanceOf(SpawnOptionError);
      expect((e as InstanceType<typeof SpawnOptionError>).option).toBe("onNetwork");
      expect(String(e)).toContain("grants no hosts");
    }
    await expect(run(["true"], { net: "all" }, { onNetwork: hook })).rejects.toBeInstanceOf(SpawnOptionError);
    const box = compile({});
    try {
      expect(() => box.spawn(["true"], { onNetwork: hook })).toThrow(SpawnOptionError);
      // The twin: without the hook the same sandbox runs.
      expect(await box.spawn(["true"]).exited).toBe(0);
    } finally {
      await box.close();
    }
  });

  test("onNetwork that is not a function is a SpawnOptionError, from run() and a compiled sandbox's run() too", async () => {
    const policy = { net: { hosts: ["registry.test"] } };
    expect(() => spawn(["true"], policy, { onNetwork: "log" as never })).toThrow(/onNetwork.*expected a function, got string/);
    await expect(run(["true"], policy, { onNetwork: 1 as never })).rejects.toBeInstanceOf(SpawnOptionError);
    const box = compile(policy);
    try {
      expect(() => box.run(["true"], { onNetwork: {} as never })).toThrow(SpawnOptionError);
    } finally {
      await box.close();
    }
  });
});
