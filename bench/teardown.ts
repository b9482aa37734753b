// Teardown of a 100-process tree in which 45 processes double-fork and
// setsid: cordon's kill (cgroup v2 cgroup.kill, cgroup v1 freezer) against a
// process-group kill. Time from the kill to "signals delivered" and to "cgroup
// empty", and survivors by a /proc scan. Then the cost of a fresh cgroup set
// per spawn: v2 directory, v1 memory (which has a long creation tail), v1
// pids, and the set this host's plan makes for memory + pids limits.
// Run as root: bun bench/teardown.ts   (BENCH_ROUNDS, BENCH_N to change sizes)
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

type Row = { method: string; signalled: number[]; empty: number[]; survivors: number[] };

async function teardown(method: string, only: CgroupHost, kill: (c: SandboxCgroup, pid: number) => Promise<{ signalled: number; empty: number }>): Promise<Row> {
  const row: Row = { method: `${method} [${variant}]`, signalled: [], empty: [], survivors: [] };
  for (let i = 0; i < ROUNDS; i++) {
    const c = SandboxCgroup.create(only, planCgroups({}, only));
    const { proc, token } = await startTree(c);
    try {
      const t = await kill(c, proc.pid);
      row.signalled.push(t.signalled);
      row.empty.push(t.empty);
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
    rows.push(
      await teardown("cgroup v2 cgroup.kill", only, async (c) => {
        const t0 = performance.now();
        writeCgroupFile(join(c.dirs.get("v2")!, "cgroup.kill"), "1");
        const t1 = performance.now();
        while (c.populated()) await null;
        return { signalled: t1 - t0, empty: performance.now() - t0 };
      }),
    );
    rows.push(
      await teardown("cordon kill() (v2, with its waiting)", only, async (c) => {
        const t0 = performance.now();
        await c.kill();
        const t = performance.now() - t0;
        return { signalled: Number.NaN, empty: t };
      }),
    );
  }
  if (host.v1.freezer) {
    const only: CgroupHost = { v1: { freezer: host.v1.freezer }, notes: [] };
    rows.push(
      await teardown("cgroup v1 freezer (freeze, kill, thaw)", only, async (c) => {
        const t0 = performance.now();
        await c.kill();
        return { signalled: Number.NaN, empty: performance.now() - t0 };
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
        return { signalled: performance.now() - t0, empty: Number.NaN };
      }),
    );
  }

}
console.log(`teardown of a 100-process tree with 45 setsid orphans, ${ROUNDS} rounds (ms: median / max)`);
console.log("method".padEnd(52), "signalled".padEnd(16), "cgroup empty".padEnd(16), "survivors (each round)");
for (const r of rows) {
  const f = (t: number[]) => (t.some(Number.isNaN) ? "-" : `${ms(stats(t).median)} / ${ms(stats(t).max)}`);
  console.log(r.method.padEnd(52), f(r.signalled).padEnd(16), f(r.empty).padEnd(16), r.survivors.join(","));
}

// Fresh cgroup set per spawn: create (mkdir + limit files + fds) and destroy.
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
  console.log(name.padEnd(42), `${ms(a.median)} / ${ms(a.p99)} / ${ms(a.max)}`.padEnd(24), `${ms(b.median)} / ${ms(b.p99)} / ${ms(b.max)}`);
}
console.log(`\nfresh cgroup set, ${N} rounds (ms: median / p99 / max)`);
console.log("set".padEnd(42), "create".padEnd(24), "destroy");
if (host.v2) creation("v2 directory (no controllers)", { v2: host.v2, v1: {}, notes: [] }, {});
if (host.v1.memory) creation("v1 memory + memory.limit_in_bytes", { v1: { memory: host.v1.memory }, notes: [] }, { memory: 64 << 20 });
if (host.v1.pids) creation("v1 pids + pids.max", { v1: { pids: host.v1.pids }, notes: [] }, { pids: 64 });
creation("this host's plan for memory + pids", host, { memory: 64 << 20, pids: 64 });
