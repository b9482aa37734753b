// The spare cgroup sets of a compiled sandbox (lib/backend/linux/cgroup/pool.ts),
// on the real kernel: a set serves the next spawn only once empty; a set a
// daemon was left in is killed and dropped; limits hold on a reused set and a
// limit one tree hit is not the next tree's; close(), process exit and the
// stale sweep after a SIGKILL leave no cgroup directory.
import { afterEach, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupStale } from "../../lib/backend/linux/cgroup/cleanup.ts";
import { CgroupPool } from "../../lib/backend/linux/cgroup/pool.ts";
import { probeCgroupHost } from "../../lib/backend/linux/cgroup/probe.ts";
import type { SandboxCgroup } from "../../lib/backend/linux/cgroup/sandbox-cgroup.ts";
import { supervise } from "../../lib/backend/linux/cgroup/supervise.ts";
import { spawnLinux } from "../../lib/backend/linux/spawn.ts";
import { killTree, probeContainmentHost } from "../../lib/backend/linux/tree-kill.ts";
import { planContainment } from "../../lib/plan/linux/containment.ts";
import { planCgroups } from "../../lib/plan/linux/containment-cgroup.ts";
import type { Limits } from "../../lib/policy/types.ts";
import { compile } from "../../lib/spawn.ts";
import { firstLine, fixtureDir, ownCgroups, reapSurvivors, survivors, tokenEnv } from "../fixtures/tree/scan.ts";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";

const host = notLinux ? undefined : probeCgroupHost();
const bases = host ? [host.v2?.base, ...Object.values(host.v1).map((h) => h?.base)].filter((b): b is string => !!b) : [];
const unmet = !(host?.v2?.controllers.includes("memory") || host?.v1.memory)
  ? "no memory controller (v2 or v1) in a writable cgroup"
  : !(host?.v2?.controllers.includes("pids") || host?.v1.pids)
    ? "no pids controller (v2 or v1) in a writable cgroup"
    : !(host?.v2?.kill || host?.v1.freezer)
      ? "no cgroup kill (cgroup.kill or freezer)"
      : undefined;

const limits: Limits = { memory: 64 << 20, pids: 8 };
const tokens: string[] = [];
const boxes: ReturnType<typeof compile>[] = [];
const owners: Bun.Subprocess[] = [];
afterEach(() => {
  for (const o of owners.splice(0)) o.kill("SIGKILL");
  for (const t of tokens.splice(0)) reapSurvivors(t);
  for (const b of boxes.splice(0)) b.close();
  cleanupStale(host!);
  expect(ownCgroups(bases)).toEqual([]);
});

function box() {
  const { token } = tokenEnv();
  tokens.push(token);
  const b = compile({ limits, env: { CORDON_TREE_TOKEN: token } });
  boxes.push(b);
  return { box: b, token };
}

/** The cordon cgroup set a running process is in, as the host sees it. */
const setOf = (pid: number) => readFileSync(`/proc/${pid}/cgroup`, "utf8").match(/cordon-\d+-\d+-[0-9a-f]+/)?.[0];

/** Starts `script` under sh in `b`, reads its set while it runs (it sleeps first), waits for it. */
async function run(b: ReturnType<typeof compile>, script: string) {
  const sub = b.spawn(["sh", "-c", `sleep 0.2; ${script}`], { stdout: "pipe", stderr: "ignore" });
  const set = setOf(sub.pid);
  const out = await new Response(sub.stdout as ReadableStream).text();
  return { set, code: await sub.exited, out: out.trim(), limit: sub.limit };
}

/** Forks 20 children that sleep 1 s; prints how many forks were refused. */
const forks = `python3 -c '
import os, time
refused = 0
for _ in range(20):
    try:
        if os.fork() == 0:
            time.sleep(1); os._exit(0)
    except BlockingIOError:
        refused += 1
print("refused", refused)
'`;
const hog = `exec python3 -c 'b = b"x" * (256 << 20)'`;

