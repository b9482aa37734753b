// The OpenBSD plan: unveil pairs, pledge sets, and the rule that unveil is
// never planned without execpromises (execve would drop the list).
import { describe, expect, test } from "bun:test";
import { launcherArgv, planOpenbsd, RLIMIT } from "../../lib/plan/openbsd/index.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";

const policy: ResolvedPolicy = { fs: { read: ["/usr", "/bin", "/srv/ci/src"], write: ["/srv/ci/src"] }, env: {}, cwd: "/srv/ci/src", net: "none", limits: {}, compat: "hard" };

describe("openbsd plan", () => {
  test("read grants are rx, write grants rwxc, and a path is listed once", () => {
    expect(planOpenbsd(policy).launch.unveil).toEqual([
      ["/usr", "rx"],
      ["/bin", "rx"],
      ["/srv/ci/src", "rwxc"],
    ]);
  });

  test("unveil always comes with execpromises, so the list survives execve", () => {
    for (const p of [policy, { ...policy, fs: { read: ["/usr"], write: [] } }]) {
      const launch = planOpenbsd(p).launch;
      expect(launch.unveil!.length).toBeGreaterThan(0);
      expect(launch.pledge?.execpromises.length).toBeGreaterThan(0);
    }
  });

  test("promises follow the grants: no write or network promises unless granted", () => {
    const ro = planOpenbsd({ ...policy, fs: { read: ["/usr"], write: [] } }).launch.pledge!.execpromises.split(" ");
    expect(ro).toContain("rpath");
    expect(ro).not.toContain("wpath");
    expect(ro).not.toContain("cpath");
    expect(ro).not.toContain("inet");
    const rw = planOpenbsd({ ...policy, net: "all" }).launch.pledge!.execpromises.split(" ");
    expect(rw).toEqual(expect.arrayContaining(["wpath", "cpath", "inet", "dns", "proc", "exec"]));
  });

  test("the report: files and no-network enforced, ports not (pledge has no port filter)", () => {
    const status = (p: ResolvedPolicy, id: string) => planOpenbsd(p).report.find((g) => g.guarantee === id)?.status;
    expect(status(policy, "fs.write-confined")).toBe("enforced");
    expect(status(policy, "net.none")).toBe("enforced");
    expect(status({ ...policy, net: { connect: [443], bind: [] } }, "net.tcp-connect-confined")).toBe("not-enforced");
    expect(status(policy, "tree.kill")).toBe("partial");
  });

  test("memory is RLIMIT_DATA; launcher argv carries unveil then pledge", () => {
    const plan = planOpenbsd({ ...policy, limits: { memory: 1 << 28 } });
    expect(plan.launch.rlimits).toEqual([{ resource: RLIMIT.DATA, soft: 1 << 28, hard: 1 << 28 }]);
    const argv = launcherArgv(plan.launch, "/bin/ls", []);
    const u = argv.indexOf("--unveil");
    const p = argv.indexOf("--pledge");
    expect(u).toBeGreaterThan(-1);
    expect(p).toBeGreaterThan(u);
    expect(argv.slice(p, p + 3)).toEqual(["--pledge", "stdio exec", plan.launch.pledge!.execpromises]);
  });
});
