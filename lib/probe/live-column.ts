// This Linux host as a column of `cordon probe --compare`: the host model
// spawn() plans with (lib/host/linux, probed once per process), so the marks
// say what a sandbox here gets, planned for the same CI job as the described
// hosts. P23 compares it with the same kernel as root and as an ordinary user.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { planContainment } from "../plan/linux/containment.ts";
import type { AssumptionDocs } from "./assumption-lines.ts";
import { asUser, ciJob, linuxPlan, type HostColumn } from "./described.ts";
import { linuxReport, planHostOf } from "./linux-report.ts";
import type { LinuxPlanHost } from "../plan/linux/host.ts";

export async function liveLinuxColumn(): Promise<HostColumn> {
  const { linuxHostModel } = await import("../host/linux/index.ts");
  const model = linuxHostModel();
  const here = planHostOf(model);
  const root = here.containment.euid === 0;
  // As an ordinary user: user namespaces where uid 65534 could make them (tried), no cgroup (none is delegated by default).
  const user = root ? asUser(here, model.namespaces.unprivileged ? "user" : "none") : here;
  // As root: the namespaces root can make; the cgroups this process found (a non-root probe may find fewer than root would).
  const admin: LinuxPlanHost = root ? here : { sandbox: { ...here.sandbox, namespaces: "direct", procfs: true }, containment: { ...here.containment, euid: 0, pidNamespace: true } };
  const s = here.sandbox;
  return {
    key: "linux-here",
    os: "linux",
    title: "Linux here",
    host: `this host, probed: ${root ? "root" : `uid ${here.containment.euid}`}, landlock ABI ${s.landlockAbi}, seccomp ${s.seccomp ? "yes" : "no"}, namespaces ${s.namespaces}${s.procfs ? "" : " (no fresh /proc)"}, tree kill by ${treeKillHere(here)}`,
    shows: root ? "privileged" : "unprivileged",
    plan: linuxPlan,
    privileged: () => linuxReport(ciJob("linux"), admin),
    unprivileged: () => linuxReport(ciJob("linux"), user),
    live: true,
  };
}

/** The tree-kill mechanism the containment plan chooses here (its decision, not its report's words). */
function treeKillHere(host: LinuxPlanHost): string {
  return planContainment(ciJob("linux"), host.containment).treeKill.mechanism;
}

/** docs/assumptions/*.md of this checkout, when present (an installed package has no docs/). */
export function readAssumptionDocs(root: string = join(import.meta.dir, "..", "..")): AssumptionDocs {
  const docs = new Map<string, readonly string[]>();
  try {
    for (const f of readdirSync(join(root, "docs", "assumptions")).filter((n) => n.endsWith(".md")).sort()) {
      docs.set(`docs/assumptions/${f}`, readFileSync(join(root, "docs", "assumptions", f), "utf8").split("\n"));
    }
  } catch {
    // no docs here: the marks keep their rows, without assumption lines
  }
  return docs;
}
