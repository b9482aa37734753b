// The tree-kill ladder on the real kernel: a 100-process tree in which 45
// processes double-fork and setsid. Each cgroup rung leaves 0 survivors (a
// /proc scan for the tree's token); process-group kill, the last rung, leaves
// the setsid orphans alive, which is why it is reported as partial.
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SandboxCgroup } from "../../lib/backend/linux/cgroup/sandbox-cgroup.ts";
import { spawnLinux, type LinuxSubprocess } from "../../lib/backend/linux/spawn.ts";
import { killTree, probeContainmentHost, signalTree } from "../../lib/backend/linux/tree-kill.ts";
import { planCgroups } from "../../lib/plan/linux/containment-cgroup.ts";
import type { CgroupHost } from "../../lib/plan/linux/containment-host.ts";
import { firstLine, fixtureDir, survivors, tokenEnv } from "../fixtures/tree/scan.ts";
import { trackTrees } from "../helpers/track-trees.ts";
import { describeUnless, linuxRequirement, notLinux, testUnless } from "../helpers/skip.ts";

const CLONE_NEWPID = 0x20000000;
const host = notLinux ? undefined : probeContainmentHost();
const cg = host?.cgroups;
const { made, tokens } = trackTrees(cg);

/** Starts the 100/45 tree with `opts`; resolves once every process exists. */
async function startTree(opts: Parameters<typeof spawnLinux>[1] = {}): Promise<{ proc: LinuxSubprocess; token: string; reported: number }> {
  const { token, env } = tokenEnv();
  tokens.push(token);
  const proc = spawnLinux(["python3", join(fixtureDir, "tree.py"), "100", "45", "60"], { ...opts, env, stdout: "pipe" });
  const line = await firstLine(proc.stdout!);
  return { proc, token, reported: line.split(" ").length - 1 };
}

/** A cgroup set for the tree (v2 only, or v1 only with freezer), made from the probed host. */
function sandbox(only: "v2" | "v1"): SandboxCgroup {
  const h: CgroupHost = only === "v2" ? { v1: {}, v2: cg!.v2!, notes: [] } : { v1: cg!.v1, notes: [] };
  const c = SandboxCgroup.create(h, planCgroups({}, h));
  made.push(c);
  return c;
}

const noV2Kill = !cg?.v2?.kill ? "no writable cgroup2 directory with cgroup.kill" : undefined;
const noFreezer = !cg?.v1.freezer ? "no writable cgroup v1 freezer" : undefined;
const noPids = !(cg?.v2?.controllers.includes("pids") || cg?.v1.pids) ? "no pids controller to bound the spreading tree" : undefined;
const notRoot = process.geteuid?.() !== 0 ? "pid namespace without a user namespace needs root" : undefined;

describeUnless(linuxRequirement(noV2Kill), "cgroup v2 cgroup.kill rung", () => {
  test("kills a 100-process tree with 45 setsid orphans: 0 survivors", async () => {
    const c = sandbox("v2");
    const { proc, token, reported } = await startTree({ cgroupFd: c.cgroupFd! });
    expect(reported).toBe(100);
    expect(survivors(token).length).toBe(100);
    expect(c.pids().length).toBe(100);
    await killTree("cgroup v2 cgroup.kill", { cgroup: c });
    expect(survivors(token)).toEqual([]);
    expect(c.populated()).toBe(false);
    expect(await proc.exited).toBe(137);
  });

  test("signalTree freezes and kills without waiting; emptied() waits for the kernel: 0 survivors", async () => {
    const c = sandbox("v2");
    const { proc, token, reported } = await startTree({ cgroupFd: c.cgroupFd! });
    expect(reported).toBe(100);
    await signalTree("cgroup v2 cgroup.kill", { cgroup: c });
    // The freeze stops every task before its next user instruction; the kill ends them.
    expect(readFileSync(join(c.dirs.get("v2")!, "cgroup.freeze"), "utf8").trim()).toBe("1");
    await c.emptied();
    expect(c.populated()).toBe(false);
    expect(survivors(token)).toEqual([]);
    expect(await proc.exited).toBe(137);
  });

  test("the kill of a tree that already exited writes nothing: a child born into the cgroup afterwards runs", async () => {
    const c = sandbox("v2");
    expect(await spawnLinux(["/bin/true"], { cgroupFd: c.cgroupFd! }).exited).toBe(0);
    expect(c.populated()).toBe(false);
    await killTree("cgroup v2 cgroup.kill", { cgroup: c });
    expect(readFileSync(join(c.dirs.get("v2")!, "cgroup.freeze"), "utf8").trim()).toBe("0");
    // Some kernels SIGKILL a child born (CLONE_INTO_CGROUP) into a cgroup that once had cgroup.kill written.
    expect(await spawnLinux(["/bin/true"], { cgroupFd: c.cgroupFd! }).exited).toBe(0);
  });

  // The spreading tree is bounded by a pids limit, so it needs a pids controller (v2 or v1).
  testUnless(linuxRequirement(noPids), "kills a tree that keeps forking and setsid-ing during the kill: 0 survivors", async () => {
    const h: CgroupHost = { v1: cg!.v1.pids ? { pids: cg!.v1.pids } : {}, v2: cg!.v2!, notes: [] };
    const plan = planCgroups({ pids: 64 }, h);
    expect(plan.writes.some((w) => w.file === "pids.max")).toBe(true);
    const c = SandboxCgroup.create(h, plan);
    made.push(c);
    const { token, env } = tokenEnv();
    tokens.push(token);
    const proc = spawnLinux(["python3", join(fixtureDir, "forker.py"), "spread", "20"], { env, stdout: "pipe", cgroupFd: c.cgroupFd!, cgroupProcsFds: c.cgroupProcsFds });
    expect(await firstLine(proc.stdout!)).toBe("spreading");
    await Bun.sleep(100);
    expect(survivors(token).length).toBeGreaterThan(1);
    await c.kill();
    expect(survivors(token)).toEqual([]);
    await proc.exited;
  });
});

