// The guarantee registry (lib/guarantees/registry.ts) knows every id a plan
// reports: the planners are run over many policies and described hosts, and
// the plan and backend sources are scanned for ids written in them. A new id
// fails here with the exact entry to add.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import { properties } from "../../lib/guarantees/properties.ts";
import { GUARANTEES, guaranteeIds, type GuaranteeInfo } from "../../lib/guarantees/registry.ts";
import { planDarwin } from "../../lib/plan/darwin/index.ts";
import { planFreebsd } from "../../lib/plan/freebsd/index.ts";
import type { CgroupHost } from "../../lib/plan/linux/containment-host.ts";
import { planOpenbsd } from "../../lib/plan/openbsd/index.ts";
import { planWindows } from "../../lib/plan/windows/index.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";
import { linuxReport } from "../../lib/probe/linux-report.ts";
import type { GuaranteeReport } from "../../lib/report.ts";

const root = join(import.meta.dir, "..", "..");

const nets: ResolvedPolicy["net"][] = ["none", "all", { connect: [443], bind: [8080] }];
const limits = { memory: 2 ** 30, pids: 64, cpuSeconds: 30, timeoutMs: 60_000, openFiles: 256, fileSize: 2 ** 20 };

function policy(net: ResolvedPolicy["net"], win = false, user = false): ResolvedPolicy {
  return {
    // With carve-outs beneath the write grant, so the planners report those rows too.
    fs: win
      ? { read: ["C:\\src"], write: ["C:\\out"], denyRead: ["C:\\out\\.env"], denyWrite: ["C:\\out\\keep"], protected: ["C:\\out\\.git\\hooks"] }
      : { read: ["/usr", "/src"], write: ["/out"], denyRead: ["/out/.env"], denyWrite: ["/out/keep"], protected: ["/out/.git/hooks"] },
    env: {},
    cwd: win ? "C:\\src" : "/src",
    net,
    limits,
    compat: "best-effort",
    ...(user ? { user: { uid: 2000, gid: 2000 } } : {}),
  };
}

const cgroupHosts: CgroupHost[] = [
  { v1: {}, notes: ["none"] },
  { v2: { base: "/sys/fs/cgroup/cordon", controllers: ["memory", "pids", "cpu"], kill: true, swap: true }, v1: {}, notes: [] },
  { v2: { base: "/u/cordon", controllers: [], kill: false, swap: false }, v1: { memory: { base: "/m" }, pids: { base: "/p" }, cpuacct: { base: "/c" }, freezer: { base: "/f" } }, notes: [] },
];