describeUnless(linuxRequirement(unmet), "spare cgroup sets of a compiled sandbox", () => {
  test("an emptied set serves the next spawn; one a process was put into while spare is killed and dropped, and the next spawn's limit holds in a fresh set", async () => {
    const { box: b, token } = box();
    const first = await run(b, "true");
    const second = await run(b, "true");
    expect(first.set).toBeDefined();
    expect(second.set).toBe(first.set);
    // A daemon the command leaves: exited settles only once it is gone.
    const daemon = await run(b, "setsid sleep 30 </dev/null >/dev/null 2>&1 & true");
    expect(daemon.code).toBe(0);
    expect(survivors(token)).toEqual([]);

    // A process written into the spare set's cgroup.procs (root can) while it waits in the pool.
    const spare = (await run(b, "true")).set!;
    const intruder = Bun.spawn(["sleep", "30"], { env: { ...process.env, CORDON_TREE_TOKEN: token } });
    writeFileSync(join(host!.v2?.base ?? host!.v1.pids!.base, spare, "cgroup.procs"), String(intruder.pid));
    const next = await run(b, forks);
    expect(next.set).toBeDefined();
    expect(next.set).not.toBe(spare);
    expect(await intruder.exited).not.toBe(0);
    expect(survivors(token)).toEqual([]);
    expect(bases.some((base) => existsSync(join(base, spare)))).toBe(false);
    expect(Number(next.out.split(" ")[1])).toBeGreaterThan(0);
  }, 20_000);

  test("a set given back with a process still in it is killed and removed, never kept", async () => {
    const pool = new CgroupPool();
    const { token, env } = tokenEnv();
    tokens.push(token);
    try {
      const cg = pool.take(host!, planCgroups(limits, host!));
      // No pid namespace here: the daemon outlives the command in the set.
      const proc = spawnLinux(["sh", "-c", "setsid sleep 30 </dev/null >/dev/null 2>&1 & true"], { env, ...(cg.cgroupFd !== undefined ? { cgroupFd: cg.cgroupFd } : {}), cgroupProcsFds: cg.cgroupProcsFds });
      expect(await proc.exited).toBe(0);
      // The daemon may still be between fork and exec (its environ unreadable for a moment): look again for up to 2 s.
      for (const end = Date.now() + 2000; survivors(token).length !== 1 && Date.now() < end; ) await Bun.sleep(20);
      expect(survivors(token).length).toBe(1);
      expect(cg.populated()).toBe(true);
      cg.release();
      expect(pool.size).toBe(0);
      expect(survivors(token)).toEqual([]);
      expect(bases.some((base) => existsSync(join(base, cg.name)))).toBe(false);
      // Twin: an emptied set is kept.
      const twin = pool.take(host!, planCgroups(limits, host!));
      expect(await spawnLinux(["true"], { ...(twin.cgroupFd !== undefined ? { cgroupFd: twin.cgroupFd } : {}), cgroupProcsFds: twin.cgroupProcsFds }).exited).toBe(0);
      await twin.emptied();
      twin.release();
      expect(pool.size).toBe(1);
    } finally {
      pool.close();
    }
  });

  test("limits hold on a reused set: the memory limit ends the tree with 137, the pids limit refuses forks", async () => {
    const { box: b } = box();
    const warm = await run(b, "true");
    const oom = await run(b, hog);
    expect(oom.set).toBe(warm.set);
    expect(oom.code).toBe(137);
    expect(oom.limit).toBe("memory limit exceeded");

    const warm2 = await run(b, "true");
    const pids = await run(b, forks);
    expect(pids.set).toBe(warm2.set);
    expect(pids.code).toBe(0);
    expect(Number(pids.out.split(" ")[1])).toBeGreaterThan(0);
    // Twin: under a looser limit the same 20 forks all succeed.
    const loose = compile({ limits: { ...limits, pids: 64 } });
    boxes.push(loose);
    await run(loose, "true");
    expect((await run(loose, forks)).out).toBe("refused 0");
  }, 20_000);

  test("a limit one tree hit is not reported for the next tree on the same set", async () => {
    const ch = probeContainmentHost();
    const plan = planContainment({ limits, compat: "best-effort" }, ch);
    const pool = new CgroupPool();
    const inSet = (cg: SandboxCgroup, argv: string[]) => spawnLinux(argv, { stdout: "ignore", stderr: "ignore", ...(cg.cgroupFd !== undefined ? { cgroupFd: cg.cgroupFd } : {}), cgroupProcsFds: cg.cgroupProcsFds });
    // The verdict each tree's exit path reports (no polling while it runs: a kill written on the OOM would retire the set).
    const verdict = (cg: SandboxCgroup) => supervise({ cgroup: cg, watch: plan.watch, killTree: () => killTree(plan.treeKill.mechanism, { cgroup: cg }) }).stop();
    try {
      const cg = pool.take(host!, plan.cgroups!);
      // Forks past pids.max (each child exits at once), then touches 256 MiB under 64: the OOM killer ends it, nothing is left.
      const script = `import os\nfor _ in range(20):\n    try:\n        pid = os.fork()\n    except BlockingIOError:\n        continue\n    if pid == 0:\n        os._exit(0)\nwhile True:\n    try:\n        os.wait()\n    except ChildProcessError:\n        break\nb = b"x" * (256 << 20)\n`;
      const first = inSet(cg, ["python3", "-c", script]);
      expect(await first.exited).toBe(137);
      await cg.emptied();
      expect(verdict(cg)).toBe("memory limit exceeded");
      expect(cg.events().oomKills).toBeGreaterThan(0);
      expect(cg.events().pidsMaxHits).toBeGreaterThan(0);
      // The OOM killer ended the only process: no kill was written, so the set may serve again.
      cg.release();
      if (pool.size === 0) throw new Error("the emptied set was not kept (a kill was written after all?)");
      const again = pool.take(host!, plan.cgroups!);
      expect(again).toBe(cg);

      const second = inSet(again, ["/bin/true"]);
      expect(await second.exited).toBe(0);
      await again.emptied();
      expect(verdict(again)).toBeUndefined();
      expect(again.events()).toEqual({ oomKills: 0, pidsMaxHits: 0 });
      again.release();
    } finally {
      pool.close();
    }
    // Through a compiled sandbox: the OOM verdict stays with the tree that hit it.
    const { box: b } = box();
    const oom = await run(b, hog);
    expect(oom.limit).toBe("memory limit exceeded");
    const next = await run(b, "true");
    expect(next.code).toBe(0);
    expect(next.limit).toBeUndefined();
  }, 20_000);

  test("close() removes every spare set; so do process exit and, after a SIGKILL, the stale sweep", async () => {
    const { box: b } = box();
    await Promise.all([0, 1, 2].map(() => run(b, "true")));
    expect(ownCgroups(bases).length).toBeGreaterThan(0);
    // A command still running at close() keeps its set until its tree is gone; then it goes too.
    const running = b.spawn(["sleep", "0.3"]);
    b.close();
    expect(ownCgroups(bases).length).toBeGreaterThan(0);
    expect(await running.exited).toBe(0);
    expect(ownCgroups(bases)).toEqual([]);

    const mine = (pid: number) => bases.flatMap((base) => ownCgroupsOf(base, pid));
    for (const mode of ["exit", "wait"]) {
      const owner = Bun.spawn([process.execPath, join(fixtureDir, "pool-owner.ts"), mode], { stdout: "pipe", stderr: "inherit" });
      owners.push(owner);
      expect(await firstLine(owner.stdout)).toBe("ready open");
      if (mode === "wait") {
        expect(mine(owner.pid).length).toBeGreaterThan(0);
        owner.kill("SIGKILL");
      }
      await owner.exited;
      if (mode === "wait") {
        expect(mine(owner.pid).length).toBeGreaterThan(0);
        const r = cleanupStale(host!);
        expect(r.failed).toEqual([]);
      }
      expect(mine(owner.pid)).toEqual([]);
    }
  }, 30_000);
});

function ownCgroupsOf(base: string, pid: number): string[] {
  try {
    return readdirSync(base).filter((n: string) => n.startsWith(`cordon-${pid}-`));
  } catch {
    return [];
  }
}
