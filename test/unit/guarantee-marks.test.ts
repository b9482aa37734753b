// How plan reports turn into the marks E/P/N of P01-P24 (lib/guarantees/marks.ts):
// the rule on hand-made reports, then Linux hosts unlike this one planned by
// the real planners (no landlock, old ABIs, no namespaces, no cgroups).
import { describe, expect, test } from "bun:test";
import { markProperties, type Mark } from "../../lib/guarantees/marks.ts";
import { properties, type PropertyId } from "../../lib/guarantees/properties.ts";
import { ciJob } from "../../lib/probe/described.ts";
import { linuxReport } from "../../lib/probe/linux-report.ts";
import type { LinuxPlanHost } from "../../lib/plan/linux/host.ts";
import type { Enforcement, GuaranteeId, GuaranteeReport } from "../../lib/report.ts";

const row = (guarantee: GuaranteeId, status: Enforcement = "enforced"): GuaranteeReport => ({ guarantee, status, by: status === "not-enforced" ? [] : ["test"] });
const marksOf = (report: GuaranteeReport[], unprivileged = report) => markProperties(report, { privileged: report, unprivileged });
const mark = (report: GuaranteeReport[], id: PropertyId) => marksOf(report).find((m) => m.id === id)!.mark;

describe("the rule", () => {
  test("every property is marked, in order, and an empty report marks nothing but P23 (nothing to lose)", () => {
    const m = marksOf([]);
    expect(m.map((x) => x.id as string)).toEqual(properties.map((p) => p.id));
    expect(m.filter((x) => x.mark !== "N").map((x) => x.id as string)).toEqual(["P23"]);
  });

  test("E only when every aspect is enforced: reads and writes without execution is P01 P", () => {
    expect(mark([row("fs.read-confined"), row("fs.write-confined")], "P01")).toBe("P");
    expect(mark([row("fs.read-confined"), row("fs.write-confined"), row("fs.exec-confined")], "P01")).toBe("E");
    expect(mark([row("fs.outside-invisible")], "P01")).toBe("E");
  });

  test("an aspect takes the best covering row: a partial TCP pair beside an enforced net.none is still E", () => {
    expect(mark([row("net.tcp-connect-confined", "partial"), row("net.none")], "P02")).toBe("E");
    expect(mark([row("net.tcp-connect-confined", "partial")], "P02")).toBe("P");
  });

  test("rows reported not enforced count for nothing", () => {
    expect(mark([row("fs.read-confined", "not-enforced"), row("fs.write-confined", "not-enforced"), row("fs.exec-confined", "not-enforced")], "P01")).toBe("N");
  });

  test("a guarantee that covers an aspect only partly gives P at most, however enforced", () => {
    expect(mark([row("fs.ioctl-dev-confined")], "P07")).toBe("P");
    expect(mark([row("kernel.surface-reduced"), row("proc.mitigations")], "P20")).toBe("E");
    expect(mark([row("proc.mitigations")], "P20")).toBe("P");
  });

  test("ids the registry does not know contribute nothing", () => {
    // A report read back from JSON may carry anything.
    expect(mark([row("fs.read-everything-confined" as GuaranteeId)], "P01")).toBe("N");
  });

  test("P23: E when privilege changes nothing in P01-P11, P when something is lost, N when nothing is left", () => {
    const full = [row("fs.read-confined"), row("fs.write-confined"), row("fs.exec-confined"), row("tree.kill"), row("limits.memory")];
    const p23 = (unprivileged: GuaranteeReport[]) => markProperties(full, { privileged: full, unprivileged }).find((m) => m.id === "P23")!;
    expect(p23(full).mark).toBe("E");
    const lost = p23(full.filter((r) => r.guarantee !== "limits.memory"));
    expect(lost.mark).toBe("P");
    expect(lost.lostWithoutPrivilege).toEqual([{ id: "P11", privileged: "E", unprivileged: "N" }]);
    expect(p23([]).mark).toBe("N");
  });
});

describe("Linux hosts, planned by the real planners", () => {
  const full: LinuxPlanHost = {
    sandbox: { arch: "x86_64", seccomp: true, landlockAbi: 7, namespaces: "direct", procfs: true, netns: true, capabilities: true },
    containment: { cgroups: { v2: { base: "/sys/fs/cgroup/cordon", controllers: ["memory", "pids", "cpu"], kill: true, swap: true }, v1: {}, notes: [] }, euid: 0, pidNamespace: true },
  };
  const weak = (sandbox: Partial<LinuxPlanHost["sandbox"]>, cgroups = full.containment.cgroups): LinuxPlanHost => ({ sandbox: { ...full.sandbox, ...sandbox }, containment: { ...full.containment, cgroups } });
  const marks = (host: LinuxPlanHost) => Object.fromEntries(markProperties(linuxReport(ciJob("linux"), host), { privileged: linuxReport(ciJob("linux"), host), unprivileged: linuxReport(ciJob("linux"), host) }).map((m) => [m.id, m.mark])) as Record<PropertyId, Mark>;
  const pick = (m: Record<PropertyId, Mark>, ids: PropertyId[]) => ids.map((id) => `${id} ${m[id]}`);

  test("a modern delegated v2 host enforces the core rows", () => {
    const core: PropertyId[] = ["P01", "P02", "P03", "P04", "P05", "P08", "P09", "P10", "P11", "P18", "P20"];
    expect(pick(marks(full), core)).toEqual(core.map((id) => `${id} E`));
  });

  test("without landlock, seccomp or namespaces the confinement rows are N", () => {
    const m = marks(weak({ landlockAbi: 0, seccomp: false, namespaces: "none", procfs: false }));
    const gone: PropertyId[] = ["P01", "P02", "P03", "P04", "P05", "P08", "P18", "P20"];
    expect(pick(m, gone)).toEqual(gone.map((id) => `${id} N`));
  });

  test("landlock ABI 2 alone covers paths partly (truncate unchecked), a private root fully; ABI 3 without namespaces leaves signals open", () => {
    expect(marks(weak({ landlockAbi: 2, namespaces: "none", procfs: false })).P01).toBe("P");
    expect(marks(weak({ landlockAbi: 2 })).P01).toBe("E"); // a private root holds only the grants
    const m = marks(weak({ landlockAbi: 3, namespaces: "none", procfs: false }));
    expect(m.P01).toBe("E");
    expect(m.P04).toBe("P");
  });

  test("without a writable cgroup and a pid namespace the tree kill and the memory bound fall", () => {
    const m = marks(weak({ namespaces: "none", procfs: false }, { v1: {}, notes: ["none"] }));
    expect(pick(m, ["P09", "P10", "P11"])).toEqual(["P09 P", "P10 P", "P11 N"]);
    const freezer = marks(weak({ namespaces: "none", procfs: false }, { v1: { freezer: { base: "/f" } }, notes: [] }));
    expect(pick(freezer, ["P09", "P10"])).toEqual(["P09 E", "P10 E"]);
  });
});
