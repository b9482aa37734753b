// How mechanism evidence turns into property statuses (lib/probe/linux.ts),
// for hosts unlike this one: no landlock, old ABIs, no namespaces, v1 only.
import { describe, expect, test } from "bun:test";
import type { Evidence, LinuxFeatures, NamespaceKind } from "../../lib/backend/linux/probe.ts";
import { assessLinux } from "../../lib/probe/linux.ts";
import { properties } from "../../lib/probe/properties.ts";

const yes: Evidence = { outcome: "yes", evidence: "seen" };
const no: Evidence = { outcome: "no", evidence: "refused" };
const allNs = (e: Evidence) => Object.fromEntries(["user", "mount", "pid", "net", "ipc", "uts", "cgroup"].map((k) => [k, e])) as Record<NamespaceKind, Evidence>;

function host(over: Partial<LinuxFeatures> & { abi?: number } = {}): LinuxFeatures {
  const abi = over.abi ?? 7;
  return {
    kernel: "test",
    root: false,
    landlock: { abi, outcome: abi > 0 ? "yes" : "no", evidence: `abi ${abi}` },
    seccomp: { actions: ["kill_process", "errno", "allow"], ...yes },
    noNewPrivs: yes,
    namespaces: allNs(yes),
    unprivilegedUserns: yes,
    cgroups: { mode: "v2", v1: {}, v2: { mount: "/sys/fs/cgroup", controllers: ["memory", "pids", "cpu"], path: "/" }, childCgroup: { v2: yes }, kill: yes },
    pidfd: yes,
    iommu: no,
    resctrl: no,
    ...over,
  };
}

describe("assessLinux", () => {
  test("rates every property, and only those", () => {
    expect(Object.keys(assessLinux(host())).sort()).toEqual(properties.map((p) => p.id));
  });

  test("a modern delegated v2 host enforces the core rows", () => {
    const r = assessLinux(host());
    for (const id of ["P01", "P02", "P03", "P04", "P05", "P08", "P09", "P10", "P11", "P13", "P14", "P18", "P20"]) expect([id, r[id]!.status]).toEqual([id, "enforced"]);
  });

  test("without landlock, seccomp or namespaces little is left", () => {
    const r = assessLinux(host({ abi: 0, seccomp: { actions: [], ...no }, namespaces: allNs(no), unprivilegedUserns: no }));
    for (const id of ["P01", "P02", "P03", "P04", "P05", "P08", "P18", "P20", "P23"]) expect([id, r[id]!.status]).toEqual([id, "not-available"]);
  });

  test("landlock ABI 2 covers paths partly; ABI 3 without namespaces leaves TCP ports and signals open", () => {
    expect(assessLinux(host({ abi: 2 })).P01!.status).toBe("partial");
    const r = assessLinux(host({ abi: 3, namespaces: allNs(no) }));
    expect(r.P01!.status).toBe("enforced");
    expect(r.P02!.status).toBe("partial");
    expect(r.P02!.evidence).toContain("no TCP port rules");
    expect(r.P04!.status).toBe("partial");
  });

  test("no cgroup.kill: a v1 freezer makes tree kill partial, nothing makes it unavailable", () => {
    const v1 = { mode: "v1" as const, v1: { freezer: "/f", memory: "/m" }, childCgroup: { freezer: yes, memory: yes }, kill: no };
    expect(assessLinux(host({ namespaces: allNs(no), cgroups: v1 })).P10!.status).toBe("partial");
    const none = { mode: "none" as const, v1: {}, childCgroup: {}, kill: no };
    const r = assessLinux(host({ namespaces: allNs(no), cgroups: none }));
    expect(r.P10!.status).toBe("not-available");
    expect(r.P11!.status).toBe("partial");
    expect(r.P11!.evidence).toContain("RLIMIT_AS");
    expect(r.P09!.status).toBe("not-available");
  });

  test("blocked unprivileged user namespaces are named in P23's evidence", () => {
    const blocked: Evidence = { outcome: "no", evidence: "unshare: Operation not permitted; apparmor_restrict_unprivileged_userns=1" };
    expect(assessLinux(host({ unprivilegedUserns: blocked })).P23!.evidence).toContain("apparmor_restrict_unprivileged_userns=1");
  });
});