/** Every report the planners give over the matrix, labelled with where it came from. */
function reports(): { where: string; report: readonly GuaranteeReport[] }[] {
  const out: { where: string; report: readonly GuaranteeReport[] }[] = [];
  for (const net of nets) {
    const n = JSON.stringify(net);
    for (const landlockAbi of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      for (const seccomp of [true, false])
        for (const namespaces of ["direct", "user", "none"] as const)
          for (const [ci, cgroups] of cgroupHosts.entries())
            for (const euid of [0, 1000]) {
              const host = { sandbox: { arch: "x86_64" as const, seccomp, landlockAbi, namespaces, procfs: namespaces !== "none", netns: namespaces !== "none", capabilities: euid === 0 }, containment: { cgroups, euid, pidNamespace: namespaces !== "none" } };
              out.push({ where: `linuxReport net=${n} abi=${landlockAbi} seccomp=${seccomp} ns=${namespaces} cgroups#${ci} euid=${euid}`, report: linuxReport(policy(net), host) });
            }
    out.push({ where: `linuxReport net=${n} arch=unknown`, report: linuxReport(policy(net), { sandbox: { arch: undefined, seccomp: true, landlockAbi: 7, namespaces: "direct", procfs: true, netns: true, capabilities: true }, containment: { cgroups: cgroupHosts[1]!, euid: 0, pidNamespace: true } }) });
    for (const user of [false, true]) {
      for (const enclosingSandbox of [undefined, "nested"]) {
        out.push({ where: `planDarwin net=${n} user=${user} nested=${enclosingSandbox}`, report: planDarwin(policy(net, false, user), { callerUid: 501, ...(enclosingSandbox ? { enclosingSandbox } : {}) }).report });
      }
      for (const root of [false, true]) for (const racct of [false, true]) out.push({ where: `planFreebsd net=${n} user=${user} root=${root} racct=${racct}`, report: planFreebsd(policy(net, false, user), { root, racct, callerUid: 1001 }).report });
      out.push({ where: `planOpenbsd net=${n} user=${user}`, report: planOpenbsd(policy(net, false, user), 1000).report });
    }
    for (const identity of ["appcontainer", "account", "low-integrity"] as const)
      for (const elevated of [false, true])
        for (const wine of [undefined, "8.0"])
          out.push({
            where: `planWindows net=${n} identity=${identity} elevated=${elevated} wine=${wine}`,
            report: planWindows(policy(net, true), { elevated, ...(wine ? { wine } : {}) }, { identity, cpuRatePercent: 50, noChildProcesses: true }).report,
          });
  }
  // Host grants (net.hosts): with and without a network namespace, with and without seccomp.
  const egress = { hosts: [{ kind: "name" as const, host: "registry.npmjs.org", port: 443 }], deny: [] };
  for (const netns of [true, false])
    for (const seccomp of [true, false]) {
      const host = { sandbox: { arch: "x86_64" as const, seccomp, landlockAbi: 7, namespaces: "user" as const, procfs: true, netns, capabilities: false }, containment: { cgroups: cgroupHosts[1]!, euid: 1000, pidNamespace: true } };
      out.push({ where: `linuxReport hosts netns=${netns} seccomp=${seccomp}`, report: linuxReport({ ...policy("none"), egress }, host) });
    }
  return out;
}

/** Ids written in plan and backend sources: `guarantee: "x"`, `guarantee === "x"`, and first arguments of helpers taking `guarantee: string`. */
function idsInSources(): { id: string; file: string }[] {
  const files = [...new Glob("lib/{plan,backend}/**/*.ts").scanSync({ cwd: root })].sort();
  const id = String.raw`"([a-z]+\.[a-zA-Z-]+)"`;
  const out: { id: string; file: string }[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8");
    const helpers = [...text.matchAll(/(?:function\s+(\w+)\s*\(|const\s+(\w+)\s*=\s*\()\s*guarantee\s*:\s*string/g)].map((m) => m[1] ?? m[2]!);
    const patterns = [
      new RegExp(String.raw`guarantee\s*(?::|===?)\s*${id}`, "g"),
      new RegExp(String.raw`guarantee\s*:\s*[^,}\n]*\?\s*${id}\s*:\s*${id}`, "g"),
      ...helpers.map((h) => new RegExp(String.raw`\b${h}\(\s*${id}`, "g")),
    ];
    for (const re of patterns) for (const m of text.matchAll(re)) for (const g of m.slice(1)) if (g) out.push({ id: g, file });
  }
  return out;
}

const hint = (id: string, where: string) =>
  `add "${id}" to GUARANTEES in lib/guarantees/registry.ts — { family: "${id.split(".")[0]}", meaning: "<one line: what holds when it is enforced>", covers: { <P-id>: [<aspects of lib/guarantees/properties.ts>] } } — reported by ${where}`;

describe("guarantee registry", () => {
  const all = reports();

  test("every guarantee id the planners report, over many policies and hosts, is registered", () => {
    const missing = new Map<string, string>();
    for (const { where, report } of all) for (const g of report) if (!(g.guarantee in GUARANTEES) && !missing.has(g.guarantee)) missing.set(g.guarantee, where);
    expect([...missing].map(([id, where]) => hint(id, where))).toEqual([]);
  });

  test("every guarantee id written in lib/plan and lib/backend is registered (source scan)", () => {
    const found = idsInSources();
    expect(found.length).toBeGreaterThan(40);
    const missing = found.filter((f) => !(f.id in GUARANTEES));
    expect([...new Map(missing.map((m) => [m.id, hint(m.id, m.file)])).values()]).toEqual([]);
  });

  test("every registered id is reported by some planner (no stale entries)", () => {
    const reported = new Set(all.flatMap(({ report }) => report.map((g) => g.guarantee)));
    expect(guaranteeIds.filter((id) => !reported.has(id)).map((id) => `"${id}" is registered but no planner reports it: remove it or add the planner case to this test`)).toEqual([]);
  });

  test("each entry: its family is its id's prefix, one line of meaning, and links only to aspects its properties have", () => {
    const problems: string[] = [];
    for (const id of guaranteeIds) {
      const g: GuaranteeInfo = GUARANTEES[id];
      if (g.family !== id.split(".")[0]) problems.push(`${id}: family ${g.family}`);
      if (!g.meaning || g.meaning.includes("\n")) problems.push(`${id}: meaning`);
      for (const links of [g.covers, g.partly ?? {}])
        for (const [p, aspects] of Object.entries(links)) {
          const prop = properties.find((x) => x.id === p);
          for (const a of aspects as readonly string[]) if (!(prop?.aspects as readonly string[] | undefined)?.includes(a)) problems.push(`${id}: ${p} has no aspect "${a}"`);
        }
    }
    expect(problems).toEqual([]);
  });

});
