// Limits when hit, on the real kernel, through the spawn spine (the child is
// born in the cgroup2 directory and joins the v1 ones before exec):
// pids → fork fails with EAGAIN; memory → OOM kill reported as "memory limit
// exceeded"; CPU time and wall clock → the whole tree killed and reported.
// Each has a twin under a looser limit that must succeed.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { SandboxCgroup } from "../../lib/backend/linux/cgroup/sandbox-cgroup.ts";
import { supervise } from "../../lib/backend/linux/cgroup/supervise.ts";
import { spawnLinux } from "../../lib/backend/linux/spawn.ts";
import { killTree, probeContainmentHost } from "../../lib/backend/linux/tree-kill.ts";
import { planContainment } from "../../lib/plan/linux/containment.ts";
import type { Limits } from "../../lib/policy/types.ts";
import { firstLine, fixtureDir, survivors, tokenEnv } from "../fixtures/tree/scan.ts";
import { trackTrees } from "../helpers/track-trees.ts";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";

const host = notLinux ? undefined : probeContainmentHost();
const cg = host?.cgroups;
const { made, tokens } = trackTrees(cg);

/** Plans `limits` for this host, makes the cgroups and runs argv in them. */
function run(argv: string[], limits: Limits) {
  const plan = planContainment({ limits, compat: "best-effort" }, host!);
  const c = SandboxCgroup.create(cg!, plan.cgroups!);
  made.push(c);
  const { token, env } = tokenEnv();
  tokens.push(token);
  const proc = spawnLinux(argv, {
    env,
    stdout: "pipe",
    stderr: "ignore",
    ...(c.cgroupFd !== undefined ? { cgroupFd: c.cgroupFd } : {}),
    cgroupProcsFds: c.cgroupProcsFds,
  });
  const sup = supervise({ cgroup: c, watch: plan.watch, killTree: () => killTree(plan.treeKill.mechanism, { cgroup: c, command: proc }), intervalMs: 10 });
  return { plan, cgroup: c, proc, token, sup };
}

const enforced = (plan: ReturnType<typeof run>["plan"], g: string) => plan.report.find((r) => r.guarantee === g)?.status === "enforced";
const noPids = !(cg?.v2?.controllers.includes("pids") || cg?.v1.pids) ? "no pids controller (v2 or v1) in a writable cgroup" : undefined;
const noMemory = !(cg?.v2?.controllers.includes("memory") || cg?.v1.memory) ? "no memory controller (v2 or v1) in a writable cgroup" : undefined;
const noKill = !(cg?.v2?.kill || cg?.v1.freezer) ? "no cgroup kill (cgroup.kill or freezer)" : undefined;

describeUnless(linuxRequirement(noPids), "pids limit", () => {
  test("a fork bomb under pids.max 10 gets EAGAIN and stays contained", async () => {
    const { plan, cgroup, proc, token } = run(["python3", join(fixtureDir, "forker.py"), "bomb", "40", "20"], { pids: 10 });
    expect(enforced(plan, "limits.pids")).toBe(true);
    const [, forked, , eagain] = (await firstLine(proc.stdout!)).split(" ").map(Number);
    expect(forked).toBe(9); // the fixture itself is the tenth
    expect(eagain).toBe(31);
    expect(cgroup.events().pidsMaxHits).toBeGreaterThan(0);
    expect(survivors(token).length).toBe(10);
    await cgroup.kill();
    expect(survivors(token)).toEqual([]);
  });

  test("twin: under pids.max 60 the same 40 forks all succeed", async () => {
    const { cgroup, proc } = run(["python3", join(fixtureDir, "forker.py"), "bomb", "40", "20"], { pids: 60 });
    expect(await firstLine(proc.stdout!)).toBe("forked 40 eagain 0");
    expect(cgroup.events().pidsMaxHits).toBe(0);
    await cgroup.kill();
  });
});

const touch = (mib: number) => ["python3", "-c", `b = b"x" * (${mib} << 20); print("touched", len(b) >> 20)`];

describeUnless(linuxRequirement(noMemory ?? noKill), "memory limit", () => {
  test("touching 256 MiB under a 64 MiB limit is an OOM kill: memory limit exceeded", async () => {
    const { plan, cgroup, proc, sup } = run(touch(256), { memory: 64 << 20 });
    expect(enforced(plan, "limits.memory")).toBe(true);
    const code = await proc.exited;
    expect(code).toBe(137);
    expect(sup.stop()).toBe("memory limit exceeded");
    expect(cgroup.events().oomKills).toBeGreaterThan(0);
  });

  test("after an OOM kill the rest of the tree is killed too, and the verdict says why", async () => {
    const script = `sleep 20 & setsid sleep 20 & python3 -c 'b = b"x" * (256 << 20)'; wait`;
    const { proc, token, sup } = run(["sh", "-c", script], { memory: 64 << 20 });
    expect(await sup.killed).toBe("memory limit exceeded");
    expect(survivors(token)).toEqual([]);
    expect(await proc.exited).toBe(137);
  });

  test("twin: touching 16 MiB under the same limit exits 0 with no verdict", async () => {
    const { cgroup, proc, sup } = run(touch(16), { memory: 64 << 20 });
    expect(await new Response(proc.stdout!).text()).toBe("touched 16\n");
    expect(await proc.exited).toBe(0);
    expect(sup.stop()).toBeUndefined();
    expect(cgroup.events().oomKills).toBe(0);
  });
});

