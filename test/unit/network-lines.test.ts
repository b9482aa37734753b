// The CLI's stderr lines for what the relay and proxy refused
// (lib/cli/network-lines.ts): most asked-for first, a bounded number, the rest
// and what the report could not list counted. The sandboxed run is in
// test/linux/egress-cli.test.ts.
import { expect, test } from "bun:test";
import { refusedNetworkLines } from "../../lib/cli/network-lines.ts";
import type { NetworkDestination } from "../../lib/report.ts";

const refused = (host: string, port: number | undefined, count: number, reason = "not granted"): NetworkDestination => ({
  host,
  ...(port !== undefined && { port }),
  allowed: false,
  count,
  reason,
  bytesOut: 0,
  bytesIn: 0,
});

test("nothing refused (or no host grants): no line", () => {
  expect(refusedNetworkLines(undefined)).toEqual([]);
  expect(refusedNetworkLines({ destinations: [{ host: "a.test", port: 443, allowed: true, count: 3, grant: "a.test", bytesOut: 1, bytesIn: 1 }] })).toEqual([]);
});

test("refusals by count, lookups without a port, IPv6 in brackets, the rest counted, and what the report left unlisted", () => {
  const destinations = [
    refused("once.test", 80, 1),
    refused("2001:db8::1", 443, 2, "denied by [2001:db8::1]"),
    refused("many.test", undefined, 9, "lookup refused (NXDOMAIN): not granted"),
    ...Array.from({ length: 8 }, (_, i) => refused(`r${i}.test`, 22, 1)),
  ];
  const lines = refusedNetworkLines({ destinations, unlisted: 3 });
  expect(lines.slice(0, 2)).toEqual([
    "cordon: network refused lookup of many.test (9 times): lookup refused (NXDOMAIN): not granted",
    "cordon: network refused [2001:db8::1]:443 (2 times): denied by [2001:db8::1]",
  ]);
  expect(lines[2]).toBe("cordon: network refused once.test:80: not granted");
  expect(lines.length).toBe(10);
  expect(lines[8]).toBe("cordon: network refused 3 more destinations (--report lists each)");
  expect(lines[9]).toBe("cordon: 3 more network decisions past the report's 1,000 entries (not listed)");
});

test("a proxy request refused before it named a host (no port) is told as such, not as a lookup; a lookup still is, escaped as the report has it", () => {
  const lines = refusedNetworkLines({
    destinations: [refused("", undefined, 2, "not an HTTP/1.x request line"), refused("a\\x1b.test", undefined, 1, "lookup refused (NXDOMAIN): not granted")],
  });
  expect(lines).toEqual([
    "cordon: network refused a proxy request (2 times): not an HTTP/1.x request line",
    "cordon: network refused lookup of a\\x1b.test: lookup refused (NXDOMAIN): not granted",
  ]);
});

test("a reason quoting what the command sent (a proxy request head) is cut on stderr; a short one is whole", () => {
  const head = `a malformed header line: ${JSON.stringify("X".repeat(16_000))}`;
  const [long, short] = refusedNetworkLines({ destinations: [refused("", undefined, 2, head), refused("b.test", 80, 1, "not granted")] });
  expect(long!.length).toBeLessThan(300);
  expect(long).toStartWith("cordon: network refused a proxy request (2 times): a malformed header line: \"XXX");
  expect(long).toEndWith("… (cut; --report holds it whole)");
  expect(short).toBe("cordon: network refused b.test:80: not granted");
});