describeUnless(linuxRequirement(noFreezer), "cgroup v1 freezer rung", () => {
  test("freezes, kills and thaws a 100-process tree with 45 setsid orphans: 0 survivors", async () => {
    const c = sandbox("v1");
    expect(c.killMechanism).toBe("cgroup v1 freezer");
    const { proc, token, reported } = await startTree({ cgroupProcsFds: c.cgroupProcsFds });
    expect(reported).toBe(100);
    expect(survivors(token).length).toBe(100);
    await killTree("cgroup v1 freezer", { cgroup: c });
    expect(survivors(token)).toEqual([]);
    expect(await proc.exited).toBe(137);
  });
});

/**
 * A process that holds `pid` (a pid reaped a moment ago): ns_last_pid is set
 * just below it, then sleepers are started until one gets it (another process
 * of the host may take it first). Writing ns_last_pid needs root.
 */
function occupy(pid: number): ReturnType<typeof Bun.spawn> | undefined {
  for (let i = 0; i < 200; i++) {
    writeFileSync("/proc/sys/kernel/ns_last_pid", String(pid - 1));
    const p = Bun.spawn(["sleep", "30"], { stdout: "ignore", stderr: "ignore" });
    if (p.pid === pid) return p;
    p.kill("SIGKILL");
  }
  return undefined;
}

describeUnless(linuxRequirement(notRoot), "pid namespace rung", () => {
  test("the command is pid 1 of its namespace; killing it leaves 0 survivors", async () => {
    const { proc, token, reported } = await startTree({ cloneNamespaces: CLONE_NEWPID });
    expect(reported).toBe(100);
    expect(survivors(token).length).toBe(100);
    await killTree("pid namespace", { command: proc });
    expect(survivors(token)).toEqual([]);
    expect(await proc.exited).toBe(137);
  });

  test("a tree whose exit was reported is never signalled by number: the process now holding its reaped pid survives the kill", async () => {
    // Cgroups are not used here: this is the rung a host without them relies on.
    const proc = spawnLinux(["true"], { cloneNamespaces: CLONE_NEWPID });
    expect(await proc.exited).toBe(0);
    const decoy = occupy(proc.pid);
    if (!decoy) throw new Error(`pid ${proc.pid} could not be reused (the host took it first 200 times)`);
    try {
      // The sandbox runs this after every exit (the tree may have left processes behind).
      await killTree("pid namespace", { command: proc });
      await signalTree("pid namespace", { command: proc });
      await Bun.sleep(50);
      expect(decoy.exitCode).toBeNull();
      expect(decoy.signalCode).toBeNull();
      expect(decoy.killed).toBe(false);
    } finally {
      decoy.kill("SIGKILL");
    }
  });
});

describeUnless(linuxRequirement(noV2Kill ?? noFreezer), "process group rung (last resort)", () => {
  test("kills the group but every setsid orphan survives it", async () => {
    // The tree also sits in a cgroup, only so the escaped orphans can be removed afterwards.
    const c = sandbox(cg?.v2?.kill ? "v2" : "v1");
    const { proc, token } = await startTree(c.cgroupFd !== undefined ? { cgroupFd: c.cgroupFd } : { cgroupProcsFds: c.cgroupProcsFds });
    await killTree("process group", { command: proc });
    // The group is gone; wait until its members are reaped, then count who is left.
    for (let i = 0; i < 200 && survivors(token).length > 45; i++) await Bun.sleep(5);
    expect(survivors(token).length).toBe(45);
    await c.kill();
    expect(survivors(token)).toEqual([]);
  });
});
