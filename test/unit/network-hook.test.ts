// spawn()'s onNetwork, the parts that need no sandbox: the option checked
// (a function, or a SpawnOptionError naming it; spawnSync refuses it), the
// events DestinationLog makes of the relay's decisions (one per decision, in
// the report's words, frozen), and their delivery: after the current turn of
// the event loop, in order, flushed at once when the relay stops. The
// sandboxed behaviour is test/linux/egress-hook.test.ts.
import { describe, expect, test } from "bun:test";
import { SpawnOptionError } from "../../lib/errors.ts";
import { EgressDecisions } from "../../lib/net/decide.ts";
import { DestinationLog } from "../../lib/net/destinations.ts";
import { resolveEgress } from "../../lib/policy/egress.ts";
import type { NetworkEvent } from "../../lib/report.ts";
import { checkSpawnOptions } from "../../lib/spawn-options.ts";
import { spawnSync } from "../../lib/spawn-sync.ts";

function thrown(fn: () => unknown): SpawnOptionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpawnOptionError) return e;
    throw e;
  }
  throw new Error("no error");
}

/** A DNS query for `name`, type A. */
function query(name: string): Uint8Array {
  const labels = name.split(".").flatMap((l) => [l.length, ...new TextEncoder().encode(l)]);
  return Uint8Array.from([0x42, 0x42, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, 1, 0, 1]);
}

describe("the onNetwork option", () => {
  test("a function is taken as given", () => {
    const hook = (_e: NetworkEvent) => {};
    expect(checkSpawnOptions({ onNetwork: hook }).onNetwork).toBe(hook);
    expect(checkSpawnOptions({}).onNetwork).toBeUndefined();
  });

  for (const bad of ["log", 1, {}, null, true]) {
    test(`${JSON.stringify(bad)} is a SpawnOptionError naming onNetwork`, () => {
      const e = thrown(() => checkSpawnOptions({ onNetwork: bad }));
      expect(e.option).toBe("onNetwork");
      expect(e.message).toContain("expected a function");
    });
  }

  test("a misspelling is an unknown option with the closest known one", () => {
    const e = thrown(() => checkSpawnOptions({ onNetwrok: () => {} }));
    expect(e.option).toBe("onNetwrok");
    expect(e.message).toContain('did you mean "onNetwork"');
  });

  test("spawnSync refuses it: its Worker cannot take a function", () => {
    const e = thrown(() => spawnSync(["true"], { net: { hosts: ["registry.test"] } }, { onNetwork: () => {} } as never));
    expect(e.option).toBe("onNetwork");
    expect(e.message).toContain("not in spawnSync()");
  });
});

