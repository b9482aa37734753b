// The macOS plan: which rlimits, which launcher arguments, and what the report
// claims for each guarantee.
import { describe, expect, test } from "bun:test";
import { launcherArgv, planDarwin, RLIMIT } from "../../lib/plan/darwin/index.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";

const policy: ResolvedPolicy = {
  fs: { read: ["/usr/lib", "/bin"], write: ["/private/tmp/w"] },
  env: {},
  cwd: "/private/tmp/w",
  net: "none",
  limits: {},
  compat: "hard",
};
const statusOf = (plan: ReturnType<typeof planDarwin>, id: string) => plan.report.find((g) => g.guarantee === id)?.status;

describe("darwin plan", () => {
  test("files, signals and the network are enforced by the profile", () => {
    const plan = planDarwin(policy);
    expect(plan.launch.profile?.text).toContain("(deny default)");
    for (const id of ["fs.read-confined", "fs.write-confined", "fs.exec-confined", "ipc.signal-scoped", "net.none"]) expect(statusOf(plan, id)).toBe("enforced");
  });

  test("an enclosing sandbox means no profile and nothing Seatbelt-enforced", () => {
    const plan = planDarwin(policy, { enclosingSandbox: "the caller is already sandboxed" });
    expect(plan.launch.profile).toBeUndefined();
    const fs = plan.report.find((g) => g.guarantee === "fs.write-confined")!;
    expect(fs.status).toBe("not-enforced");
    expect(fs.reason).toContain("cannot nest");
  });

  test("memory is reported as not enforced and never set", () => {
    const plan = planDarwin({ ...policy, limits: { memory: 1 << 30 } });
    expect(statusOf(plan, "limits.memory")).toBe("not-enforced");
    expect(plan.launch.rlimits.map((r) => r.resource)).not.toContain(RLIMIT.AS);
  });

  test("RLIMIT_NPROC only under a dedicated uid, whose processes are killed at the deadline", () => {
    const shared = planDarwin({ ...policy, limits: { pids: 32, timeoutMs: 1000 } });
    expect(shared.launch.rlimits).toEqual([]);
    expect(statusOf(shared, "limits.pids")).toBe("not-enforced");
    expect(statusOf(shared, "tree.kill")).toBe("partial");
    expect(statusOf(shared, "limits.timeoutMs")).toBe("partial");
    expect(shared.killUid).toBeUndefined();

    const own = planDarwin({ ...policy, user: { uid: 601, gid: 20 }, limits: { pids: 32, timeoutMs: 1000 } });
    expect(own.launch.rlimits).toEqual([{ resource: RLIMIT.NPROC, soft: 32, hard: 32 }]);
    expect(statusOf(own, "limits.pids")).toBe("enforced");
    expect(statusOf(own, "tree.kill")).toBe("enforced");
    expect(own.killUid).toBe(601);
  });

  test("per-process limits become rlimits", () => {
    const plan = planDarwin({ ...policy, limits: { cpuSeconds: 10, openFiles: 64, fileSize: 4096 } });
    expect(plan.launch.rlimits).toEqual([
      { resource: RLIMIT.CPU, soft: 10, hard: 11 },
      { resource: RLIMIT.FSIZE, soft: 4096, hard: 4096 },
      { resource: RLIMIT.NOFILE, soft: 64, hard: 64 },
    ]);
    expect(statusOf(plan, "limits.cpuSeconds")).toBe("partial");
    expect(statusOf(plan, "limits.openFiles")).toBe("enforced");
  });
});

describe("launcher argv", () => {
  test("flags in application order, then the program", () => {
    const plan = planDarwin({ ...policy, user: { uid: 601, gid: 20 }, limits: { openFiles: 64 } });
    const argv = launcherArgv(plan.launch, "/bin/echo", ["hi"]);
    expect(argv.slice(0, 9)).toEqual(["--setsid", "--rlimit", "8", "64", "64", "--user", "601", "20", "--param"]);
    expect(argv.slice(-3)).toEqual(["--", "/bin/echo", "hi"]);
    expect(argv[argv.indexOf("--profile") + 1]).toBe(plan.launch.profile!.text);
    expect(argv.filter((a) => a === "--param").length).toBe(plan.launch.profile!.params.length);
  });

  test("a relative program or a negative limit is refused", () => {
    expect(() => launcherArgv({ newSession: false, rlimits: [] }, "echo", [])).toThrow(/absolute/);
    expect(() => launcherArgv({ newSession: false, rlimits: [{ resource: 8, soft: -1, hard: 1 }] }, "/bin/echo", [])).toThrow(/non-negative/);
  });
});

describe("dedicated uid", () => {
  test("the caller's own uid and root are never treated as dedicated: nothing kills every process of them", () => {
    for (const uid of [501, 0]) {
      const plan = planDarwin({ ...policy, user: { uid, gid: 20 }, limits: { pids: 8 } }, { callerUid: 501 });
      expect(plan.killUid).toBeUndefined();
      expect(plan.launch.rlimits).toEqual([]);
      expect(statusOf(plan, "tree.kill")).toBe("partial");
    }
    expect(planDarwin({ ...policy, user: { uid: 601, gid: 20 } }, { callerUid: 501 }).killUid).toBe(601);
  });
});
