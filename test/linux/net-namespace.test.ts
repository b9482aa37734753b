// net "none" in an empty network namespace, tried from inside: the host's
// sockets are neither listed in /proc/net nor reachable, and the report names
// the namespace; with net "all" the same listener is both (the positive twin).
// Where no network namespace can be had, the report must not claim one.
import { expect, test } from "bun:test";
import { hostListener } from "../helpers/host-listener.ts";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { spawn } = await import("../../lib/spawn.ts");
const { sandboxHost } = notLinux ? ({} as typeof import("../../lib/backend/linux/sandbox.ts")) : await import("../../lib/backend/linux/sandbox.ts");

const EMPTY_NET = "network namespace (empty, loopback down)";

/** Run as the command itself (not a shell's child), so a /proc/self-only rung still shows /proc/net. */
const inside = `
import socket, sys
port = int(sys.argv[1])
mark = ":%04X" % port
def listed(f):
    try:
        return any(l.split()[1].endswith(mark) for l in open(f).readlines()[1:])
    except OSError as e:
        return "unreadable %d" % e.errno
print("tcp", listed("/proc/net/tcp"), listed("/proc/net/tcp6"))
try:
    print("ifaces", ",".join(sorted(l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:])))
except OSError as e:
    print("ifaces unreadable", e.errno)
try:
    socket.create_connection(("127.0.0.1", port), timeout=3).close(); print("connect ok")
except OSError as e:
    print("connect failed", e.errno)
`;

describeUnless(notLinux, "net none: an empty network namespace", () => {
  const host = hostListener();

  async function probe(net: "none" | "all") {
    const p = spawn(["/usr/bin/python3", "-c", inside, String(host.port())], { net, fs: { read: ["/usr/lib/python3"] } }, { stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text()]);
    expect({ code: await p.exited, err }).toEqual({ code: 0, err: "" });
    return { lines: out.trim().split("\n"), report: p.report };
  }

  test("the host's listener on 127.0.0.1 is not in /proc/net inside and cannot be reached; the report names the namespace", async () => {
    const before = host.accepted();
    const { lines, report } = await probe("none");
    const none = report.guarantees.find((g) => g.guarantee === "net.none")!;
    expect(none.status).toBe("enforced");
    // On a host that can make one, the sandbox must be in it.
    expect(none.by.includes(EMPTY_NET)).toBe(sandboxHost().netns && sandboxHost().namespaces !== "none");
    if (none.by.includes(EMPTY_NET)) {
      expect(lines[0]).toBe("tcp False False");
      expect(lines[1]).toBe("ifaces lo");
    }
    expect(lines[2]).toStartWith("connect failed");
    // Checked from outside: nothing arrived.
    await Bun.sleep(50);
    expect(host.accepted()).toBe(before);
  });

  test("net all (the twin): the same listener is listed and reachable", async () => {
    const before = host.accepted();
    const { lines, report } = await probe("all");
    expect(report.guarantees.find((g) => g.guarantee === "net.none")).toBeUndefined();
    expect(lines[0]).toMatch(/^tcp (True \w+|\w+ True)$/);
    expect(lines[2]).toBe("connect ok");
    for (let i = 0; i < 100 && host.accepted() === before; i++) await Bun.sleep(10);
    expect(host.accepted()).toBe(before + 1);
  });
});
