// What --explain and cordon learn cost on file-heavy jobs, against the same
// sandboxed run without them: a make + cc build of 24 files, a Python import
// of many standard modules, and cat over every zoneinfo file. Rounds
// interleave the variants (plain, explain, learn) so drift hits each alike.
//   bun bench/explain.ts [--rounds=N] [--json]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Observations } from "../lib/denials/learn.ts";
import type { Policy } from "../lib/policy/types.ts";
import { spawn, type SpawnOptions } from "../lib/spawn.ts";
import { machineLine, stats, type Stats } from "./stats.ts";

const rounds = Number(process.argv.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 7);

type Job = { name: string; argv: string[]; policy: Policy; before?: () => void };

function ccProject(): { dir: string; job: Job } {
  const dir = mkdtempSync(join(tmpdir(), "cordon-bench-cc-"));
  const objs: string[] = [];
  for (let i = 0; i < 24; i++) {
    writeFileSync(join(dir, `f${i}.c`), `#include <stdio.h>\n#include <string.h>\n#include <stdlib.h>\nint f${i}(int x) { char b[32]; snprintf(b, sizeof b, "%d", x); return (int)strlen(b) + ${i}; }\n`);
    objs.push(`f${i}.o`);
  }
  writeFileSync(join(dir, "main.c"), "int main(void) { return 0; }\n");
  writeFileSync(join(dir, "Makefile"), `app: main.o ${objs.join(" ")}\n\tcc -o app main.o ${objs.join(" ")}\n%.o: %.c\n\tcc -O1 -c $< -o $@\n`);
  const clean = () => {
    for (const o of [...objs, "main.o", "app"]) rmSync(join(dir, o), { force: true });
  };
  return { dir, job: { name: "make + cc, 25 files", argv: ["/usr/bin/make", "-s", "-C", dir], policy: { fs: { write: [dir] } }, before: clean } };
}

const jobs: Job[] = [];
const cc = Bun.which("cc") && Bun.which("make") ? ccProject() : undefined;
if (cc) jobs.push(cc.job);
if (Bun.which("python3", { PATH: "/usr/bin" }))
  jobs.push({ name: "python3: import 12 stdlib packages", argv: ["/usr/bin/python3", "-c", "import json, email.parser, http.client, xml.dom.minidom, asyncio, sqlite3, unittest, decimal, argparse, logging, csv, zipfile"], policy: {} });
jobs.push({ name: "cat every /usr/share/zoneinfo file", argv: ["/bin/sh", "-c", "find /usr/share/zoneinfo -type f -exec cat {} + > /dev/null"], policy: {} });

type Variant = "plain" | "explain" | "learn";
const variants: Variant[] = ["plain", "explain", "learn"];

async function once(job: Job, v: Variant): Promise<{ ms: number; calls: number }> {
  job.before?.();
  const obs = new Observations();
  const opts: SpawnOptions = { stdin: "ignore", stdout: "ignore", stderr: "ignore", ...(v === "explain" ? { explain: true } : {}), ...(v === "learn" ? { onCall: (c) => obs.add(c) } : {}) };
  const t0 = performance.now();
  const p = spawn(job.argv, { ...job.policy, compat: "best-effort" }, opts);
  const code = await p.exited;
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`${job.name} (${v}) exited ${code}`);
  return { ms, calls: obs.calls };
}

export type ExplainBenchRow = { job: string; variant: Variant; ms: Stats; ratio: number; calls: number };

export async function runExplainBench(): Promise<ExplainBenchRow[]> {
  const rows: ExplainBenchRow[] = [];
  for (const job of jobs) {
    await once(job, "plain"); // warm caches
    const samples: Record<Variant, number[]> = { plain: [], explain: [], learn: [] };
    let calls = 0;
    for (let r = 0; r < rounds; r++) {
      for (const v of variants) {
        const s = await once(job, v);
        samples[v].push(s.ms);
        if (v === "learn") calls = s.calls;
      }
    }
    const base = stats(samples.plain).median;
    for (const v of variants) rows.push({ job: job.name, variant: v, ms: stats(samples[v]), ratio: stats(samples[v]).median / base, calls: v === "learn" ? calls : 0 });
  }
  if (cc) rmSync(cc.dir, { recursive: true, force: true });
  return rows;
}

export function explainMarkdown(rows: readonly ExplainBenchRow[]): string {
  const lines = [
    "| job | variant | median ms | p90 ms | × plain | calls recorded |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => `| ${r.job} | ${r.variant} | ${r.ms.median.toFixed(1)} | ${r.ms.p90.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.variant === "learn" ? r.calls : ""} |`),
  ];
  return lines.join("\n");
}

if (import.meta.main) {
  mkdirSync(tmpdir(), { recursive: true });
  const rows = await runExplainBench();
  if (process.argv.includes("--json")) console.log(JSON.stringify(rows, null, 2));
  else console.log(`${machineLine()}\n\n${rounds} interleaved rounds per variant\n\n${explainMarkdown(rows)}`);
}