describe("the events DestinationLog tells", () => {
  test("one per decision, not aggregated, in the report's words, frozen; allowed lookups told but not listed; a close with its bytes", async () => {
    const events: NetworkEvent[] = [];
    const log = new DestinationLog((e) => events.push(e));
    log.note("lookup", "denied.test", undefined, { allowed: false, reason: "lookup refused (NXDOMAIN): not granted" });
    log.note("lookup", "denied.test", undefined, { allowed: false, reason: "lookup refused (NXDOMAIN): not granted" });
    log.looked("registry.test", "registry.test:443");
    const entry = log.note("connect", "registry.test", 443, { allowed: true, grant: "registry.test:443" }, "198.18.0.10");
    entry.bytesOut += 5;
    log.closed(entry, { address: "198.18.0.10", bytesOut: 5, bytesIn: 7 });
    log.closed(entry, { address: "198.18.0.10", bytesOut: 0, bytesIn: 0, failed: "connect to 198.18.0.10 failed: ECONNREFUSED" });
    expect(events).toEqual([]); // not inside the caller's code: from a later turn of the loop
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual([
      { kind: "lookup", host: "denied.test", allowed: false, reason: "lookup refused (NXDOMAIN): not granted" },
      { kind: "lookup", host: "denied.test", allowed: false, reason: "lookup refused (NXDOMAIN): not granted" },
      { kind: "lookup", host: "registry.test", allowed: true, grant: "registry.test:443" },
      { kind: "connect", host: "registry.test", port: 443, allowed: true, grant: "registry.test:443", address: "198.18.0.10" },
      { kind: "close", host: "registry.test", port: 443, allowed: true, grant: "registry.test:443", address: "198.18.0.10", bytesOut: 5, bytesIn: 7 },
      { kind: "close", host: "registry.test", port: 443, allowed: true, grant: "registry.test:443", reason: "connect to 198.18.0.10 failed: ECONNREFUSED", address: "198.18.0.10", bytesOut: 0, bytesIn: 0 },
    ]);
    expect(events.every((e) => Object.isFrozen(e))).toBe(true);
    // The report aggregates the same decisions; the allowed lookup is not listed.
    expect(log.report.destinations.map((d) => [d.host, d.port, d.count])).toEqual([
      ["denied.test", undefined, 2],
      ["registry.test", 443, 1],
    ]);
    expect(log.report.destinations[1]).toMatchObject({ addresses: ["198.18.0.10"], bytesOut: 5 });
  });

  test("a command asking for more distinct names than the list holds: 1,000 entries, the rest counted as unlisted (absent before), and listed entries still counted", () => {
    const log = new DestinationLog();
    const refused = { allowed: false, reason: "lookup refused (NXDOMAIN): not granted" } as const;
    for (let i = 0; i < 1000; i++) log.note("lookup", `n${i}.test`, undefined, refused);
    expect(log.report.destinations.length).toBe(1000);
    expect(log.report.unlisted).toBeUndefined();
    for (let i = 1000; i < 1005; i++) log.note("lookup", `n${i}.test`, undefined, refused);
    log.note("lookup", "n1003.test", undefined, refused);
    log.note("lookup", "n0.test", undefined, refused);
    expect(log.report.destinations.length).toBe(1000);
    expect(log.report.unlisted).toBe(6);
    expect(log.report.destinations[0]).toMatchObject({ host: "n0.test", count: 2 });
  });

  test("a name or reason the command controls reaches neither report nor hook with control characters: escaped, and distinct names stay distinct", async () => {
    const events: NetworkEvent[] = [];
    const log = new DestinationLog((e) => events.push(e));
    const hostile = "evil\u001b]0;pwned\u0007\u001b[2J.test";
    log.note("lookup", hostile, undefined, { allowed: false, reason: `lookup refused (NXDOMAIN): ${hostile} is not a host name` });
    log.note("connect", "a\\x1b.test", 80, { allowed: false, reason: "not granted" });
    log.note("connect", "a\u001b.test", 80, { allowed: false, reason: "not granted" });
    log.flush();
    const text = JSON.stringify([events, log.report]);
    expect(/[\u0000-\u001f\u007f]/.test(events.map((e) => `${e.host}${e.reason ?? ""}`).join(""))).toBe(false);
    expect(text).not.toContain("\\u001b");
    expect(events[0]!.host).toBe("evil\\x1b]0;pwned\\x07\\x1b[2J.test");
    expect(events[0]!.reason).toContain("evil\\x1b]0;pwned");
    // A literal backslash is doubled: the two names below are told apart.
    expect(events[1]!.host).not.toBe(events[2]!.host);
    expect(log.report.destinations.map((d) => d.host)).toEqual([events[0]!.host, events[1]!.host, events[2]!.host]);
  });

  test("flush tells what is queued at once (the relay stops), and nothing twice", async () => {
    const events: NetworkEvent[] = [];
    const log = new DestinationLog((e) => events.push(e));
    log.note("connect", "a.test", 80, { allowed: false, reason: "not granted" });
    log.flush();
    expect(events.map((e) => e.host)).toEqual(["a.test"]);
    await new Promise((r) => setImmediate(r));
    expect(events).toHaveLength(1);
  });

  test("the relay's DNS answer names the grant of an answered name, for its lookup event", () => {
    const dec = new EgressDecisions(resolveEgress({ hosts: ["*.wild.test:80", "localhost:5432"], deny: ["x.wild.test"] }), new Set());
    expect(dec.dns(query("api.wild.test"))).toMatchObject({ name: "api.wild.test", grant: "*.wild.test:80" });
    expect(dec.dns(query("localhost"))).toMatchObject({ name: "localhost", grant: "localhost:5432" });
    expect(dec.dns(query("x.wild.test")).grant).toBeUndefined();
  });
});
