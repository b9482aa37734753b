// The Windows report speaks the same vocabulary as the others: every
// guarantee id the Windows plan can report is one a Linux, macOS, FreeBSD or
// OpenBSD plan also reports (same meaning), or is listed once, with its
// meaning, in lib/plan/windows/guarantees.ts.
import { describe, expect, test } from "bun:test";
import { darwinReport } from "../../lib/plan/darwin/report.ts";
import { freebsdReport } from "../../lib/plan/freebsd/report.ts";
import { planContainment } from "../../lib/plan/linux/containment.ts";
import { planSandbox } from "../../lib/plan/linux/sandbox.ts";
import { openbsdReport } from "../../lib/plan/openbsd/report.ts";
import { planWindows, windowsOnlyGuarantees, type WindowsHost, type WindowsOptions } from "../../lib/plan/windows/index.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";

const limits = { memory: 1 << 28, pids: 8, cpuSeconds: 2, timeoutMs: 1000, openFiles: 64, fileSize: 1 << 20 };
const nets: ResolvedPolicy["net"][] = ["none", "all", { connect: [443], bind: [8080] }];
const policies: ResolvedPolicy[] = nets.map((net) => ({ fs: { read: ["/r"], write: ["/w"] }, env: {}, cwd: "/", net, limits, compat: "best-effort" }));

/** Every id the other platforms' plans report, over every network mode and host variant. */
function othersIds(): Set<string> {
  const ids = new Set<string>();
  const add = (rows: readonly { guarantee: string }[]) => rows.forEach((g) => ids.add(g.guarantee));
  for (const p of policies) {
    for (const user of [undefined, { uid: 1000, gid: 1000 }]) {
      const q = { ...p, ...(user ? { user } : {}) };
      add(darwinReport(q, { callerUid: 0 }));
      add(freebsdReport(q, { root: true, racct: true, callerUid: 0 }));
      add(openbsdReport(q, user !== undefined));
      for (const seccomp of [true, false]) {
        for (const namespaces of ["direct", "none"] as const) {
          add(planSandbox(q, { arch: "x86_64", seccomp, landlockAbi: 7, namespaces, procfs: namespaces !== "none", netns: namespaces !== "none", capabilities: true }).report);
        }
      }
      const cgroups = { v2: { base: "/sys/fs/cgroup/x", controllers: ["memory", "pids", "cpu"] as const, kill: true, swap: true }, v1: {}, notes: [] };
      add(planContainment(q, { cgroups, euid: 0, pidNamespace: true }).report);
    }
  }
  return ids;
}

/** Every id the Windows plan can report: every network mode, identity, host kind and option. */
function windowsIds(): Set<string> {
  const ids = new Set<string>();
  const hosts: WindowsHost[] = [{ elevated: false }, { elevated: true }, { elevated: true, wine: "8.0" }];
  const options: WindowsOptions[] = [{}, { identity: "account", name: "a" }, { identity: "low-integrity" }, { cpuRatePercent: 50, noChildProcesses: true, mitigations: "strict" }];
  for (const p of policies) for (const host of hosts) for (const o of options) planWindows(p, host, o).report.forEach((g) => ids.add(g.guarantee));
  return ids;
}

describe("windows guarantee ids", () => {
  test("every id the Windows plan reports is shared with another platform or listed as Windows-only", () => {
    const others = othersIds();
    const unknown = [...windowsIds()].filter((id) => !others.has(id) && !(id in windowsOnlyGuarantees));
    expect(unknown).toEqual([]);
  });

  test("the Windows-only list names only ids no other platform uses, and each one the Windows plan reports", () => {
    const others = othersIds();
    const windows = windowsIds();
    for (const [id, meaning] of Object.entries(windowsOnlyGuarantees)) {
      expect({ id, shared: others.has(id) }).toEqual({ id, shared: false });
      expect({ id, reported: windows.has(id) }).toEqual({ id, reported: true });
      expect(meaning.length).toBeGreaterThan(20);
    }
  });

  test("per-port rules use the TCP ids the other platforms use, never a Windows spelling", () => {
    const windows = windowsIds();
    for (const id of ["net.tcp-connect-confined", "net.tcp-bind-confined", "net.udp-closed"]) expect(windows.has(id)).toBe(true);
    expect(windows.has("net.ports")).toBe(false);
  });
});
