// Teardown of a 100-process tree in which 45 processes double-fork and
// setsid: cordon's kill (cgroup v2 cgroup.freeze + cgroup.kill, cgroup v1
// freezer) against a bare cgroup.kill and a process-group kill. Three times
// from the start of the kill:
//   no user code: the write after which no process of the tree can run user
//     code again (cgroup.freeze, or cgroup.kill when it is the only write);
//   all SIGKILLed: cgroup.kill returned, every process has SIGKILL pending;
//   cgroup empty: the kernel finished every exit (cgroup.events populated 0,
//     waited for as cordon does). Bounded below by the tree's exit work, shown
//     as the CPU time the tree used during the kill (v2 cpu.stat).
// Survivors by a /proc scan. Then the cost of a fresh cgroup set per spawn:
// v2 directory, v1 memory (which has a long creation tail), v1 pids, and the
// set this host's plan makes for memory + pids limits.
// Run as root: bun bench/teardown.ts [--json]   (BENCH_ROUNDS, BENCH_N to change sizes)
// --json adds one last line with every number (TeardownJson) for bench/run.ts.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { probeCgroupHost } from "../lib/backend/linux/cgroup/probe.ts";
import { SandboxCgroup } from "../lib/backend/linux/cgroup/sandbox-cgroup.ts";
import { writeCgroupFile } from "../lib/backend/linux/cgroup/fs.ts";
import { spawnLinux } from "../lib/backend/linux/spawn.ts";
import { planCgroups } from "../lib/plan/linux/containment-cgroup.ts";
import type { CgroupHost } from "../lib/plan/linux/containment-host.ts";
import { firstLine, fixtureDir, reapSurvivors, survivors, tokenEnv } from "../test/fixtures/tree/scan.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const N = Number(process.env.BENCH_N ?? 200);
const host = probeCgroupHost();

const stats = (t: number[]) => {
  const s = [...t].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!, max: s[s.length - 1]! };
};
const ms = (x: number) => x.toFixed(2);

/** "python": 100 forked python processes; "sleep": each but the first execs sleep (small, quick to tear down). */
type Variant = "python" | "sleep";
let variant: Variant = "python";

async function startTree(c: SandboxCgroup) {
  const { token, env } = tokenEnv();
  const proc = spawnLinux(["python3", join(fixtureDir, "tree.py"), "100", "45", "60", ...(variant === "sleep" ? ["exec"] : [])], {
    env,
    stdout: "pipe",
    ...(c.cgroupFd !== undefined ? { cgroupFd: c.cgroupFd } : {}),
    cgroupProcsFds: c.cgroupProcsFds,
  });
  const ready = await firstLine(proc.stdout!);
  if (ready.split(" ").length !== 101) throw new Error(`tree not ready: ${ready.slice(0, 80)}`);
  return { proc, token };
}

type Times = { noUserCode: number; signalled: number; empty: number };
type Row = { method: string; noUserCode: number[]; signalled: number[]; empty: number[]; exitCpu: number[]; survivors: number[] };

/** CPU time the v2 cgroup's processes used so far, in ms (cpu.stat is a core file of every cgroup2 directory). */
function cpuMs(c: SandboxCgroup): number {
  const v2 = c.dirs.get("v2");
  const m = v2 ? /usage_usec (\d+)/.exec(readFileSync(join(v2, "cpu.stat"), "utf8")) : null;
  return m ? Number(m[1]) / 1000 : Number.NaN;
}

async function teardown(method: string, only: CgroupHost, kill: (c: SandboxCgroup, pid: number) => Promise<Times>): Promise<Row> {
  const row: Row = { method: `${method} [${variant}]`, noUserCode: [], signalled: [], empty: [], exitCpu: [], survivors: [] };
  for (let i = 0; i < ROUNDS; i++) {
    const c = SandboxCgroup.create(only, planCgroups({}, only));
    const { proc, token } = await startTree(c);
    try {
      const cpu0 = cpuMs(c);
      const t = await kill(c, proc.pid);
      row.noUserCode.push(t.noUserCode);
      row.signalled.push(t.signalled);
      row.empty.push(t.empty);
      // Only a row that waits for the empty cgroup has seen the whole exit.
      row.exitCpu.push(Number.isNaN(t.empty) ? Number.NaN : cpuMs(c) - cpu0);
      await proc.exited;
      // Let the reaper collect the killed ones, then count who still runs.
      for (let j = 0; j < 100 && survivors(token).length > 45; j++) await Bun.sleep(5);
      row.survivors.push(survivors(token).length);
    } finally {
      reapSurvivors(token);
      c.destroy();
    }
  }
  return row;
}

