// The cgroup probe on the real host: it finds the hierarchies and the
// caller's own cgroup in them, leaves no probe cgroup behind, the spawn spine
// places a child in the fresh cgroup set, and an unprivileged caller without
// a delegated cgroup gets a report of what is missing (hard mode refuses).
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { chownSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseOwnCgroups } from "../../lib/backend/linux/cgroup/mounts.ts";
import { probeCgroupHost } from "../../lib/backend/linux/cgroup/probe.ts";
import { drainSpares } from "../../lib/backend/linux/cgroup/pool.ts";
import { SandboxCgroup } from "../../lib/backend/linux/cgroup/sandbox-cgroup.ts";
import { spawnLinux } from "../../lib/backend/linux/spawn.ts";
import { planCgroups } from "../../lib/plan/linux/containment-cgroup.ts";
import { ownCgroups, reapSurvivors, survivors, tokenEnv } from "../fixtures/tree/scan.ts";
import { describeUnless, linuxRequirement, notLinux, testUnless } from "../helpers/skip.ts";
import { worldReadableCopy, type WorldReadableCopy } from "../helpers/world-readable.ts";

const root = join(import.meta.dir, "..", "..");
const host = notLinux ? undefined : probeCgroupHost();
const bases = host ? [host.v2?.base, ...Object.values(host.v1).map((h) => h?.base)].filter((b): b is string => !!b) : [];
const made: SandboxCgroup[] = [];
afterEach(() => {
  for (const c of made.splice(0)) c.destroy();
  drainSpares(); // spare sets of earlier spawns' pools are not this file's
  expect(ownCgroups(bases)).toEqual([]);
});

const noV2 = host?.v2 ? undefined : "no writable cgroup2 directory";
const notRoot = process.geteuid?.() === 0 ? undefined : "needs root to drop to an unprivileged uid";

describeUnless(linuxRequirement(noV2), "probe", () => {
  test("the v2 base is a `cordon` directory in the caller's own cgroup (or the root)", () => {
    const own = parseOwnCgroups(readFileSync("/proc/self/cgroup", "utf8")).find((l) => l.version === 2)!;
    // The cgroup2 mount point straight from mountinfo: "... <mount point> <options> - cgroup2 ...".
    const line = readFileSync("/proc/self/mountinfo", "utf8").split("\n").find((l) => / - cgroup2 /.test(l))!;
    const mountPoint = line.split(" ")[4]!;
    const ownDir = own.path === "/" ? mountPoint : mountPoint + own.path;
    expect(host!.v2!.base.endsWith("/cordon")).toBe(true);
    expect([ownDir, mountPoint]).toContain(dirname(host!.v2!.base));
  });

  test("probing leaves none of this process's cgroups behind", () => {
    drainSpares();
    probeCgroupHost();
    expect(ownCgroups(bases)).toEqual([]);
  });

  test("a child spawned with the sandbox's fds is born in its v2 cgroup and joins every v1 one", async () => {
    const c = SandboxCgroup.create(host!, planCgroups({ memory: 64 << 20, pids: 32 }, host!));
    made.push(c);
    const p = spawnLinux(["cat", "/proc/self/cgroup"], { stdout: "pipe", cgroupFd: c.cgroupFd!, cgroupProcsFds: c.cgroupProcsFds });
    const lines = parseOwnCgroups(await new Response(p.stdout!).text());
    expect(await p.exited).toBe(0);
    const inside = lines.filter((l) => l.path.endsWith(`/${c.name}`)).map((l) => (l.version === 2 ? "v2" : l.controllers.join(",")));
    const expected = [...c.dirs.keys()].map((h) => (h === "v2" ? "v2" : lines.find((l) => l.controllers.includes(h))!.controllers.join(",")));
    expect(inside.sort()).toEqual(expected.sort());
  });

  test("a caller in a nested cgroup gets its base inside that cgroup, not at the root", async () => {
    const outer = SandboxCgroup.create({ v2: host!.v2!, v1: {}, notes: [] }, planCgroups({}, { v2: host!.v2!, v1: {}, notes: [] }));
    made.push(outer);
    const script = `
      const { probeCgroupHost } = await import(${JSON.stringify(join(root, "lib/backend/linux/cgroup/probe.ts"))});
      console.log(probeCgroupHost().v2.base);
    `;
    const p = spawnLinux([process.execPath, "-e", script], { stdout: "pipe", cgroupFd: outer.cgroupFd! });
    expect((await new Response(p.stdout!).text()).trim()).toBe(join(outer.dirs.get("v2")!, "cordon"));
    expect(await p.exited).toBe(0);
  });

  test("two sandboxes never share a cgroup", () => {
    const plan = planCgroups({}, host!);
    const a = SandboxCgroup.create(host!, plan);
    const b = SandboxCgroup.create(host!, plan);
    made.push(a, b);
    expect(a.name).not.toBe(b.name);
    expect(a.name).toMatch(new RegExp(`^cordon-${process.pid}-\\d+-[0-9a-f]+$`));
  });
});

