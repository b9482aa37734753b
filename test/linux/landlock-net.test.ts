// TCP confinement (ABI 4) and IPC scopes (ABI 6), each escape with its twin.
// Below the ABI that has a mechanism (kernel or CORDON_LANDLOCK_ABI_CAP), the
// same operation must really succeed and the report must say "not-enforced".
import { afterAll, beforeAll, expect } from "bun:test";
import type { Socket, TCPSocketListener, UnixSocketListener } from "bun";
import { describeUnless, linuxRequirement, testUnless } from "../helpers/skip.ts";
import { confined, statusOf, testAbi } from "./landlock-fixture.ts";

const unmet = linuxRequirement(testAbi >= 1 ? undefined : "landlock ABI >= 1 (kernel or CORDON_LANDLOCK_ABI_CAP)");

const handlers = { socket: { data(_s: Socket<undefined>, _d: Buffer) {}, open() {} } };

/** A port nothing listens on right now. */
function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, ...handlers });
  const p = l.port;
  l.stop(true);
  return p;
}

describeUnless(unmet, "landlock TCP rules", () => {
  let granted: TCPSocketListener<undefined>;
  let other: TCPSocketListener<undefined>;
  beforeAll(() => {
    granted = Bun.listen({ hostname: "127.0.0.1", port: 0, ...handlers });
    other = Bun.listen({ hostname: "127.0.0.1", port: 0, ...handlers });
  });
  afterAll(() => {
    granted.stop(true);
    other.stop(true);
  });

  testUnless(undefined, "connect to a non-granted port is denied from ABI 4; the granted port connects", async () => {
    const { results, report } = await confined([["connect", other.port], ["connect", granted.port]], {
      net: { connect: [granted.port], bind: [] },
    });
    expect(results[1]).toBe("ok");
    if (testAbi >= 4) {
      expect(statusOf(report, "net.connect_tcp")).toBe("enforced");
      expect(results[0]).toBe("EACCES");
    } else {
      expect(statusOf(report, "net.connect_tcp")).toBe("not-enforced");
      expect(results[0]).toBe("ok");
    }
  });

  testUnless(undefined, "bind to a non-granted port is denied from ABI 4; the granted port binds", async () => {
    const mine = freePort();
    const notMine = freePort();
    const { results, report } = await confined([["bind", notMine], ["bind", mine]], { net: { connect: [], bind: [mine] } });
    expect(results[1]).toBe("ok");
    if (testAbi >= 4) {
      expect(statusOf(report, "net.bind_tcp")).toBe("enforced");
      expect(results[0]).toBe("EACCES");
    } else {
      expect(statusOf(report, "net.bind_tcp")).toBe("not-enforced");
      expect(results[0]).toBe("ok");
    }
  });

  testUnless(undefined, "net none denies every TCP connect from ABI 4; net all leaves TCP alone", async () => {
    const none = await confined([["connect", granted.port]], { net: "none" });
    const all = await confined([["connect", granted.port]], { net: "all" });
    expect(none.results).toEqual([testAbi >= 4 ? "EACCES" : "ok"]);
    expect(all.results).toEqual(["ok"]);
    expect(statusOf(all.report, "net.connect_tcp")).toBeUndefined();
  });
});

describeUnless(unmet, "landlock scopes", () => {
  let outsider: ReturnType<typeof Bun.spawn>;
  let abstract: UnixSocketListener<undefined>;
  const name = `cordon-landlock-${process.pid}`;
  beforeAll(() => {
    outsider = Bun.spawn(["/usr/bin/sleep", "60"]);
    abstract = Bun.listen({ unix: `\0${name}`, ...handlers });
  });
  afterAll(() => {
    outsider.kill(9);
    abstract.stop(true);
  });

  testUnless(undefined, "kill() of a process outside the sandbox is denied from ABI 6; killing its own child works", async () => {
    const { results, report } = await confined([["kill", outsider.pid], ["kill_own"]]);
    expect(results[1]).toBe("ok");
    if (testAbi >= 6) {
      expect(statusOf(report, "scope.signal")).toBe("enforced");
      expect(results[0]).toBe("EPERM");
    } else {
      expect(statusOf(report, "scope.signal")).toBe("not-enforced");
      expect(results[0]).toBe("ok");
    }
    expect(outsider.exitCode).toBeNull();
  });

  testUnless(undefined, "connect to an abstract unix socket bound outside is denied from ABI 6; its own works", async () => {
    const { results, report } = await confined([["abstract", name], ["abstract_own", `${name}-own`]]);
    expect(results[1]).toBe("ok");
    if (testAbi >= 6) {
      expect(statusOf(report, "scope.abstract_unix_socket")).toBe("enforced");
      expect(results[0]).toBe("EPERM");
    } else {
      expect(statusOf(report, "scope.abstract_unix_socket")).toBe("not-enforced");
      expect(results[0]).toBe("ok");
    }
  });
});