describeUnless(linuxRequirement(noKill), "CPU time and wall clock over the whole tree", () => {
  const spin = ["sh", "-c", "timeout 20 sh -c 'while :; do :; done' & timeout 20 sh -c 'while :; do :; done' & wait"];

  test("two spinning processes pass 0.3 CPU seconds: the tree is killed, cpu limit exceeded", async () => {
    const { plan, proc, token, sup } = run(spin, { cpuSeconds: 0.3 });
    expect(plan.watch.cpuUsec).toBe(300_000);
    expect(await sup.killed).toBe("cpu limit exceeded");
    expect(survivors(token)).toEqual([]);
    expect(await proc.exited).toBe(137);
  });

  test("one spinning process stopped by RLIMIT_CPU before a poll saw it still gets the cpu verdict", async () => {
    // Polls far apart: the kernel's SIGXCPU at 0.3 s comes first.
    const plan = planContainment({ limits: { cpuSeconds: 0.3 }, compat: "best-effort" }, host!);
    const c = SandboxCgroup.create(host!.cgroups, plan.cgroups!);
    made.push(c);
    const proc = spawnLinux(["sh", "-c", "while :; do :; done"], {
      rlimits: plan.rlimits,
      ...(c.cgroupFd !== undefined ? { cgroupFd: c.cgroupFd } : {}),
      cgroupProcsFds: c.cgroupProcsFds,
    });
    const sup = supervise({ cgroup: c, watch: plan.watch, killTree: () => killTree(plan.treeKill.mechanism, { cgroup: c, command: proc }), intervalMs: 60_000 });
    expect(await proc.exited).toBe(128 + 24); // SIGXCPU
    expect(sup.stop()).toBe("cpu limit exceeded");
  });

  test("a sleeping tree passes the wall clock limit: the tree is killed, timeout", async () => {
    const { proc, token, sup } = run(["sh", "-c", "sleep 20 & setsid sleep 20 & wait"], { timeoutMs: 200 });
    expect(await sup.killed).toBe("timeout");
    expect(survivors(token)).toEqual([]);
    expect(await proc.exited).toBe(137);
  });

  test("twin: a tree that ends first gets no verdict", async () => {
    const { proc, sup } = run(["sh", "-c", "sleep 0.05 & wait"], { timeoutMs: 10_000, cpuSeconds: 5 });
    expect(await proc.exited).toBe(0);
    expect(sup.stop()).toBeUndefined();
  });
});

describeUnless(notLinux, "rlimits from the containment plan, applied by the spawn spine", () => {
  /** Runs sh -c `script` with the plan's rlimits for `limits`; returns exit code and stdout. */
  async function withRlimits(script: string, limits: Limits) {
    const plan = planContainment({ limits, compat: "best-effort" }, host!);
    const proc = spawnLinux(["sh", "-c", script], { stdout: "pipe", stderr: "pipe", rlimits: plan.rlimits });
    return { code: await proc.exited, out: await new Response(proc.stdout!).text(), signal: proc.signalCode };
  }

  test("RLIMIT_CORE is 0 and RLIMIT_NOFILE is the openFiles limit", async () => {
    const { out } = await withRlimits("ulimit -c; ulimit -n", { openFiles: 32 });
    expect(out).toBe("0\n32\n");
  });

  test("RLIMIT_FSIZE: writing past fileSize fails (EFBIG); twin: a smaller write succeeds", async () => {
    const big = await withRlimits("trap '' XFSZ; head -c 8192 /dev/zero | (f=\"$(mktemp)\"; cat > \"$f\" && echo wrote || echo refused; rm -f \"$f\")", { fileSize: 4096 });
    expect(big.out).toBe("refused\n");
    const small = await withRlimits("trap '' XFSZ; head -c 1024 /dev/zero | (f=\"$(mktemp)\"; cat > \"$f\" && echo wrote; rm -f \"$f\")", { fileSize: 4096 });
    expect(small.out).toBe("wrote\n");
  });

  test("RLIMIT_CPU: a spinning process is stopped by SIGXCPU at cpuSeconds", async () => {
    const r = await withRlimits("exec timeout 20 sh -c 'while :; do :; done'", { cpuSeconds: 1 });
    expect(r.signal).toBe("SIGXCPU");
  });
});
