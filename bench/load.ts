// Load: 1,000 fully restricted sandboxed spawns of /bin/true at concurrency 32
// (Bun.spawn the same way for the ratio): throughput, latency, and what is
// left afterwards: open fds of this process, child processes (zombies
// included), cordon cgroup directories of this pid, private TMPDIRs. Every
// "left" figure must be 0.
//   bun bench/load.ts [--json]     (BENCH_LOAD_N, BENCH_LOAD_CONCURRENCY)
import { drainSpares } from "../lib/backend/linux/cgroup/pool.ts";
import { drainNetnsPool } from "../lib/backend/linux/netns-pool.ts";
import { drainRetired } from "../lib/run-dir.ts";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCgroupMounts } from "../lib/backend/linux/cgroup/mounts.ts";
import { spawn } from "../lib/spawn.ts";
import { compile } from "../lib/spawn-compiled.ts";
import { FULL_POLICY, instrumentedSandboxSpawn } from "./spawn.ts";
import { stats, type Stats } from "./stats.ts";

const N = Number(process.env.BENCH_LOAD_N ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_LOAD_CONCURRENCY ?? 32);
const quiet = { stdin: "ignore", stdout: "ignore", stderr: "ignore" } as const;

export type LoadRun = { name: string; n: number; concurrency: number; seconds: number; perSecond: number; latency: Stats; failures: number; firstFailure?: string };
export type Leaks = { fds: string[]; children: string[]; cgroups: string[]; tmpdirs: string[] };
export type LoadPhase = { phase: string; msPerSpawn: number; median: number };
export type LoadResult = { runs: LoadRun[]; before: { fds: number; children: number }; leaks: Leaks; phases: { n: number; wallMsPerSpawn: number; rows: LoadPhase[] } };

function openFds(): Map<string, string> {
  const m = new Map<string, string>();
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      m.set(fd, require("node:fs").readlinkSync(`/proc/self/fd/${fd}`) as string);
    } catch {
      // the fd of the directory listing itself, closed by now
    }
  }
  return m;
}

/** Processes whose parent is this one: "pid state comm". */
function children(): string[] {
  const out: string[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const [state, ppid] = stat.slice(close + 2).split(" ");
      if (Number(ppid) === process.pid) out.push(`${d} ${state} ${stat.slice(stat.indexOf("(") + 1, close)}`);
    } catch {
      // gone while scanning
    }
  }
  return out;
}

/** cordon-<this pid>-* directories anywhere under the cgroup mounts of /proc/self/mountinfo. */
function cordonCgroups(): string[] {
  const prefix = `cordon-${process.pid}-`;
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const p = join(dir, e.name);
      if (e.name.startsWith(prefix)) found.push(p);
      if (depth < 8) walk(p, depth + 1);
    }
  };
  for (const m of parseCgroupMounts(readFileSync("/proc/self/mountinfo", "utf8"))) walk(m.mountPoint, 0);
  return found;
}

// The private TMPDIRs go into a temp dir of this run only, so other cordon
// users of the machine cannot be counted as leaks (made by runLoad()).
let ownTmp = "";

function tmpdirs(): Set<string> {
  return new Set(readdirSync(ownTmp));
}

