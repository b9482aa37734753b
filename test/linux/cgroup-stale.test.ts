// A cordon process killed with SIGKILL leaves its cgroups and the setsid part
// of its tree behind; the next cordon process's cleanup kills that tree and
// removes the cgroups. A live owner's cgroups are never touched.
import { afterEach, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cleanupStale } from "../../lib/backend/linux/cgroup/cleanup.ts";
import { probeCgroupHost } from "../../lib/backend/linux/cgroup/probe.ts";
import { firstLine, fixtureDir, reapSurvivors, survivors, tokenEnv } from "../fixtures/tree/scan.ts";
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
});
