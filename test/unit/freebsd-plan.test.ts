// The FreeBSD plan: reaper always, rlimits per process, rctl only where root,
// racct and a dedicated uid meet, and honest gaps for paths and network.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planFreebsd, RLIMIT, rightsFor, RIGHT } from "../../lib/plan/freebsd/index.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";

const policy: ResolvedPolicy = { fs: { read: ["/usr"], write: ["/tmp/w"] }, env: {}, cwd: "/tmp/w", net: "none", limits: {}, compat: "best-effort" };
const status = (p: ReturnType<typeof planFreebsd>, id: string) => p.report.find((g) => g.guarantee === id);
const bare = { root: false, racct: false };
const full = { root: true, racct: true };

describe("freebsd plan", () => {
  test("the reaper makes tree kill and the deadline enforced on any host", () => {
    const plan = planFreebsd({ ...policy, limits: { timeoutMs: 1000 } }, bare);
    expect(plan.reaper).toBe(true);
    expect(status(plan, "tree.kill")?.status).toBe("enforced");
    expect(status(plan, "limits.timeoutMs")?.status).toBe("enforced");
  });

  test("paths and network are reported as not enforced, with the reason", () => {
    const plan = planFreebsd(policy, full);
    for (const id of ["fs.read-confined", "fs.write-confined", "net.none"]) {
      expect(status(plan, id)?.status).toBe("not-enforced");
      expect(status(plan, id)?.reason).toMatch(/Capsicum|jail/);
    }
  });

  test("memory: RLIMIT_AS per process without racct; rctl for a dedicated uid with root and racct", () => {
    const limits = { memory: 1 << 30, pids: 64 };
    const shared = planFreebsd({ ...policy, limits }, full);
    expect(shared.rctl).toBeUndefined();
    expect(shared.rlimits).toContainEqual({ resource: RLIMIT.AS, soft: 1 << 30, hard: 1 << 30 });
    expect(shared.rlimits.map((r) => r.resource)).not.toContain(RLIMIT.NPROC);
    expect(status(shared, "limits.memory")?.status).toBe("partial");
    expect(status(shared, "limits.pids")?.status).toBe("not-enforced");

    const noRacct = planFreebsd({ ...policy, user: { uid: 1001, gid: 1001 }, limits }, { root: true, racct: false });
    expect(noRacct.rctl).toBeUndefined();
    expect(status(noRacct, "limits.memory")?.reason).toContain("racct is disabled");

    const own = planFreebsd({ ...policy, user: { uid: 1001, gid: 1001 }, limits }, full);
    expect(own.rctl).toEqual({ rules: ["user:1001:memoryuse:deny=1073741824", "user:1001:maxproc:deny=64"], filter: "user:1001" });
    expect(own.rlimits).toContainEqual({ resource: RLIMIT.NPROC, soft: 64, hard: 64 });
    expect(status(own, "limits.memory")?.status).toBe("enforced");
    expect(status(own, "limits.pids")?.status).toBe("enforced");
  });

  test("capsicum rights: read-only descriptors carry no write or seek right", () => {
    expect(rightsFor("read") & RIGHT.WRITE).toBe(0);
    expect(rightsFor("read") & RIGHT.READ).toBe(RIGHT.READ);
    expect(rightsFor("write") & RIGHT.READ).toBe(0);
    expect(rightsFor("read-write") & (RIGHT.SEEK | RIGHT.IOCTL | RIGHT.MMAP)).toBe(0);
  });
});

describe("freebsd constants agree with cordon_freebsd.h", () => {
  const header = readFileSync(join(import.meta.dir, "..", "..", "ffi", "include", "cordon_freebsd.h"), "utf8");
  test("rights bits", () => {
    for (const [name, value] of Object.entries(RIGHT)) {
      expect(header).toMatch(new RegExp(`#define CORDON_FREEBSD_RIGHT_${name}\\s+0x0*${value.toString(16)}u`));
    }
  });
});

describe("freebsd dedicated uid", () => {
  test("rctl user rules are never written for the caller's own uid", () => {
    const plan = planFreebsd({ ...policy, user: { uid: 1001, gid: 1001 }, limits: { memory: 1 << 30 } }, { ...full, callerUid: 1001 });
    expect(plan.rctl).toBeUndefined();
    expect(plan.report.find((g) => g.guarantee === "limits.memory")?.status).toBe("partial");
  });
});