async function pool(name: string, once: () => Promise<number>): Promise<LoadRun> {
  const lat: number[] = [];
  let next = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const t0 = performance.now();
  const worker = async () => {
    while (next < N) {
      next++;
      const s = performance.now();
      try {
        const code = await once();
        if (code !== 0) throw new Error(`exit ${code}`);
      } catch (e) {
        failures++;
        firstFailure ??= (e as Error).message.slice(0, 160);
      }
      lat.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  return { name, n: N, concurrency: CONCURRENCY, seconds, perSecond: N / seconds, latency: stats(lat), failures, ...(firstFailure ? { firstFailure } : {}) };
}

export async function runLoad(log: (s: string) => void = () => {}): Promise<LoadResult> {
  const callerTmp = process.env.TMPDIR;
  ownTmp = mkdtempSync(join(tmpdir(), "cordon-bench-load-"));
  process.env.TMPDIR = ownTmp;
  if (tmpdir() !== ownTmp) throw new Error("os.tmpdir() does not follow TMPDIR: cannot count private TMPDIRs");
  // Warm up both paths (library load, cgroup probe, watcher thread) before counting.
  await Bun.spawn(["/bin/true"], { stdio: ["ignore", "ignore", "ignore"] }).exited;
  await spawn(["/bin/true"], FULL_POLICY, quiet).exited;
  await Bun.sleep(50);
  const fdsBefore = openFds();
  const childrenBefore = children();
  const tmpBefore = tmpdirs();

  log(`load: Bun.spawn x${N} at ${CONCURRENCY}`);
  const runs = [await pool("Bun.spawn", () => Bun.spawn(["/bin/true"], { stdio: ["ignore", "ignore", "ignore"] }).exited)];
  log(`load: cordon spawn() fully restricted x${N} at ${CONCURRENCY}`);
  runs.push(await pool("cordon spawn(), fully restricted", () => spawn(["/bin/true"], FULL_POLICY, quiet).exited));
  // Prepared: one compiled sandbox for all, and one keeping 32 warm (refilled in the background as they are taken).
  log(`load: compile() + box.spawn() fully restricted x${N} at ${CONCURRENCY}`);
  const box = compile(FULL_POLICY);
  runs.push(await pool("cordon compile(), fully restricted, box.spawn()", () => box.spawn(["/bin/true"], quiet).exited));
  await box.close();
  log(`load: compile({ warm: ${CONCURRENCY} }) fully restricted x${N} at ${CONCURRENCY}`);
  const warm = compile(FULL_POLICY, { warm: CONCURRENCY });
  await warm.warmed();
  runs.push(await pool(`cordon compile(), fully restricted, { warm: ${CONCURRENCY} }, box.spawn()`, () => warm.spawn(["/bin/true"], quiet).exited));
  await warm.close();

  // Where the time goes under load: the sandbox's steps with a clock between them, same concurrency.
  const pn = Math.max(64, Math.floor(N / 5));
  log(`load: phase breakdown x${pn} at ${CONCURRENCY}`);
  const samples = new Map<string, number[]>();
  let left = pn;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left > 0) {
        left--;
        await instrumentedSandboxSpawn(FULL_POLICY, samples);
      }
    }),
  );
  const wallMsPerSpawn = (performance.now() - t0) / pn;
  const phases = {
    n: pn,
    wallMsPerSpawn,
    rows: [...samples].map(([phase, t]) => ({ phase, msPerSpawn: t.reduce((a, b) => a + b, 0) / t.length, median: stats(t).median })),
  };

  // Everything has settled once `exited` did; a short grace for Bun's own fds.
  await Bun.sleep(200);
  // Spare cgroup sets (empty, bounded, removed after an idle spell) are no leak: removed first, so anything left is.
  drainSpares();
  // Run directories retired at exit are removed on Bun's thread pool, and network namespaces made ahead are held
  // (as fds) until 2 s unused: both settled first, so anything left is a leak.
  await drainRetired();
  drainNetnsPool();
  Bun.gc(true);
  const fdsAfter = openFds();
  const leaks: Leaks = {
    fds: [...fdsAfter].filter(([fd, target]) => fdsBefore.get(fd) !== target).map(([fd, target]) => `${fd} -> ${target}`),
    children: children().filter((c) => !childrenBefore.includes(c)),
    cgroups: cordonCgroups(),
    tmpdirs: [...tmpdirs()].filter((n) => !tmpBefore.has(n) && statSync(join(ownTmp, n)).isDirectory()),
  };
  rmSync(ownTmp, { recursive: true, force: true });
  if (callerTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = callerTmp;
  return { runs, before: { fds: fdsBefore.size, children: childrenBefore.length }, leaks, phases };
}

export function loadMarkdown(r: LoadResult): string {
  const base = r.runs[0]!.perSecond;
  const a = ["| variant | spawns | concurrency | spawns/s | vs Bun.spawn | latency median ms | p90 ms | failures |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"];
  for (const x of r.runs) {
    a.push(`| ${x.name} | ${x.n} | ${x.concurrency} | ${x.perSecond.toFixed(0)} | ${(x.perSecond / base).toFixed(2)}× | ${x.latency.median.toFixed(2)} | ${x.latency.p90.toFixed(2)} | ${x.failures}${x.firstFailure ? ` (${x.firstFailure})` : ""} |`);
  }
  const l = r.leaks;
  const show = (xs: string[]) => (xs.length === 0 ? "0" : `**${xs.length}**: ${xs.slice(0, 5).join("; ")}${xs.length > 5 ? "; …" : ""}`);
  const b = [
    "| left after the runs | count |",
    "| --- | --- |",
    `| open fds of this process (before: ${r.before.fds}) | ${show(l.fds)} |`,
    `| child processes of this pid, zombies included (before: ${r.before.children}) | ${show(l.children)} |`,
    `| cordon-${"<pid>"}-* cgroup directories under every cgroup mount | ${show(l.cgroups)} |`,
    `| private TMPDIRs (in a temp dir of this run only) | ${show(l.tmpdirs)} |`,
  ];
  const p = r.phases;
  const c = [
    `Where the time goes at concurrency ${r.runs[1]?.concurrency ?? "?"} (${p.n} fully restricted spawns, ${p.wallMsPerSpawn.toFixed(2)} ms of wall clock per spawn). Steps that block the JS thread (everything up to and including the spawn call, and the synchronous teardown steps) add up; awaited steps overlap:`,
    "",
    "| phase | mean ms | median ms |",
    "| --- | ---: | ---: |",
    ...p.rows.map((x) => `| ${x.phase} | ${x.msPerSpawn.toFixed(2)} | ${x.median.toFixed(2)} |`),
  ];
  return `${a.join("\n")}\n\n${b.join("\n")}\n\n${c.join("\n")}`;
}

if (import.meta.main) {
  const r = await runLoad((s) => console.error(s));
  console.log(process.argv.includes("--json") ? JSON.stringify(r) : loadMarkdown(r));
  process.exit(0);
}