describeUnless(linuxRequirement(notRoot), "unprivileged caller", () => {
  // uid 65534 loads cordon from a copy it can reach: the checkout may sit under a directory only root enters.
  let world: WorldReadableCopy;
  beforeAll(() => void (world = worldReadableCopy(["ffi", "lib", "test"])));
  afterAll(() => world?.remove());
  const from = (path: string) => JSON.stringify(join(world.dir, path));
  test("without a delegated cgroup the report names what is missing and hard mode refuses", async () => {
    const script = `
      const { probeContainmentHost } = await import(${from("lib/backend/linux/tree-kill.ts")});
      const { planContainment } = await import(${from("lib/plan/linux/containment.ts")});
      const host = probeContainmentHost();
      const limits = { memory: 64 << 20, pids: 16 };
      const soft = planContainment({ limits, compat: "best-effort" }, host);
      let hard = "ran";
      try { planContainment({ limits, compat: "hard" }, host); } catch (e) { hard = e.name; }
      console.log(JSON.stringify({ euid: process.geteuid(), v1: Object.keys(host.cgroups.v1), report: soft.report, hard }));
    `;
    const p = spawnLinux([world.bun, "-e", script], {
      stdout: "pipe",
      stderr: "pipe",
      user: { uid: 65534, gid: 65534 },
      cwd: "/",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/tmp", BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" },
    });
    const out = await new Response(p.stdout!).text();
    const err = await new Response(p.stderr!).text();
    expect(err).toBe("");
    expect(await p.exited).toBe(0);
    const r = JSON.parse(out);
    expect(r.euid).toBe(65534);
    expect(r.v1).toEqual([]);
    const memory = r.report.find((g: { guarantee: string }) => g.guarantee === "limits.memory");
    expect(memory.status).toBe("not-enforced");
    expect(memory.reason).toContain("no writable cgroup");
    const pids = r.report.find((g: { guarantee: string }) => g.guarantee === "limits.pids");
    expect(pids).toMatchObject({ status: "partial", by: ["RLIMIT_NPROC"] });
    expect(r.hard).toBe("CompatError");
  });

  testUnless(noV2, "with a delegated cgroup2 subtree it makes its own sandbox cgroup and kills a setsid tree through it", async () => {
    // Delegation as cgroup-v2.rst describes it: the directory and its
    // cgroup.procs, cgroup.threads and cgroup.subtree_control belong to the user.
    const deleg = SandboxCgroup.create({ v2: host!.v2!, v1: {}, notes: [] }, planCgroups({}, { v2: host!.v2!, v1: {}, notes: [] }));
    made.push(deleg);
    const dir = deleg.dirs.get("v2")!;
    for (const f of ["", "cgroup.procs", "cgroup.threads", "cgroup.subtree_control"]) chownSync(join(dir, f), 65534, 65534);
    const { token, env } = tokenEnv();
    const script = `
      const { probeContainmentHost } = await import(${from("lib/backend/linux/tree-kill.ts")});
      const { planContainment } = await import(${from("lib/plan/linux/containment.ts")});
      const { SandboxCgroup } = await import(${from("lib/backend/linux/cgroup/sandbox-cgroup.ts")});
      const { spawnLinux } = await import(${from("lib/backend/linux/spawn.ts")});
      const { firstLine } = await import(${from("test/fixtures/tree/scan.ts")});
      const host = probeContainmentHost();
      const plan = planContainment({ limits: {}, compat: "hard" }, host);
      const cg = SandboxCgroup.create(host.cgroups, plan.cgroups);
      const p = spawnLinux(["python3", ${from("test/fixtures/tree/tree.py")}, "6", "3", "30"], { stdout: "pipe", cgroupFd: cg.cgroupFd });
      const ready = (await firstLine(p.stdout)).split(" ").length - 1;
      await cg.kill();
      cg.destroy();
      console.log(JSON.stringify({ base: host.cgroups.v2.base, report: plan.report, ready }));
    `;
    const p = spawnLinux([world.bun, "-e", script], {
      stdout: "pipe",
      stderr: "pipe",
      user: { uid: 65534, gid: 65534 },
      cwd: "/",
      cgroupFd: deleg.cgroupFd!,
      env: { ...env, HOME: "/tmp" },
    });
    const out = await new Response(p.stdout!).text();
    const err = await new Response(p.stderr!).text();
    reapSurvivors(token);
    expect(err).toBe("");
    expect(await p.exited).toBe(0);
    const r = JSON.parse(out);
    expect(r.base).toBe(join(dir, "cordon"));
    expect(r.ready).toBe(6);
    expect(r.report).toEqual([{ guarantee: "tree.kill", status: "enforced", by: ["cgroup v2 cgroup.kill"] }]);
    expect(survivors(token)).toEqual([]);
  });
});
