// A cordon process killed with SIGKILL leaves its cgroups and the setsid part
// of its tree behind; the next cordon process's cleanup kills that tree and
// removes the cgroups. A live owner's cgroups are never touched.
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupStale } from "../../lib/backend/linux/cgroup/cleanup.ts";
import { drainSpares } from "../../lib/backend/linux/cgroup/pool.ts";
import { startTicks } from "../../lib/backend/linux/cgroup/names.ts";
import { probeCgroupHost } from "../../lib/backend/linux/cgroup/probe.ts";
import { SandboxCgroup } from "../../lib/backend/linux/cgroup/sandbox-cgroup.ts";
import { planCgroups } from "../../lib/plan/linux/containment-cgroup.ts";
import { firstLine, fixtureDir, ownCgroups, reapSurvivors, survivors, tokenEnv } from "../fixtures/tree/scan.ts";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";

const host = notLinux ? undefined : probeCgroupHost();
const noKill = !(host?.v2?.kill || host?.v1.freezer) ? "no writable cgroup with cgroup.kill or freezer" : undefined;
const bases = host ? [host.v2?.base, ...Object.values(host.v1).map((h) => h?.base)].filter((b): b is string => !!b) : [];

const tokens: string[] = [];
const owners: Bun.Subprocess[] = [];
afterEach(() => {
  for (const o of owners.splice(0)) o.kill("SIGKILL");
  for (const t of tokens.splice(0)) reapSurvivors(t);
  cleanupStale(host!);
  drainSpares(); // spare sets of earlier spawns' pools are not this file's
  expect(ownCgroups(bases)).toEqual([]);
});

async function startOwner() {
  const { token, env } = tokenEnv();
  tokens.push(token);
  const owner = Bun.spawn([process.execPath, join(fixtureDir, "owner.ts")], { env, stdout: "pipe", stderr: "inherit" });
  owners.push(owner);
  const [name, ready] = (await firstLine(owner.stdout)).split(" ", 2);
  expect(ready).toBe("ready");
  return { owner, token, name: name! };
}

const dirsOf = (name: string) => bases.map((b) => join(b, name)).filter((d) => existsSync(d));

describeUnless(linuxRequirement(noKill), "stale cgroups of dead owners", () => {
  test("a live owner's cgroups are left alone; once it is SIGKILLed they are killed empty and removed", async () => {
    const { owner, token, name } = await startOwner();
    const tree = () => survivors(token).filter((p) => p !== owner.pid);
    expect(dirsOf(name).length).toBeGreaterThan(0);
    expect(tree().length).toBe(20);

    expect(cleanupStale(host!).removed).not.toContain(name);
    expect(tree().length).toBe(20);

    owner.kill("SIGKILL");
    await owner.exited;
    // The spine's parent-death signal takes only the direct child; its 19 descendants and the cgroups stay.
    for (let i = 0; i < 200 && survivors(token).length > 19; i++) await Bun.sleep(5);
    expect(survivors(token).length).toBe(19);
    expect(dirsOf(name).length).toBeGreaterThan(0);

    const r = cleanupStale(host!);
    expect(r.failed).toEqual([]);
    expect(r.removed).toContain(name);
    expect(survivors(token)).toEqual([]);
    expect(dirsOf(name)).toEqual([]);
  });

  test("a cordon process that exits without destroy() removes its cgroups on exit", async () => {
    const script = `
      const { cgroupHost } = await import(${JSON.stringify(join(import.meta.dir, "../../lib/backend/linux/cgroup/probe.ts"))});
      const { SandboxCgroup } = await import(${JSON.stringify(join(import.meta.dir, "../../lib/backend/linux/cgroup/sandbox-cgroup.ts"))});
      const { planCgroups } = await import(${JSON.stringify(join(import.meta.dir, "../../lib/plan/linux/containment-cgroup.ts"))});
      const host = cgroupHost();
      const cg = SandboxCgroup.create(host, planCgroups({ pids: 8, memory: 64 << 20 }, host));
      console.log(cg.name, [...cg.dirs.values()].length);
    `;
    const p = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "inherit" });
    const [name, count] = (await new Response(p.stdout).text()).trim().split(" ");
    expect(await p.exited).toBe(0);
    expect(Number(count)).toBeGreaterThan(0);
    expect(dirsOf(name!)).toEqual([]);
  });

  test("an owner pid now held by a process that started later counts as dead; the live owner's twin is kept", async () => {
    // A private base inside a fresh cgroup, so no other cordon process's cleanup sees these directories.
    const only = { v2: host!.v2!, v1: {}, notes: [] };
    const outer = SandboxCgroup.create(only, planCgroups({}, only));
    const sleeper = Bun.spawn(["sleep", "30"]);
    try {
      const base = join(outer.dirs.get("v2")!, "cordon");
      mkdirSync(base);
      const start = startTicks(sleeper.pid)!;
      const recycled = `cordon-${sleeper.pid}-${start - 1}-ab`; // made by an earlier holder of the pid
      const live = `cordon-${sleeper.pid}-${start}-cd`;
      mkdirSync(join(base, recycled));
      mkdirSync(join(base, live));
      const r = cleanupStale({ v2: { ...host!.v2!, base }, v1: {}, notes: [] });
      expect(r).toEqual({ removed: [recycled], failed: [] });
      expect(existsSync(join(base, live))).toBe(true);
    } finally {
      sleeper.kill(9);
      await sleeper.exited;
      outer.destroy();
    }
  });

  test("child cgroups made inside a sandbox's cgroups are killed and removed with it", async () => {
    const c = SandboxCgroup.create(host!, planCgroups({ pids: 16 }, host!));
    try {
      const { token, env } = tokenEnv();
      tokens.push(token);
      // One process in an `inner` child cgroup of every hierarchy, as a sandboxed root could arrange.
      const p = Bun.spawn(["sh", "-c", "read x; exec sleep 30"], { env, stdin: "pipe" });
      for (const dir of c.dirs.values()) {
        mkdirSync(join(dir, "inner"));
        writeFileSync(join(dir, "inner", "cgroup.procs"), String(p.pid));
      }
      p.stdin.write("go\n");
      p.stdin.end();
      await Bun.sleep(50);
      expect(survivors(token).length).toBe(1);
      expect(c.populated()).toBe(true);
      c.destroy();
      expect(survivors(token)).toEqual([]);
      expect([...c.dirs.values()].filter((d) => existsSync(d))).toEqual([]);
    } finally {
      c.destroy();
    }
  });
});
