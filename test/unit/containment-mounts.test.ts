// Parsing /proc/self/mountinfo and /proc/self/cgroup: hierarchies, the
// caller's directory in each, escaped mount points, cgroup namespaces.
import { describe, expect, test } from "bun:test";
import { ownDirectory, parseCgroupMounts, parseOwnCgroups } from "../../lib/backend/linux/cgroup/mounts.ts";
import { freshName, ownerOf } from "../../lib/backend/linux/cgroup/names.ts";

const mountinfo = [
  "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
  "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
  "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
  "36 31 0:32 / /mnt/memory\\040again rw,relatime - cgroup cgroup rw,memory",
  "39 31 0:36 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids,release_agent=/x",
  "41 31 0:38 /scope.scope /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate",
  "50 23 0:50 / /tmp/with\\040space rw - tmpfs tmpfs rw",
].join("\n");

describe("cgroup mounts", () => {
  test("each hierarchy once, with its controllers and root", () => {
    const m = parseCgroupMounts(mountinfo);
    expect(m).toEqual([
      { version: 1, mountPoint: "/sys/fs/cgroup/cpu,cpuacct", root: "/", controllers: ["cpu", "cpuacct"] },
      { version: 1, mountPoint: "/sys/fs/cgroup/memory", root: "/", controllers: ["memory"] },
      { version: 1, mountPoint: "/sys/fs/cgroup/pids", root: "/", controllers: ["pids"] },
      { version: 2, mountPoint: "/sys/fs/cgroup/unified", root: "/scope.scope", controllers: [] },
    ]);
  });

  test("mount points with escaped spaces are decoded", () => {
    const m = parseCgroupMounts("36 31 0:40 / /mnt/cg\\040two rw - cgroup2 cgroup2 rw");
    expect(m[0]!.mountPoint).toBe("/mnt/cg two");
  });

  test("the caller's cgroup lines", () => {
    expect(parseOwnCgroups("4:memory:/a/b\n2:cpu,cpuacct:/\n0::/user.slice/x.scope\n")).toEqual([
      { version: 1, controllers: ["memory"], path: "/a/b" },
      { version: 1, controllers: ["cpu", "cpuacct"], path: "/" },
      { version: 2, controllers: [], path: "/user.slice/x.scope" },
    ]);
  });

  test("the caller's directory below a mount whose root is a sub-tree, or none outside it", () => {
    const v2 = parseCgroupMounts(mountinfo).find((m) => m.version === 2)!;
    expect(ownDirectory(v2, "/scope.scope")).toBe("/sys/fs/cgroup/unified");
    expect(ownDirectory(v2, "/scope.scope/child")).toBe("/sys/fs/cgroup/unified/child");
    expect(ownDirectory(v2, "/other")).toBeUndefined();
    expect(ownDirectory(v2, "/scope.scopeX")).toBeUndefined();
  });
});

describe("cgroup names", () => {
  test("fresh names carry the owner pid and start time and differ every time", () => {
    const a = freshName(4242, 777);
    expect(ownerOf(a)).toEqual({ pid: 4242, start: 777 });
    expect(freshName(4242, 777)).not.toBe(a);
    expect(ownerOf(freshName())).toEqual({ pid: process.pid, start: expect.any(Number) });
    expect(ownerOf("cordon")).toBeUndefined();
    expect(ownerOf("cordon-12-")).toBeUndefined();
    expect(ownerOf("cordon-12-ab")).toBeUndefined();
    expect(ownerOf("user.slice")).toBeUndefined();
  });
});
