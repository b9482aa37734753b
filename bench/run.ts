// The benchmark suite in one command (scripts/bench.sh installs the peers
// first). Every section runs in its own Bun process, one after the other, so
// a section's fds, threads and filters never touch another's figures:
//   1. spawn-to-exit of /bin/true: Bun.spawn, cordon, bwrap, firejail, srt  (bench/spawn.ts)
//   2. teardown of a 100-process tree with 45 setsid orphans                (bench/teardown.ts, bench/sandbox-teardown.ts)
//   3. seccomp: compile, install and per-syscall cost                       (bench/seccomp-cost.ts, bench/seccomp.ts if present)
//   4. FFI: hot call cost, RSS added by loading cordon                      (bench/ffi.ts)
//   5. load: 1,000 sandboxed spawns at concurrency 32, and what is left     (bench/load.ts)
// Writes bench/results/<YYYY-MM-DD>.md (UTC date) and prints it; --quick and
// --only runs write to the temp dir instead, unless --out says where.
//   bun bench/run.ts [--quick] [--only=spawn,teardown,seccomp,ffi,load] [--out=FILE]
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FfiResult } from "./ffi.ts";
import { ffiMarkdown } from "./ffi.ts";
import type { LoadResult } from "./load.ts";
import { loadMarkdown } from "./load.ts";
import { peerVersions } from "./peers/index.ts";
import type { SandboxTeardownRow } from "./sandbox-teardown.ts";
import { sandboxTeardownMarkdown } from "./sandbox-teardown.ts";
import type { SeccompResult } from "./seccomp-cost.ts";
import { seccompMarkdown } from "./seccomp-cost.ts";
import type { SpawnResult } from "./spawn.ts";
import { ablationMarkdown, phasesMarkdown, spawnMarkdown } from "./spawn.ts";
import { machineLine } from "./stats.ts";

const root = join(import.meta.dir, "..");
const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const outArg = process.argv.find((a) => a.startsWith("--out="))?.slice(6);
const want = (s: string) => !only || only.includes(s);

/** Knobs of each section; --quick is for trying the runner, not for figures. */
const env: Record<string, string> = quick
  ? { BENCH_ROUNDS: "4", BENCH_N: "30", BENCH_LOAD_N: "200", BENCH_SECCOMP_BYTES: "50000" }
  : { BENCH_ROUNDS: "30", BENCH_N: "100", BENCH_LOAD_N: "1000", BENCH_SECCOMP_BYTES: "300000" };
const teardownRounds = quick ? "3" : "10";
env.BENCH_TEARDOWN_ROUNDS = teardownRounds;

type Ran = { ok: true; stdout: string; seconds: number } | { ok: false; why: string };

