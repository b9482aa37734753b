// A sandbox cgroup set keeps fds open while it lives (the spawn's cgroup fds,
// and cgroup.events and the OOM counter, re-read with one pread each); every
// one is closed by destroy(), and the kept files still show the kernel's
// current state on each read.
import { expect, test } from "bun:test";
import { readdirSync, readlinkSync } from "node:fs";
import { probeCgroupHost } from "../../lib/backend/linux/cgroup/probe.ts";
import { SandboxCgroup } from "../../lib/backend/linux/cgroup/sandbox-cgroup.ts";
import { spawnLinux } from "../../lib/backend/linux/spawn.ts";
import { planCgroups } from "../../lib/plan/linux/containment-cgroup.ts";
import { linuxRequirement, notLinux, testUnless } from "../helpers/skip.ts";

const host = notLinux ? undefined : probeCgroupHost();
const noKill = !host?.v2?.kill ? "no writable cgroup2 directory with cgroup.kill" : undefined;
/** fds of this process open on the set's own directories (Bun's threads open and close other fds meanwhile). */
const setFds = (c: SandboxCgroup) =>
  readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).includes(`/${c.name}`);
    } catch {
      return false;
    }
  }).length;

testUnless(linuxRequirement(noKill), "populated() follows the tree through a kept fd, and destroy() closes every fd the set opened", async () => {
  // The spawn machinery opens its own long-lived fds on first use; only the set's are counted.
  expect(await spawnLinux(["/bin/true"]).exited).toBe(0);
  const c = SandboxCgroup.create(host!, planCgroups({ memory: 64 << 20, pids: 16 }, host!));
  expect(c.populated()).toBe(false);
  expect(c.oomKills()).toBe(0);
  const p = spawnLinux(["sleep", "10"], { cgroupFd: c.cgroupFd!, cgroupProcsFds: c.cgroupProcsFds });
  expect(c.populated()).toBe(true);
  await c.kill();
  expect(c.populated()).toBe(false);
  expect(await p.exited).toBe(137);
  expect(setFds(c)).toBeGreaterThan(0);
  c.destroy();
  expect(setFds(c)).toBe(0);
  expect(c.populated()).toBe(false);
});
