// The containment plan for each kind of host: v2 only, v1 only, mixed (v2
// for the kill, v1 for limits), none, and an unprivileged caller.
import { describe, expect, test } from "bun:test";
import { CompatError, PolicyError } from "../../lib/errors.ts";
import { planContainment, RLIMIT } from "../../lib/plan/linux/containment.ts";
import type { ContainmentHost } from "../../lib/plan/linux/containment-host.ts";
import type { Limits } from "../../lib/policy/types.ts";

const v2Full: ContainmentHost = {
  euid: 0,
  pidNamespace: true,
  cgroups: { v2: { base: "/cg/cordon", controllers: ["memory", "pids", "cpu"], kill: true, swap: true }, v1: {}, notes: [] },
};
const v1Only: ContainmentHost = {
  euid: 0,
  pidNamespace: true,
  cgroups: {
    v1: { memory: { base: "/m/cordon", memsw: true }, pids: { base: "/p/cordon" }, cpuacct: { base: "/a/cordon" }, freezer: { base: "/f/cordon" } },
    notes: ["cgroup v2: not mounted"],
  },
};
// Like the development host: a cgroup2 tree with no controllers, limits in v1.
const mixed: ContainmentHost = {
  euid: 0,
  pidNamespace: true,
  cgroups: {
    v2: { base: "/u/cordon", controllers: [], kill: true, swap: false },
    v1: { memory: { base: "/m/cordon", memsw: false }, pids: { base: "/p/cordon" }, freezer: { base: "/f/cordon" } },
    notes: ["cgroup v2: controllers memory, pids, cpu not delegated to /u/cordon"],
  },
};
const none: ContainmentHost = { euid: 0, pidNamespace: true, cgroups: { v1: {}, notes: ["cgroup v2: not mounted"] } };
const unprivileged: ContainmentHost = { euid: 1000, pidNamespace: true, cgroups: { v1: {}, notes: ["cgroup v2: no writable cgroup (/u/cordon: EACCES)"] } };
const nothing: ContainmentHost = { euid: 1000, pidNamespace: false, cgroups: { v1: {}, notes: [] } };

const all: Limits = { memory: 64 << 20, pids: 16, cpuSeconds: 2.5, timeoutMs: 1000, openFiles: 64, fileSize: 4096 };
const plan = (host: ContainmentHost, limits: Limits = all) => planContainment({ limits, compat: "best-effort" }, host);
const status = (p: ReturnType<typeof plan>, g: string) => p.report.find((r) => r.guarantee === g);