const rows: Row[] = [];
for (const v of ["python", "sleep"] as const) {
  variant = v;
  if (host.v2?.kill) {
    const only: CgroupHost = { v2: host.v2, v1: {}, notes: [] };
    // The same waiting for every row, so the rows differ only in how the tree is signalled.
    rows.push(
      await teardown("cgroup v2 cgroup.kill alone", only, async (c) => {
        const t0 = performance.now();
        writeCgroupFile(join(c.dirs.get("v2")!, "cgroup.kill"), "1");
        const t1 = performance.now();
        await c.emptied();
        return { noUserCode: t1 - t0, signalled: t1 - t0, empty: performance.now() - t0 };
      }),
    );
    rows.push(
      await teardown("cgroup v2 cgroup.freeze, then cgroup.kill", only, async (c) => {
        const t0 = performance.now();
        writeCgroupFile(join(c.dirs.get("v2")!, "cgroup.freeze"), "1");
        const t1 = performance.now();
        writeCgroupFile(join(c.dirs.get("v2")!, "cgroup.kill"), "1");
        const t2 = performance.now();
        await c.emptied();
        return { noUserCode: t1 - t0, signalled: t2 - t0, empty: performance.now() - t0 };
      }),
    );
    rows.push(
      await teardown("cordon kill() (v2: the two writes above, then waits)", only, async (c) => {
        const t0 = performance.now();
        // kill() returns its promise once the tree is frozen; cgroup.kill is written from the thread pool.
        const killing = c.kill();
        const t1 = performance.now();
        await killing;
        return { noUserCode: t1 - t0, signalled: Number.NaN, empty: performance.now() - t0 };
      }),
    );
  }
  if (host.v1.freezer) {
    const only: CgroupHost = { v1: { freezer: host.v1.freezer }, notes: [] };
    rows.push(
      await teardown("cgroup v1 freezer (freeze, kill, thaw)", only, async (c) => {
        const t0 = performance.now();
        await c.kill();
        return { noUserCode: Number.NaN, signalled: Number.NaN, empty: performance.now() - t0 };
      }),
    );
  }
  // The process group, with the tree also in a cgroup only so the escapees can be removed afterwards.
  const holder: CgroupHost | undefined = host.v2?.kill ? { v2: host.v2, v1: {}, notes: [] } : host.v1.freezer ? { v1: { freezer: host.v1.freezer }, notes: [] } : undefined;
  if (holder) {
    rows.push(
      await teardown("process group kill(-pgid)", holder, async (_c, pid) => {
        const t0 = performance.now();
        process.kill(-pid, "SIGKILL");
        const t = performance.now() - t0;
        return { noUserCode: Number.NaN, signalled: t, empty: Number.NaN };
      }),
    );
  }

}
console.log(`teardown of a 100-process tree with 45 setsid orphans, ${ROUNDS} rounds (ms: median / max)`);
console.log(`tree exit CPU: CPU time the tree used from the kill to empty; on ${availableParallelism()} CPUs "cgroup empty" cannot come before it / ${availableParallelism()}`);
console.log("method".padEnd(62), "no user code".padEnd(16), "all SIGKILLed".padEnd(16), "cgroup empty".padEnd(16), "tree exit CPU".padEnd(16), "survivors (each round)");
for (const r of rows) {
  const f = (t: number[]) => (t.some(Number.isNaN) ? "-" : `${ms(stats(t).median)} / ${ms(stats(t).max)}`);
  console.log(r.method.padEnd(62), f(r.noUserCode).padEnd(16), f(r.signalled).padEnd(16), f(r.empty).padEnd(16), f(r.exitCpu).padEnd(16), r.survivors.join(","));
}

// Fresh cgroup set per spawn: create (mkdir + limit files + fds) and destroy.
type Spread = { median: number; p99: number; max: number };
const creations: { set: string; create: Spread; destroy: Spread }[] = [];

function creation(name: string, only: CgroupHost, limits: Parameters<typeof planCgroups>[0]) {
  const plan = planCgroups(limits, only);
  const mk: number[] = [];
  const rm: number[] = [];
  for (let i = 0; i < N + 10; i++) {
    const t0 = performance.now();
    const c = SandboxCgroup.create(only, plan);
    const t1 = performance.now();
    c.destroy();
    const t2 = performance.now();
    if (i >= 10) {
      mk.push(t1 - t0);
      rm.push(t2 - t1);
    }
  }
  const a = stats(mk);
  const b = stats(rm);
  creations.push({ set: name, create: a, destroy: b });
  console.log(name.padEnd(42), `${ms(a.median)} / ${ms(a.p99)} / ${ms(a.max)}`.padEnd(24), `${ms(b.median)} / ${ms(b.p99)} / ${ms(b.max)}`);
}
console.log(`\nfresh cgroup set, ${N} rounds (ms: median / p99 / max)`);
console.log("set".padEnd(42), "create".padEnd(24), "destroy");
if (host.v2) creation("v2 directory (no controllers)", { v2: host.v2, v1: {}, notes: [] }, {});
if (host.v1.memory) creation("v1 memory + memory.limit_in_bytes", { v1: { memory: host.v1.memory }, notes: [] }, { memory: 64 << 20 });
if (host.v1.pids) creation("v1 pids + pids.max", { v1: { pids: host.v1.pids }, notes: [] }, { pids: 64 });
creation("this host's plan for memory + pids", host, { memory: 64 << 20, pids: 64 });

/** What --json prints: times in ms as median / max (null where a row does not measure it). */
export type TeardownJson = {
  cpus: number;
  rounds: number;
  teardown: { method: string; noUserCode: Spread | null; signalled: Spread | null; empty: Spread | null; exitCpu: Spread | null; survivors: number[] }[];
  creation: typeof creations;
};
if (process.argv.includes("--json")) {
  const col = (t: number[]) => (t.some(Number.isNaN) ? null : stats(t));
  const out: TeardownJson = {
    cpus: availableParallelism(),
    rounds: ROUNDS,
    teardown: rows.map((r) => ({ method: r.method, noUserCode: col(r.noUserCode), signalled: col(r.signalled), empty: col(r.empty), exitCpu: col(r.exitCpu), survivors: r.survivors })),
    creation: creations,
  };
  console.log(JSON.stringify(out));
}
