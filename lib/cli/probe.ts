// `cordon probe [--json]`: what this host can enforce, with the evidence, and
// each property beside what seL4 offers. --json prints the HostReport.
// `cordon probe --compare [--json | --markdown]`: P01-P24 for seL4, this host
// and every OS cordon targets (lib/probe/compare.ts); --markdown is
// docs/security-model.md (described hosts only, no live probe).
import type { Evidence, LinuxFeatures } from "../probe/linux-features.ts";
import { compareHosts, type Comparison } from "../probe/compare.ts";
import { renderSecurityModel } from "../probe/compare-markdown.ts";
import { describedColumns } from "../probe/described.ts";
import { hostReport, type HostReport } from "../probe/report.ts";
import { liveLinuxColumn, readAssumptionDocs } from "../probe/live-column.ts";

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

const counted = (c: Readonly<Record<string, number>>) => Object.entries(c).map(([k, n]) => `${n} ${k}`).join(", ");

export function renderComparison(c: Comparison): string {
  const hosts = c.hosts;
  const lines = ["cordon probe --compare: P01-P24 beside seL4, each host's mark computed from its plan's report through the guarantee registry", `the job: ${c.policy}`, ""];
  lines.push(
    ...table([
      ["id", "property", "seL4", ...hosts.map((h) => h.title)],
      ...c.sel4.map((p) => [p.id, p.title, p.mark, ...hosts.map((h) => h.marks.find((m) => m.id === p.id)!.mark)]),
    ]),
    "",
    `seL4: ${counted(c.sel4Counts)} (score ${c.sel4Score} of 48)`,
    ...hosts.map((h) => `${h.title}: ${counted(h.counts)}; behind seL4 on ${h.behindSel4} of 24; score ${h.score} of 48`),
    "",
    ...hosts.map((h) => `${h.title}${h.live ? " (probed)" : ""}: ${h.host}`),
    "",
    "marks: E every aspect of the property enforced by the host's plan, P some, N none (seL4: E* also proven).",
    "--json lists the guarantee rows and assumption lines behind every mark; docs/security-model.md explains the rule.",
  );
  return lines.join("\n");
}

export async function probe(opts: { json: boolean; compare?: boolean; markdown?: boolean }): Promise<number> {
  if (opts.markdown && (!opts.compare || opts.json)) throw new TypeError("--markdown goes with --compare, without --json");
  if (opts.compare) {
    const docs = readAssumptionDocs();
    const live = process.platform === "linux" && !opts.markdown ? [await liveLinuxColumn()] : [];
    const c = compareHosts([...live, ...describedColumns], docs);
    console.log(opts.markdown ? renderSecurityModel(c) : opts.json ? JSON.stringify(c, null, 2) : renderComparison(c));
    return 0;
  }
  const report = await hostReport();
  console.log(opts.json ? JSON.stringify(report, null, 2) : renderHostReport(report));
  return 0;
}