describe("containment plan", () => {
  test("v2 with delegated controllers: every limit in the v2 cgroup, killed by cgroup.kill", () => {
    const p = plan(v2Full);
    expect(p.cgroups).toMatchObject({ v2: true, v1: [], kill: "cgroup v2 cgroup.kill", cpuAccounting: "v2 cpu.stat" });
    expect(p.cgroups!.writes).toEqual([
      { hierarchy: "v2", file: "memory.max", value: String(64 << 20) },
      { hierarchy: "v2", file: "memory.swap.max", value: "0" },
      { hierarchy: "v2", file: "memory.oom.group", value: "1" },
      { hierarchy: "v2", file: "pids.max", value: "16" },
    ]);
    expect(p.treeKill.mechanism).toBe("cgroup v2 cgroup.kill");
    expect(p.report.every((r) => r.status === "enforced")).toBe(true);
    expect(p.watch).toEqual({ cpuUsec: 2_500_000, timeoutMs: 1000, oomKillsTree: false });
  });

  test("v1 only: limits in v1 hierarchies, memsw after the memory limit, the freezer kills", () => {
    const p = plan(v1Only);
    expect(p.cgroups).toMatchObject({ v2: false, v1: ["memory", "pids", "cpuacct", "freezer"], kill: "cgroup v1 freezer", cpuAccounting: "v1 cpuacct" });
    expect(p.cgroups!.writes.map((w) => w.file)).toEqual(["memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "pids.max"]);
    expect(p.treeKill.mechanism).toBe("cgroup v1 freezer");
    expect(status(p, "limits.memory")).toMatchObject({ status: "enforced", by: ["cgroup v1 memory (+memsw)"] });
    // v1 OOM kills one process; the supervisor kills the rest.
    expect(p.watch.oomKillsTree).toBe(true);
  });

  test("mixed host: v2 for placement and kill, v1 for limits, no freezer needed", () => {
    const p = plan(mixed);
    expect(p.cgroups).toMatchObject({ v2: true, v1: ["memory", "pids"], kill: "cgroup v2 cgroup.kill", cpuAccounting: "v2 cpu.stat" });
    expect(p.cgroups!.writes.map((w) => `${w.hierarchy}:${w.file}`)).toEqual(["memory:memory.limit_in_bytes", "pids:pids.max"]);
    expect(status(p, "tree.kill")).toEqual({ guarantee: "tree.kill", status: "enforced", by: ["cgroup v2 cgroup.kill"] });
    expect(status(p, "limits.pids")).toMatchObject({ status: "enforced", by: ["cgroup v1 pids"] });
    expect(status(p, "limits.memory")!.by).toEqual(["cgroup v1 memory (no swap accounting)"]);
  });

  test("no cgroups (root): pid namespace kill, memory and pids not enforced, CPU per process only", () => {
    const p = plan(none);
    expect(p.cgroups).toBeUndefined();
    expect(p.treeKill).toMatchObject({ mechanism: "pid namespace" });
    expect(p.treeKill.skipped.length).toBe(2);
    expect(p.newPidNamespace).toBe(true);
    expect(status(p, "limits.memory")!.status).toBe("not-enforced");
    expect(status(p, "limits.pids")).toMatchObject({ status: "not-enforced" });
    expect(status(p, "limits.pids")!.reason).toContain("root ignores RLIMIT_NPROC");
    expect(status(p, "limits.cpuSeconds")).toMatchObject({ status: "partial", by: ["RLIMIT_CPU"] });
    expect(p.rlimits.find((r) => r.name === "NPROC")).toBeUndefined();
  });

  test("unprivileged without a delegated cgroup: RLIMIT_NPROC stands in for pids, partially", () => {
    const p = plan(unprivileged);
    expect(p.rlimits.find((r) => r.name === "NPROC")).toEqual({ name: "NPROC", resource: RLIMIT.NPROC, soft: 16, hard: 16 });
    expect(status(p, "limits.pids")).toMatchObject({ status: "partial", by: ["RLIMIT_NPROC"] });
    expect(status(p, "limits.memory")!.reason).toContain("EACCES");
    expect(() => planContainment({ limits: all, compat: "hard" }, unprivileged)).toThrow(CompatError);
  });

  test("nothing but a process group: tree.kill and the timeout are partial, hard mode refuses even with no limits", () => {
    const p = plan(nothing, { timeoutMs: 50 });
    expect(p.treeKill.mechanism).toBe("process group");
    expect(status(p, "tree.kill")!.status).toBe("partial");
    expect(status(p, "limits.timeoutMs")!.status).toBe("partial");
    expect(() => planContainment({ limits: {}, compat: "hard" }, nothing)).toThrow(CompatError);
  });

  test("a cgroup2 tree without cgroup.kill (Linux < 5.14) falls to the freezer, then to a pid namespace", () => {
    const old = { ...mixed.cgroups.v2!, kill: false };
    const withFreezer = plan({ ...mixed, cgroups: { ...mixed.cgroups, v2: old } }, {});
    expect(withFreezer.treeKill).toEqual({ mechanism: "cgroup v1 freezer", skipped: ["cgroup v2: no cgroup.kill (Linux < 5.14)"] });
    expect(withFreezer.cgroups).toMatchObject({ v2: true, v1: ["freezer"], kill: "cgroup v1 freezer" });
    const noFreezer = plan({ ...mixed, cgroups: { v2: old, v1: {}, notes: [] } }, {});
    expect(noFreezer.treeKill.mechanism).toBe("pid namespace");
    expect(noFreezer.newPidNamespace).toBe(true);
    expect(noFreezer.cgroups!.kill).toBeUndefined();
  });

  test("hard mode runs when everything requested is enforced", () => {
    expect(planContainment({ limits: all, compat: "hard" }, v2Full).report.length).toBe(7);
    expect(planContainment({ limits: { pids: 8 }, compat: "hard" }, mixed).report.map((r) => r.guarantee)).toEqual(["tree.kill", "limits.pids"]);
  });

  test("rlimits: core 0 always, CPU soft at the limit and hard one second later, NOFILE and FSIZE as given", () => {
    const p = plan(mixed);
    expect(p.rlimits).toEqual([
      { name: "CORE", resource: 4, soft: 0, hard: 0 },
      { name: "CPU", resource: 0, soft: 3, hard: 4 },
      { name: "NOFILE", resource: 7, soft: 64, hard: 64 },
      { name: "FSIZE", resource: 1, soft: 4096, hard: 4096 },
    ]);
    expect(plan(mixed, {}).rlimits).toEqual([{ name: "CORE", resource: 4, soft: 0, hard: 0 }]);
  });

  test("a running user other than root gets RLIMIT_NPROC even when the caller is root", () => {
    const p = planContainment({ limits: { pids: 4 }, compat: "best-effort", user: { uid: 1001, gid: 1001 } }, none);
    expect(p.rlimits.some((r) => r.name === "NPROC" && r.soft === 4)).toBe(true);
  });

  test("malformed limits are PolicyErrors before anything else", () => {
    for (const limits of [{ memory: 0 }, { pids: 1.5 }, { cpuSeconds: -1 }, { timeoutMs: Number.NaN }, { fileSize: -4 }] as Limits[]) {
      expect(() => plan(v2Full, limits)).toThrow(PolicyError);
    }
  });
});
