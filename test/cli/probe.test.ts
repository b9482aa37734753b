// `cordon probe` and `cordon probe --json`: every property P01-P24 appears
// with a host status, its evidence and the seL4 mark; on Linux the live
// mechanism probes agree with what the kernel answers directly.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { HostReport } from "../../lib/probe/host-report.ts";
import { testUnless, notLinux } from "../helpers/skip.ts";
import { cordon, noSandbox } from "./helpers.ts";

const ids = Array.from({ length: 24 }, (_, i) => `P${String(i + 1).padStart(2, "0")}`);

describe("cordon probe --json", async () => {
  const r = await cordon(["probe", "--json"]);
  const report = JSON.parse(r.stdout) as HostReport;

  test("exits 0 with nothing on stderr", () => {
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });

  test("P01-P24 in order, each with a status, evidence and a seL4 mark", () => {
    expect(report.properties.map((p) => p.id)).toEqual(ids);
    for (const p of report.properties) {
      expect(["enforced", "partial", "not-available"]).toContain(p.host.status);
      expect(p.host.evidence.length).toBeGreaterThan(0);
      expect(["E*", "E", "P", "N"]).toContain(p.sel4.mark);
      expect(p.sel4.note.length).toBeGreaterThan(0);
    }
  });

  testUnless(notLinux, "Linux mechanisms: landlock ABI, seccomp actions, namespaces, cgroups, pidfd", () => {
    const l = report.features.linux!;
    expect(l.kernel).toBe(readFileSync("/proc/sys/kernel/osrelease", "utf8").trim());
    expect(Number.isInteger(l.landlock.abi)).toBe(true);
    expect(l.landlock.outcome).toBe(l.landlock.abi > 0 ? "yes" : "no");
    expect(l.seccomp.actions).toEqual(readFileSync("/proc/sys/kernel/seccomp/actions_avail", "utf8").trim().split(" "));
    expect(Object.keys(l.namespaces).sort()).toEqual(["cgroup", "ipc", "mount", "net", "pid", "user", "uts"]);
    for (const e of [...Object.values(l.namespaces), l.unprivilegedUserns, l.pidfd, l.cgroups.kill]) {
      expect(["yes", "no", "untested"]).toContain(e.outcome);
      expect(e.evidence.length).toBeGreaterThan(0);
    }
    expect(["v2", "v1", "hybrid", "none"]).toContain(l.cgroups.mode);
  });

  testUnless(notLinux, "the cgroup mode matches /proc/self/mountinfo", () => {
    const types = readFileSync("/proc/self/mountinfo", "utf8").split("\n").map((l) => l.split(" - ")[1]?.split(" ")[0]);
    const v1 = types.includes("cgroup");
    const v2 = types.includes("cgroup2");
    expect(report.features.linux!.cgroups.mode).toBe(v1 && v2 ? "hybrid" : v2 ? "v2" : v1 ? "v1" : "none");
  });

  testUnless(noSandbox, "sandboxed probes ran, none found a property broken, and their evidence leads the row", () => {
    expect(report.live.map((l) => l.id)).toEqual(["P01", "P02", "P04", "P05", "P06", "P08", "P10", "P11", "P13", "P18"]);
    for (const l of report.live) {
      expect([l.id, l.holds]).not.toEqual([l.id, false]);
      if (l.holds !== undefined) expect(report.properties.find((p) => p.id === l.id)!.host.evidence.startsWith(l.evidence)).toBe(true);
    }
    expect(report.live.find((l) => l.id === "P01")!.holds).toBe(true);
  });

  testUnless(notLinux, "P01's status follows the landlock ABI the kernel reports", () => {
    const abi = report.features.linux!.landlock.abi;
    const p01 = report.properties.find((p) => p.id === "P01")!;
    expect(p01.host.status).toBe(abi >= 3 ? "enforced" : abi > 0 ? "partial" : "not-available");
  });
});

test("cordon probe prints a table: mechanisms, then P01-P24 beside seL4", async () => {
  const r = await cordon(["probe"]);
  expect(r.code).toBe(0);
  const lines = r.stdout.split("\n");
  expect(lines[0]).toMatch(/^cordon probe: /);
  const header = lines.findIndex((l) => /^id\s+property\s+this host\s+seL4\s+evidence here$/.test(l));
  expect(header).toBeGreaterThan(0);
  expect(lines.slice(header + 1, header + 25).map((l) => l.split(" ")[0])).toEqual(ids);
  for (const l of lines.slice(header + 1, header + 25)) expect(l).toMatch(/ (enforced|partial|not-available) +(E\*|E|P|N) /);
});
