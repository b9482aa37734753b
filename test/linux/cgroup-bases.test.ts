// The `cordon` base directory a process makes its sandbox cgroups in stays
// while sandboxes keep coming (no mkdir and rmdir of the base per spawn), is
// removed once idle, and at exit. Each test uses a private base inside a
// fresh cgroup, so no other cordon process's sandboxes share it.
import { afterEach, expect, test } from "bun:test";
import { existsSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { IDLE_MS } from "../../lib/backend/linux/cgroup/bases.ts";
import { probeCgroupHost } from "../../lib/backend/linux/cgroup/probe.ts";
import { SandboxCgroup } from "../../lib/backend/linux/cgroup/sandbox-cgroup.ts";
import { planCgroups } from "../../lib/plan/linux/containment-cgroup.ts";
import type { CgroupHost } from "../../lib/plan/linux/containment-host.ts";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";

const host = notLinux ? undefined : probeCgroupHost();
const noV2 = !host?.v2 ? "no writable cgroup2 directory" : undefined;

const outers: SandboxCgroup[] = [];
afterEach(() => {
  for (const o of outers.splice(0)) o.destroy();
});

/** A host whose v2 base is `cordon` inside a fresh cgroup of this test. */
function privateHost(): { h: CgroupHost; base: string } {
  const only: CgroupHost = { v2: host!.v2!, v1: {}, notes: [] };
  const outer = SandboxCgroup.create(only, planCgroups({}, only));
  outers.push(outer);
  const base = join(outer.dirs.get("v2")!, "cordon");
  return { h: { v2: { ...host!.v2!, base }, v1: {}, notes: [] }, base };
}

describeUnless(linuxRequirement(noV2), "base directory", () => {
  test("stays between sandboxes and is removed once idle", async () => {
    const { h, base } = privateHost();
    expect(existsSync(base)).toBe(false);
    const a = SandboxCgroup.create(h, planCgroups({}, h));
    expect(existsSync(base)).toBe(true);
    a.destroy();
    expect(existsSync(a.dirs.get("v2")!)).toBe(false);
    expect(existsSync(base)).toBe(true);
    const b = SandboxCgroup.create(h, planCgroups({}, h));
    b.destroy();
    await Bun.sleep(IDLE_MS * 3);
    expect(existsSync(base)).toBe(false);
  });

  test("twin: a base with a live sandbox in it stays after the idle time, and goes after that sandbox", async () => {
    const { h, base } = privateHost();
    const live = SandboxCgroup.create(h, planCgroups({}, h));
    SandboxCgroup.create(h, planCgroups({}, h)).destroy();
    await Bun.sleep(IDLE_MS * 3);
    expect(existsSync(live.dirs.get("v2")!)).toBe(true);
    live.destroy();
    await Bun.sleep(IDLE_MS * 3);
    expect(existsSync(base)).toBe(false);
  });

  test("a base removed while idle (another process's cleanup) is made again by the next sandbox", () => {
    const { h, base } = privateHost();
    SandboxCgroup.create(h, planCgroups({}, h)).destroy();
    expect(existsSync(base)).toBe(true);
    rmdirSync(base); // what another cordon process's cleanupStale does to an empty base
    const b = SandboxCgroup.create(h, planCgroups({}, h));
    expect(existsSync(b.dirs.get("v2")!)).toBe(true);
    b.destroy();
  });

  test("a process that exits right after its last sandbox leaves no base behind", async () => {
    const { base } = privateHost();
    const script = `
      const { SandboxCgroup } = await import(${JSON.stringify(join(import.meta.dir, "../../lib/backend/linux/cgroup/sandbox-cgroup.ts"))});
      const host = { v2: { ...${JSON.stringify(host?.v2 ?? {})}, base: ${JSON.stringify(base)} }, v1: {}, notes: [] };
      SandboxCgroup.create(host, { v2: true, v1: [], writes: [], kill: "cgroup v2 cgroup.kill" }).destroy();
      console.log(require("node:fs").existsSync(${JSON.stringify(base)}));
    `;
    const p = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "inherit" });
    expect((await new Response(p.stdout).text()).trim()).toBe("true");
    expect(await p.exited).toBe(0);
    expect(existsSync(base)).toBe(false);
  });
});