/** Runs one section in its own Bun process; progress (stderr) goes through. */
async function section(file: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Ran> {
  const t0 = performance.now();
  console.error(`== bun bench/${file} ${args.join(" ")}`);
  const p = Bun.spawn([process.execPath, join(import.meta.dir, file), ...args], {
    cwd: root,
    env: { ...process.env, ...env, ...extraEnv },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const [stdout, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) return { ok: false, why: `bench/${file} exited ${code}${stdout.trim() ? `: ${stdout.trim().split("\n").slice(-1)[0]}` : ""}` };
  return { ok: true, stdout, seconds };
}

function json<T>(r: Ran): T | undefined {
  if (!r.ok) return undefined;
  const line = r.stdout.trim().split("\n").slice(-1)[0] ?? "";
  return JSON.parse(line) as T;
}

const notRun = (r: Ran) => (r.ok ? "" : `not run: ${r.why}`);

// Teardown rows of bench/teardown.ts: "method [variant]   no user code   all SIGKILLed   cgroup empty   tree exit CPU   survivors".
type TeardownRow = { method: string; noUserCode: string; signalled: string; empty: string; exitCpu: string; survivors: number[] };
function parseTeardown(text: string): TeardownRow[] {
  const rows: TeardownRow[] = [];
  const col = "(-|[\\d.]+ \\/ [\\d.]+)";
  const re = new RegExp(`^(.+?\\])\\s+${col}\\s+${col}\\s+${col}\\s+${col}\\s+([\\d,]+)\\s*$`);
  for (const line of text.split("\n")) {
    const m = re.exec(line);
    if (m) rows.push({ method: m[1]!, noUserCode: m[2]!, signalled: m[3]!, empty: m[4]!, exitCpu: m[5]!, survivors: m[6]!.split(",").map(Number) });
  }
  return rows;
}

const started = new Date();
const machine = machineLine();
const versions = peerVersions();
console.error(machine);

const spawnRan = want("spawn") ? await section("spawn.ts", ["--json"]) : undefined;
const teardownRan = want("teardown") ? await section("teardown.ts", [], { BENCH_ROUNDS: teardownRounds }) : undefined;
const sandboxTeardownRan = want("teardown") ? await section("sandbox-teardown.ts", ["--json"]) : undefined;
const seccompRan = want("seccomp") ? await section("seccomp-cost.ts", ["--json"]) : undefined;
// bench/seccomp.ts keeps its own sizes (BENCH_ROUNDS default 15 there).
const seccompOther = want("seccomp") && existsSync(join(import.meta.dir, "seccomp.ts")) ? await section("seccomp.ts", [], { BENCH_ROUNDS: quick ? "3" : "15" }) : undefined;
const ffiRan = want("ffi") ? await section("ffi.ts", ["--json"]) : undefined;
const loadRan = want("load") ? await section("load.ts", ["--json"]) : undefined;

const spawnR = spawnRan && json<SpawnResult>(spawnRan);
const seccompR = seccompRan && json<SeccompResult>(seccompRan);
const ffiR = ffiRan && json<FfiResult>(ffiRan);
const loadR = loadRan && json<LoadResult>(loadRan);
const sandboxTeardown = sandboxTeardownRan && json<SandboxTeardownRow[]>(sandboxTeardownRan);
const teardownRows = teardownRan?.ok ? parseTeardown(teardownRan.stdout) : [];

// ---- the summary: goals against what this run measured
const md: string[] = [];
const date = started.toISOString().slice(0, 10);
md.push(`# cordon benchmarks, ${date}`, "");
md.push(`Machine: ${machine}.`, "");
md.push(`Peers: ${Object.entries(versions).map(([k, v]) => `${k} ${v.replace(/^\S+ (version )?/, "")}`).join(", ") || "none found"}.`, "");
md.push(
  "Medians over interleaved rounds, ratios to `Bun.spawn` of the same run. Absolute times drift on this kind of machine " +
    "(and other work shared its 2 cores during the run), so compare ratios. Command: `bash scripts/bench.sh`. " +
    "How to read the figures, and their spread over several runs: `bench/results/notes.md`.",
  "",
);

const row = (name: string) => spawnR?.rows.find((r) => r.name.startsWith(name));
const base = spawnR?.rows[0]?.stats?.median ?? Number.NaN;
const r = (name: string) => (row(name)?.stats?.median ?? Number.NaN) / base;
const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : "–");
const verdict = (ok: boolean | undefined) => (ok === undefined ? "–" : ok ? "met" : "**not met**");
const pgid = teardownRows.filter((t) => t.method.startsWith("process group"));
const leaks = loadR ? Object.values(loadR.leaks).reduce((n, l) => n + l.length, 0) : undefined;
const median = (col: string) => Number(col.split(" / ")[0]);

md.push("## Summary", "");
md.push("| goal | measured | verdict |", "| --- | --- | --- |");
if (spawnR) {
  md.push(`| cordon unrestricted ≤ 1.05× Bun.spawn | ${x(r("cordon bare spawnLinux (formerly spine), unrestricted"))} | ${verdict(r("cordon bare spawnLinux (formerly spine), unrestricted") <= 1.05)} |`);
  md.push(`| cordon fully restricted ≤ 1.3× Bun.spawn | ${x(r("cordon spawn(), fully restricted"))} (default policy, no limits: ${x(r("cordon spawn(), default policy"))}) | ${verdict(r("cordon spawn(), fully restricted") <= 1.3)} |`);
  const bw = r("bwrap (--ro-bind / /");
  if (Number.isFinite(bw)) {
    const full = r("cordon spawn(), fully restricted");
    md.push(`| (peer) bubblewrap --unshare-all, full binds | ${x(bw)}; cordon fully restricted takes ${x(full / bw)} of its time | ${full < bw ? "cordon faster" : "bubblewrap faster"} |`);
  }
}
// Two clocks, both reported: "no user code" (the tree can no longer act) and "tree gone" (the kernel finished every exit, bounded by the tree's exit CPU).
for (const t of teardownRows.filter((t) => !t.method.startsWith("process group"))) {
  const s = Math.max(...t.survivors);
  const parts = [
    t.noUserCode === "-" ? "" : `no user code after ${t.noUserCode} ms`,
    t.signalled === "-" ? "" : `all SIGKILLed after ${t.signalled} ms`,
    t.empty === "-" ? "" : `cgroup empty after ${t.empty} ms`,
    t.exitCpu === "-" ? "" : `tree exit CPU ${t.exitCpu} ms`,
  ].filter(Boolean);
  md.push(`| teardown ≤ 5 ms, 0 survivors: ${t.method} | ${parts.join(", ")} (median / max), survivors ${s} | no user code: ${verdict(t.noUserCode === "-" ? undefined : median(t.noUserCode) <= 5 && s === 0)}; tree gone: ${verdict(t.empty === "-" ? undefined : median(t.empty) <= 5 && s === 0)} |`);
}
for (const t of sandboxTeardown ?? []) {
  if ("notRun" in t) md.push(`| teardown through the sandbox: ${t.variant} | not run: ${t.notRun} | – |`);
  else {
    const s = Math.max(...t.survivors);
    md.push(
      `| teardown ≤ 5 ms, 0 survivors: ${t.variant} | kill() returned (tree frozen) after ${t.killReturned.median.toFixed(2)} / ${t.killReturned.max.toFixed(2)} ms, exited (tree gone) after ${t.killToExited.median.toFixed(2)} / ${t.killToExited.max.toFixed(2)} ms (median / max), survivors ${s} | no user code: ${verdict(t.killReturned.median <= 5 && s === 0)}; tree gone: ${verdict(t.killToExited.median <= 5 && s === 0)} |`,
    );
  }
}
for (const t of pgid) md.push(`| (peer) ${t.method} | signalled in ${t.signalled} ms, survivors ${t.survivors.join(",")} | leaves the 45 orphans |`);
if (loadR) md.push(`| 0 leaks after ${loadR.runs[1]?.n ?? "?"} sandboxed spawns at concurrency ${loadR.runs[1]?.concurrency ?? "?"} | ${leaks} left (fds ${loadR.leaks.fds.length}, processes ${loadR.leaks.children.length}, cgroups ${loadR.leaks.cgroups.length}, TMPDIRs ${loadR.leaks.tmpdirs.length}) | ${verdict(leaks === 0)} |`);
md.push("");

if (spawnR) {
  md.push("## 1. Spawn-to-exit of /bin/true from Bun", "");
  md.push(spawnMarkdown(spawnR), "");
  md.push(
    "Peers are started with `Bun.spawn` as a Bun user would; sandbox-runtime's library is initialised once (its proxies listen on loopback only, no domain allowed) and its wrap runs in an empty scratch directory; its CLI runs under `node`, its declared runtime. Fully restricted means `spawn([\"/bin/true\"], { limits: { memory, pids, openFiles, fileSize } })`, which enforces here:",
    "",
  );
  for (const g of spawnR.guarantees) md.push(`- ${g}`);
  md.push("", "### Where the fully restricted spawn's time goes", "");
  md.push("The steps of `lib/backend/linux/sandbox.ts` one by one, with a clock between them:", "");
  md.push(phasesMarkdown(spawnR), "");
  md.push("The child-side mechanisms one at a time through the bare spawnLinux (all interleaved):", "");
  md.push(ablationMarkdown(spawnR), "");
} else if (spawnRan) md.push("## 1. Spawn-to-exit", "", notRun(spawnRan), "");

if (teardownRan) {
  md.push("## 2. Teardown of a 100-process tree with 45 setsid double-forked orphans", "");
  if (teardownRan.ok) {
    md.push("`bench/teardown.ts`: `python` = 100 python processes, `sleep` = each but the first execs `sleep`. \"no user code\": the write after which no process of the tree runs user code again (cgroup.freeze; cgroup.kill when alone); \"all SIGKILLed\": cgroup.kill returned; \"cgroup empty\": the kernel finished every exit, which cannot come before the tree's exit CPU divided by the CPUs.", "");
    md.push("```", teardownRan.stdout.trim(), "```", "");
  } else md.push(notRun(teardownRan), "");
  if (sandboxTeardownRan) {
    md.push("`bench/sandbox-teardown.ts`: the same tree started by `spawn()` in the full sandbox (pid namespace, fresh cgroup set), then `kill()`; timed until kill() returns (the tree is frozen) and until `exited` settles (the tree is gone and its cgroups are removed).", "");
    md.push(sandboxTeardown ? sandboxTeardownMarkdown(sandboxTeardown) : notRun(sandboxTeardownRan), "");
  }
}

if (seccompRan) {
  md.push("## 3. seccomp: install and per-syscall cost of cordon's presets against a linear filter", "");
  if (seccompOther) {
    md.push("`bench/seccomp.ts` (timed inside the child by a small Zig loop):", "");
    md.push(seccompOther.ok ? seccompOther.stdout.trim() : notRun(seccompOther), "");
  }
  md.push("`bench/seccomp-cost.ts` (a second view: compile time in TypeScript, and the child's CPU time for whole programs, /bin/true and `dd bs=1`):", "");
  md.push(seccompR ? seccompMarkdown(seccompR) : notRun(seccompRan), "");
}

if (ffiRan) {
  md.push("## 4. FFI: hot calls and memory", "");
  md.push(ffiR ? ffiMarkdown(ffiR) : notRun(ffiRan), "");
}

if (loadRan) {
  md.push("## 5. Load: sandboxed spawns at concurrency", "");
  md.push(loadR ? loadMarkdown(loadR) : notRun(loadRan), "");
}

const minutes = ((Date.now() - started.getTime()) / 60000).toFixed(1);
md.push(`Run took ${minutes} min${quick ? " (--quick: small sizes, not for figures)" : ""}.`, "");

// No paths of the machine that ran it.
const text = md
  .join("\n")
  .replaceAll(root + "/", "")
  .replaceAll(root, ".")
  .replaceAll(tmpdir(), "$TMPDIR");

// Only a full run replaces the dated results file; --quick and --only write to the temp dir.
const out = outArg ?? (quick || only ? join(tmpdir(), `cordon-bench-${date}${quick ? "-quick" : ""}.md`) : join(import.meta.dir, "results", `${date}.md`));
mkdirSync(join(out, ".."), { recursive: true });
writeFileSync(`${out}.tmp`, text);
renameSync(`${out}.tmp`, out);
console.log(text);
console.error(`written: ${out.replace(root + "/", "")}`);
