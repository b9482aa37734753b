// `cordon probe [--json]`: what this host can enforce, with the evidence, and
// each property beside what seL4 offers. --json prints the HostReport.
import type { Evidence, LinuxFeatures } from "../backend/linux/probe.ts";
import { hostReport, type HostReport } from "../probe/host-report.ts";

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (i === r.length - 1 ? 0 : r[i]!.length))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd());
}

function mechanisms(l: LinuxFeatures): string[][] {
  const row = (name: string, e: Evidence) => [name, e.outcome, e.evidence];
  return [
    ["mechanism", "here", "evidence"],
    row("landlock", l.landlock),
    row("seccomp", l.seccomp),
    row("no_new_privs", l.noNewPrivs),
    ...Object.entries(l.namespaces).map(([k, e]) => row(`${k} namespace`, e)),
    row("unprivileged userns", l.unprivilegedUserns),
    ["cgroups", l.cgroups.mode, [
      Object.keys(l.cgroups.v1).length ? `v1: ${Object.keys(l.cgroups.v1).join(",")}` : "",
      l.cgroups.v2 ? `v2 at ${l.cgroups.v2.mount}: ${l.cgroups.v2.controllers.join(",") || "no controllers"}` : "",
    ].filter(Boolean).join("; ")],
    ...Object.entries(l.cgroups.childCgroup).map(([h, e]) => row(`child cgroup ${h}`, e)),
    row("cgroup.kill", l.cgroups.kill),
    row("pidfd", l.pidfd),
    row("iommu", l.iommu),
    row("resctrl", l.resctrl),
  ];
}

export function renderHostReport(r: HostReport): string {
  const f = r.features;
  const lines = [`cordon probe: ${f.platform}, native ${f.native}${f.linux ? `, kernel ${f.linux.kernel}${f.linux.root ? ", root" : ""}` : ""}`, ""];
  if (f.linux) lines.push(...table(mechanisms(f.linux)), "");
  lines.push(
    ...table([
      ["id", "property", "this host", "seL4", "evidence here"],
      ...r.properties.map((p) => [p.id, p.title, p.host.status, p.sel4.mark, p.host.evidence]),
    ]),
  );
  lines.push("", "seL4 marks: E* enforced and proven (verified configurations), E enforced, P partial, N none.");
  if (f.settings?.length) {
    lines.push("", "host settings (how far a sandbox here can be trusted):");
    lines.push(...table([["setting", "value", "status", "recommended", "what cordon does"], ...f.settings.map((s) => [s.setting, s.value ?? "-", s.status, s.recommended, s.cordon])]));
    lines.push(...f.settings.filter((s) => s.status === "weak" || s.status === "absent").map((s) => `  ${s.setting}: ${s.meaning}`));
  }
  return lines.join("\n");
}

export async function probe(opts: { json: boolean }): Promise<number> {
  const report = await hostReport();
  console.log(opts.json ? JSON.stringify(report, null, 2) : renderHostReport(report));
  return 0;
}
