// `cordon probe` and `cordon probe --json`: every property P01-P24 appears
// with a host status, its evidence and the seL4 mark; on Linux the live
// mechanism probes agree with what the kernel answers directly.
// `cordon probe --compare`: the same properties per OS, marked from plans.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Comparison } from "../../lib/probe/compare.ts";
import type { HostReport } from "../../lib/probe/report.ts";
import { testUnless, notLinux } from "../helpers/skip.ts";
import { cordon, noSandbox, root } from "./helpers.ts";

const ids = Array.from({ length: 24 }, (_, i) => `P${String(i + 1).padStart(2, "0")}`);

describe("cordon probe --json", async () => {
  const r = await cordon(["probe", "--json"]);
  const report = JSON.parse(r.stdout) as HostReport;

  test("exits 0 with nothing on stderr", () => {
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });

  test("P01-P24 in order, each with a status, evidence and a seL4 mark", () => {
    expect(report.properties.map((p) => p.id as string)).toEqual(ids);
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

describe("cordon probe --compare", async () => {
  const [human, json] = await Promise.all([cordon(["probe", "--compare"]), cordon(["probe", "--compare", "--json"])]);
  const c = JSON.parse(json.stdout) as Comparison;
  const titles = ["Linux CI", "Linux runner", "Linux container", "Windows", "macOS", "FreeBSD", "OpenBSD"];

  test("--json: seL4 and every OS cordon targets, each with 24 marks and a count per OS", () => {
    expect([human.code, json.code, human.stderr + json.stderr]).toEqual([0, 0, ""]);
    expect(c.sel4.map((p) => p.id as string)).toEqual(ids);
    expect(c.hosts.map((h) => h.title)).toEqual([...(notLinux ? [] : ["Linux here"]), ...titles]);
    for (const h of c.hosts) {
      expect(h.marks.map((m) => m.id as string)).toEqual(ids);
      expect(h.counts.E! + h.counts.P! + h.counts.N!).toBe(24);
    }
  });

  test("--json: every mark follows from its rows: E has no gap, N has no enforced or partial row covering it", () => {
    for (const h of c.hosts)
      for (const m of h.marks) {
        if (m.id === "P23") continue;
        if (m.mark === "E") expect([h.title, m.id, m.gaps]).toEqual([h.title, m.id, []]);
        if (m.mark === "N") expect([h.title, m.id, m.gaps.every((g) => /no guarantee|not-enforced/.test(g))]).toEqual([h.title, m.id, true]);
        if (m.mark === "P") expect([h.title, m.id, m.gaps.length > 0]).toEqual([h.title, m.id, true]);
      }
  });

  testUnless(notLinux, "Linux here: the marks of the plan spawn() makes on this host; every row cites its assumption line", () => {
    const here = c.hosts[0]!;
    expect(here.live).toBe(true);
    const p01 = here.marks.find((m) => m.id === "P01")!;
    expect(p01.rows.map((r) => r.guarantee)).toContain("fs.read-confined");
    for (const m of here.marks) for (const r of m.rows) if (r.assumption) expect(r.assumption.line).toBeGreaterThan(0);
  });

  test("the table: one line per property with a mark per host, then a count per host", () => {
    const lines = human.stdout.split("\n");
    const header = lines.findIndex((l) => /^id\s+property\s+seL4\s+/.test(l));
    expect(lines.slice(header + 1, header + 25).map((l) => l.split(" ")[0])).toEqual(ids);
    for (const l of lines.slice(header + 1, header + 25)) expect(l).toMatch(new RegExp(`(E\\*|E|P|N)(\\s+(E|P|N)){${c.hosts.length}}$`));
    for (const h of c.hosts) expect(lines).toContain(`${h.title}: ${h.counts.E} E, ${h.counts.P} P, ${h.counts.N} N; behind seL4 on ${h.behindSel4} of 24; score ${h.score} of 48`);
  });

  test("--markdown is docs/security-model.md; it needs --compare", async () => {
    const md = await cordon(["probe", "--compare", "--markdown"]);
    expect(md.code).toBe(0);
    expect(md.stdout).toBe(readFileSync(join(root, "docs", "security-model.md"), "utf8"));
    const alone = await cordon(["probe", "--markdown"]);
    expect([alone.code, alone.stderr.trim()]).toEqual([125, "cordon: --markdown goes with --compare, without --json"]);
  });
});
