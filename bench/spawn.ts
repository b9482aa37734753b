// Spawn-to-exit of /bin/true from Bun, median over many spawns, in one run:
// Bun.spawn vs cordon's spawn spine (unrestricted, then with every child-side
// restriction the spine applies by itself: new session, no_new_privs,
// pdeathsig, rlimits). Ratios against Bun.spawn; absolute times drift here.
import { spawnLinux } from "../lib/backend/linux/spawn.ts";

const N = Number(process.env.BENCH_N ?? 400);

async function measure(name: string, once: () => Promise<unknown>): Promise<{ name: string; median: number; p90: number }> {
  for (let i = 0; i < 20; i++) await once(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await once();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { name, median: t[Math.floor(N / 2)]!, p90: t[Math.floor(N * 0.9)]! };
}

const rows = [];
// Interleave rounds so drift hits every variant alike.
const variants: [string, () => Promise<unknown>][] = [
  ["Bun.spawn", () => Bun.spawn(["/bin/true"], { stdio: ["ignore", "ignore", "ignore"] }).exited],
  ["cordon spawnLinux (no restrictions)", () => spawnLinux(["/bin/true"], { stdin: "ignore", stdout: "ignore", stderr: "ignore", newSession: false, noNewPrivs: false, parentDeathSignal: 0 }).exited],
  [
    "cordon spawnLinux (session, nnp, pdeathsig, rlimits)",
    () =>
      spawnLinux(["/bin/true"], {
        stdin: "ignore",
        stdout: "ignore",
        stderr: "ignore",
        rlimits: [
          { resource: 4, soft: 0, hard: 0 }, // RLIMIT_CORE
          { resource: 7, soft: 1024, hard: 1024 }, // RLIMIT_NOFILE
        ],
      }).exited,
  ],
];
for (const [name, fn] of variants) rows.push(await measure(name, fn));
const base = rows[0]!.median;
console.log(`| variant | median ms | p90 ms | ratio to Bun.spawn |\n| --- | --- | --- | --- |`);
for (const r of rows) console.log(`| ${r.name} | ${r.median.toFixed(3)} | ${r.p90.toFixed(3)} | ${(r.median / base).toFixed(2)}× |`);
