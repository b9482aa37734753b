// The Windows plan compiler, on any OS: each policy field → job limits, spawn
// attributes, identity, DACL grants, WFP filters, environment, and the report;
// and the host description (elevation, Wine's measured gaps) → what is
// reported enforced and what hard mode refuses.
import { describe, expect, test } from "bun:test";
import { CompatError, PolicyError } from "../../lib/errors.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";
import {
  CAPABILITY_SID,
  FILE_ACCESS,
  JOB_OBJECT_LIMIT,
  allUiRestrictions,
  mitigationWords,
  mitigations,
  planWindows,
  windowsVerdicts,
  type WindowsHost,
} from "../../lib/plan/windows/index.ts";

const base: ResolvedPolicy = {
  fs: { read: ["C:\\tools"], write: ["C:\\work\\out"] },
  env: { PATH: "C:\\tools" },
  cwd: "C:\\work",
  net: "none",
  limits: {},
  compat: "best-effort",
};
const user: WindowsHost = { elevated: false };
const admin: WindowsHost = { elevated: true };
const wine: WindowsHost = { elevated: true, wine: "8.0" };
const row = (plan: ReturnType<typeof planWindows>, id: string) => plan.report.find((g) => g.guarantee === id);
const ports = { ...base, net: { connect: [443], bind: [8080] } } as const;

describe("windows plan: job object", () => {
  test("every job kills its tree on close, dies on unhandled exceptions, and allows no breakaway", () => {
    const { job } = planWindows(base, user);
    expect(job.limitFlags & JOB_OBJECT_LIMIT.KILL_ON_JOB_CLOSE).toBe(JOB_OBJECT_LIMIT.KILL_ON_JOB_CLOSE);
    expect(job.limitFlags & JOB_OBJECT_LIMIT.DIE_ON_UNHANDLED_EXCEPTION).toBe(JOB_OBJECT_LIMIT.DIE_ON_UNHANDLED_EXCEPTION);
    expect(job.limitFlags & (JOB_OBJECT_LIMIT.BREAKAWAY_OK | JOB_OBJECT_LIMIT.SILENT_BREAKAWAY_OK)).toBe(0);
    expect(job.uiRestrictions).toBe(allUiRestrictions);
    expect(job.limitFlags & (JOB_OBJECT_LIMIT.JOB_MEMORY | JOB_OBJECT_LIMIT.ACTIVE_PROCESS | JOB_OBJECT_LIMIT.JOB_TIME)).toBe(0);
  });

  test("limits.memory becomes the job's committed-memory limit", () => {
    const plan = planWindows({ ...base, limits: { memory: 256 * 2 ** 20 } }, user);
    expect(plan.job.limitFlags & JOB_OBJECT_LIMIT.JOB_MEMORY).toBe(JOB_OBJECT_LIMIT.JOB_MEMORY);
    expect(plan.job.jobMemoryLimit).toBe(268435456n);
    expect(row(plan, "limits.memory")).toMatchObject({ status: "enforced", by: [expect.stringContaining("JOB_OBJECT_LIMIT_JOB_MEMORY")] });
  });

  test("limits.pids becomes the job's active-process limit", () => {
    const plan = planWindows({ ...base, limits: { pids: 5 } }, user);
    expect(plan.job.limitFlags & JOB_OBJECT_LIMIT.ACTIVE_PROCESS).toBe(JOB_OBJECT_LIMIT.ACTIVE_PROCESS);
    expect(plan.job.activeProcessLimit).toBe(5);
    expect(row(plan, "limits.pids")?.status).toBe("enforced");
  });

  test("limits.cpuSeconds becomes the job's user-time limit and a polled user+kernel limit", () => {
    const plan = planWindows({ ...base, limits: { cpuSeconds: 3 } }, user);
    expect(plan.job.limitFlags & JOB_OBJECT_LIMIT.JOB_TIME).toBe(JOB_OBJECT_LIMIT.JOB_TIME);
    expect(plan.job.perJobUserTime).toBe(30_000_000n); // 100 ns units
    expect(plan.job.cpuTimeLimit).toBe(30_000_000n);
    expect(row(plan, "limits.cpuSeconds")).toMatchObject({ status: "enforced", by: [expect.stringContaining("JOB_TIME"), expect.stringContaining("kernel")] });
    // Without the accounting poll the kernel's own limit leaves kernel time out.
    const noPoll = planWindows({ ...base, limits: { cpuSeconds: 3 } }, { ...user, lacks: { "job-accounting": "no accounting here" } });
    expect(row(noPoll, "limits.cpuSeconds")).toMatchObject({ status: "partial", reason: expect.stringContaining("kernel time is not counted") });
  });

  test("limits.timeoutMs becomes cordon's timer ending the job", () => {
    const plan = planWindows({ ...base, limits: { timeoutMs: 1500 } }, user);
    expect(plan.job.timeoutMs).toBe(1500);
    expect(row(plan, "limits.timeoutMs")).toMatchObject({ status: "enforced", by: ["timer", "TerminateJobObject"] });
  });

  test("a CPU rate becomes a hard cap in hundredths of a percent", () => {
    const plan = planWindows(base, user, { cpuRatePercent: 25 });
    expect(plan.job.cpuRate).toEqual({ controlFlags: 0x1 | 0x4, value: 2500 });
    expect(row(plan, "limits.cpuRate")?.status).toBe("enforced");
  });

  test("limits Windows cannot enforce are reported, and refused in hard mode", () => {
    const soft = planWindows({ ...base, limits: { openFiles: 64, fileSize: 1 << 20 } }, user);
    expect(row(soft, "limits.openFiles")).toMatchObject({ status: "not-enforced", reason: expect.stringContaining("handle quota") });
    expect(row(soft, "limits.fileSize")).toMatchObject({ status: "not-enforced", reason: expect.stringContaining("file size") });
    expect(() => planWindows({ ...base, compat: "hard", limits: { openFiles: 64 } }, user)).toThrow(CompatError);
  });
});

describe("windows plan: spawn attributes", () => {
  test("the ci profile keeps JITs and console tools working; strict adds win32k and dynamic-code bans", () => {
    const ci = planWindows(base, user).spawn;
    const strict = planWindows(base, user, { mitigations: "strict" }).spawn;
    const WIN32K = 1n << 28n; // PROCESS_CREATION_MITIGATION_POLICY_WIN32K_SYSTEM_CALL_DISABLE_ALWAYS_ON
    const DYNAMIC = 1n << 36n; // …PROHIBIT_DYNAMIC_CODE_ALWAYS_ON
    const STRICT_HANDLES = 1n << 24n; // …STRICT_HANDLE_CHECKS_ALWAYS_ON
    const EXT_POINTS = 1n << 32n; // …EXTENSION_POINT_DISABLE_ALWAYS_ON
    const NO_REMOTE = 1n << 52n; // …IMAGE_LOAD_NO_REMOTE_ALWAYS_ON
    const NO_LOW = 1n << 56n; // …IMAGE_LOAD_NO_LOW_LABEL_ALWAYS_ON
    for (const bit of [STRICT_HANDLES, EXT_POINTS, NO_REMOTE, NO_LOW]) {
      expect(ci.mitigation[0] & bit).toBe(bit);
      expect(strict.mitigation[0] & bit).toBe(bit);
    }
    expect(ci.mitigation[0] & (WIN32K | DYNAMIC)).toBe(0n);
    expect(strict.mitigation[0] & (WIN32K | DYNAMIC)).toBe(WIN32K | DYNAMIC);
    expect(ci.handleList).toBe(true);
    expect(ci.bornInJob).toBe(true);
    expect(ci.childProcessPolicy).toBeUndefined();
    expect(planWindows(base, user, { noChildProcesses: true }).spawn.childProcessPolicy).toBe(1);
  });

  test("each mitigation bit is set by exactly one documented entry", () => {
    const seen = new Set<string>();
    for (const m of mitigations) {
      const key = `${m.word}:${m.bit}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      expect(m.why.length).toBeGreaterThan(10);
    }
    const { words, names } = mitigationWords("strict");
    const bits = (w: bigint) => w.toString(2).split("").filter((c) => c === "1").length;
    expect(bits(words[0]) + bits(words[1])).toBe(names.length);
  });

  test("a uid is refused: Windows sandboxes name accounts", () => {
    expect(() => planWindows({ ...base, user: { uid: 1000, gid: 1000 } }, user)).toThrow(PolicyError);
  });

  test("env and cwd pass through; the private TMPDIR is TMP and TEMP too, whatever their spelling", () => {
    const tmp = "C:\\Users\\ci\\AppData\\Local\\Temp\\cordon-abc";
    const policy = { ...base, env: { PATH: "C:\\tools", Temp: "C:\\Users\\ci\\AppData\\Local\\Temp", tmp: "x", TMPDIR: tmp, CI: "1" }, tmpDir: tmp };
    const { spawn } = planWindows(policy, user);
    expect(spawn.env).toEqual({ PATH: "C:\\tools", TMPDIR: tmp, TMP: tmp, TEMP: tmp, CI: "1" });
    expect(spawn.cwd).toBe("C:\\work");
    // A TMPDIR the policy set itself is left alone, and so are TMP and TEMP.
    const own = { ...policy, env: { ...policy.env, TMPDIR: "D:\\scratch" } };
    expect(planWindows(own, user).spawn.env).toMatchObject({ TMPDIR: "D:\\scratch", Temp: "C:\\Users\\ci\\AppData\\Local\\Temp" });
  });
});

describe("windows plan: identity, files and network", () => {
  test("the default AppContainer gets DACL grants for exactly the policy's paths and no network capability", () => {
    const plan = planWindows(base, user);
    expect(plan.isolation.identity).toMatchObject({ kind: "appcontainer", capabilities: [] });
    expect(plan.isolation.apply).toBe(true);
    expect(plan.isolation.acl).toEqual([
      { path: "C:\\tools", access: FILE_ACCESS.READ_EXECUTE, why: "read" },
      { path: "C:\\work\\out", access: FILE_ACCESS.MODIFY, why: "write" },
      { path: "C:\\work", access: FILE_ACCESS.TRAVERSE, why: "cwd" },
    ]);
    for (const id of ["fs.read-confined", "fs.write-confined", "fs.exec-confined", "net.none"]) expect(row(plan, id)?.status).toBe("enforced");
    expect(row(plan, "net.none")?.by).toEqual(["AppContainer without network capabilities"]);
    expect(plan.isolation.wfp).toEqual([]);
  });

  test("fs.read-confined names what every AppContainer can read beyond the grants", () => {
    const plan = planWindows(base, { elevated: false, packageReadable: ["C:\\Windows", "C:\\Program Files"] });
    expect(row(plan, "fs.read-confined")?.by).toContain("beyond them only what Windows grants ALL APPLICATION PACKAGES (C:\\Windows, C:\\Program Files)");
  });

  test("an ungranted working directory gets a traverse-only entry, so the child can start in it but not list or read it", () => {
    const plan = planWindows({ ...base, cwd: "C:\\repo" }, user);
    expect(plan.isolation.acl).toContainEqual({ path: "C:\\repo", access: FILE_ACCESS.TRAVERSE, why: "cwd" });
    expect(FILE_ACCESS.TRAVERSE & 0x1).toBe(0); // no FILE_LIST_DIRECTORY / FILE_READ_DATA
    // A granted one needs nothing more.
    const granted = planWindows({ ...base, cwd: "C:\\tools\\sub" }, user);
    expect(granted.isolation.acl.filter((g) => g.why === "cwd")).toEqual([]);
  });

  test("paths packages can already read, and device names, get no DACL entry", () => {
    const policy = { ...base, fs: { read: ["C:\\Windows\\System32", "c:/windows/fonts", "C:\\tools"], write: ["\\\\.\\NUL", "C:\\work\\out"] } };
    const plan = planWindows(policy, { elevated: false, packageReadable: ["C:\\Windows", "C:\\Program Files"] });
    const paths = (p: ReturnType<typeof planWindows>) => p.isolation.acl.filter((g) => g.why !== "cwd").map((g) => g.path);
    expect(paths(plan)).toEqual(["C:\\tools", "C:\\work\\out"]);
    const account = planWindows(policy, { elevated: true, packageReadable: ["C:\\Windows"] }, { identity: "account", name: "u" });
    expect(paths(account)).toEqual(["C:\\tools", "C:\\work\\out"]);
  });

  test("container names are stable per policy and valid profile names", () => {
    const a = planWindows(base, user).isolation.identity;
    const b = planWindows(base, user).isolation.identity;
    const c = planWindows({ ...base, cwd: "C:\\other" }, user).isolation.identity;
    expect(a).toEqual(b);
    if (a.kind !== "appcontainer" || c.kind !== "appcontainer") throw new Error("expected AppContainers");
    expect(a.name).not.toBe(c.name);
    expect(a.name).toMatch(/^[A-Za-z0-9.-]{1,64}$/);
  });

  test("net: all grants the network capabilities and reports no network row", () => {
    const plan = planWindows({ ...base, net: "all" }, user);
    expect(plan.isolation.identity).toMatchObject({ capabilities: [CAPABILITY_SID.internetClient, CAPABILITY_SID.internetClientServer, CAPABILITY_SID.privateNetworkClientServer] });
    expect(plan.report.filter((g) => g.guarantee.startsWith("net."))).toEqual([]);
  });

  test("ports, elevated: TCP-only WFP permits on the package SID over block filters, reported with Linux's ids", () => {
    const plan = planWindows(ports, admin);
    for (const id of ["net.tcp-connect-confined", "net.tcp-bind-confined", "net.udp-closed"]) expect(row(plan, id)?.status).toBe("enforced");
    expect(row(plan, "net.ports")).toBeUndefined();
    expect(row(plan, "net.tcp-bind-confined")?.by[0]).toContain("a bind() without listen still succeeds");
    expect(plan.isolation.wfp).toEqual([
      { action: "block", layer: "ALE_AUTH_CONNECT", weight: "low" },
      { action: "block", layer: "ALE_AUTH_LISTEN", weight: "low" },
      { action: "block", layer: "ALE_AUTH_RECV_ACCEPT", weight: "low" },
      { action: "permit", layer: "ALE_AUTH_CONNECT", remotePort: 443, protocol: "tcp", weight: "high" },
      { action: "permit", layer: "ALE_AUTH_LISTEN", localPort: 8080, protocol: "tcp", weight: "high" },
      { action: "permit", layer: "ALE_AUTH_RECV_ACCEPT", localPort: 8080, protocol: "tcp", weight: "high" },
    ]);
    expect(plan.isolation.identity).toMatchObject({ capabilities: [CAPABILITY_SID.internetClient, CAPABILITY_SID.internetClientServer, CAPABILITY_SID.privateNetworkClientServer] });
  });

  test("ports, unprivileged: no capability at all (fail closed), each port row not enforced, hard mode refuses", () => {
    const plan = planWindows(ports, user);
    expect(plan.isolation.identity).toMatchObject({ capabilities: [] });
    expect(plan.isolation.wfp).toEqual([]);
    for (const id of ["net.tcp-connect-confined", "net.tcp-bind-confined", "net.udp-closed"]) {
      expect(row(plan, id)).toMatchObject({ status: "not-enforced", reason: expect.stringContaining("needs an administrator") });
    }
    try {
      planWindows({ ...ports, compat: "hard" }, user);
      throw new Error("expected a refusal");
    } catch (e) {
      expect(e).toBeInstanceOf(CompatError);
      expect((e as CompatError).missing.map((m) => m.guarantee)).toEqual(["net.tcp-connect-confined", "net.tcp-bind-confined", "net.udp-closed"]);
    }
  });

  test("a dedicated account confines files only partly, needs an administrator, and is not applied without one", () => {
    const plan = planWindows(base, user, { identity: "account", name: "cordon-run" });
    expect(plan.isolation.identity).toEqual({ kind: "account", name: "cordon-run" });
    expect(plan.isolation.apply).toBe(false);
    for (const id of ["identity.account", "fs.read-confined", "net.none"]) {
      expect(row(plan, id)).toMatchObject({ status: "not-enforced", reason: expect.stringContaining("needs an administrator") });
    }
    const elevated = planWindows(base, admin, { identity: "account", name: "cordon-run" });
    expect(elevated.isolation.apply).toBe(true);
    expect(row(elevated, "fs.read-confined")?.status).toBe("partial");
    expect(row(elevated, "net.none")).toMatchObject({ status: "enforced" });
    expect(elevated.isolation.wfp.map((f) => `${f.action} ${f.layer}`)).toEqual(["block ALE_AUTH_CONNECT", "block ALE_AUTH_LISTEN", "block ALE_AUTH_RECV_ACCEPT"]);
  });

  test("a low-integrity token confines writes partly and neither reads nor network", () => {
    const plan = planWindows(base, user, { identity: "low-integrity" });
    expect(plan.isolation.acl).toEqual([]);
    expect(row(plan, "fs.read-confined")?.status).toBe("not-enforced");
    expect(row(plan, "fs.write-confined")?.status).toBe("partial");
    expect(row(plan, "net.none")?.status).toBe("not-enforced");
  });
});

describe("windows plan: under Wine", () => {
  const everything: ResolvedPolicy = { ...base, limits: { memory: 1 << 28, pids: 4, cpuSeconds: 2, timeoutMs: 100 } };

  test("lifetime guarantees stay enforced: tree kill, exit, timeout, handle list", () => {
    const plan = planWindows(everything, wine);
    for (const id of ["tree.kill", "tree.exit", "limits.timeoutMs", "handles.listed-only"]) expect(row(plan, id)?.status).toBe("enforced");
  });

  test("each security row names the mechanism Wine lacks and what was measured", () => {
    const plan = planWindows({ ...everything, net: { connect: [443], bind: [] } }, wine, { cpuRatePercent: 50, noChildProcesses: true });
    const reasons: Record<string, string> = {
      "limits.memory": "JobMemoryLimit 0",
      "limits.pids": "starts a second",
      "limits.cpuSeconds": "0 user and 0 kernel time",
      "limits.cpuRate": "ERROR_INVALID_PARAMETER",
      "ui.confined": "ERROR_INVALID_FUNCTION",
      "proc.mitigations": "GetProcessMitigationPolicy reads 0",
      "proc.no-children": "CHILD_PROCESS_RESTRICTED",
      "fs.read-confined": "CreateAppContainerProfile",
      "fs.write-confined": "opening the file does not",
      "net.tcp-connect-confined": "1764",
    };
    for (const [id, seen] of Object.entries(reasons)) {
      expect({ id, ...row(plan, id) }).toMatchObject({ id, status: "not-enforced", reason: expect.stringContaining(seen) });
      expect(row(plan, id)?.reason).toContain("Wine 8.0");
    }
  });

  test("nothing Wine refuses or would die of is applied: no identity, no CPU rate", () => {
    const plan = planWindows(base, wine, { cpuRatePercent: 50 });
    expect(plan.isolation.apply).toBe(false);
    expect(plan.job.cpuRate).toBeUndefined();
    expect(plan.notes.join("\n")).toContain("not applied on this host");
  });

  test("hard mode refuses, naming every guarantee Wine does not enforce", () => {
    try {
      planWindows({ ...base, compat: "hard", limits: { memory: 1 << 28 } }, wine);
      throw new Error("expected a refusal");
    } catch (e) {
      expect(e).toBeInstanceOf(CompatError);
      const refused = (e as CompatError).missing.map((m) => m.guarantee).sort();
      expect(refused).toEqual(["fs.exec-confined", "fs.read-confined", "fs.write-confined", "limits.memory", "net.none", "proc.mitigations", "ui.confined"]);
    }
  });
});

describe("windows verdicts", () => {
  const m = (...ids: number[]) => ids.map((message) => ({ message }));
  test("limit messages name the limit, once each, in the order first hit", () => {
    // NEW_PROCESS 6, JOB_MEMORY_LIMIT 10, ACTIVE_PROCESS_LIMIT 3, PROCESS_MEMORY_LIMIT 9, EXIT_PROCESS 7, ACTIVE_PROCESS_ZERO 4
    expect(windowsVerdicts(m(6, 10, 3, 9, 7, 4), false)).toEqual(["memory", "pids"]);
    expect(windowsVerdicts(m(6, 1, 4), false)).toEqual(["cpu"]); // END_OF_JOB_TIME
  });
  test("cordon's timer comes first, then its CPU poll; a plain exit is 'exited'", () => {
    expect(windowsVerdicts(m(6, 7, 4), true)).toEqual(["timeout"]);
    expect(windowsVerdicts(m(6, 1, 7, 4), false, true)).toEqual(["cpu"]);
    expect(windowsVerdicts(m(6, 7, 4), false)).toEqual(["exited"]);
  });
});

describe("graceful timeout on Windows", () => {
  test("killSignal and killAfterMs are not silently dropped: the timeout row says Windows ends the tree at once", async () => {
    const { planWindows } = await import("../../lib/plan/windows/index.ts");
    const base = { fs: { read: [], write: [] }, env: {}, cwd: "C:\\src", net: "none" as const, compat: "best-effort" as const };
    const row = (limits: object) => planWindows({ ...base, limits } as never, { elevated: false }).report.find((g) => g.guarantee === "limits.timeoutMs")!;
    expect(row({ timeoutMs: 1000, killSignal: "SIGINT", killAfterMs: 100 }).by.join(" ")).toContain("no first signal on Windows");
    expect(row({ timeoutMs: 1000 }).by.join(" ")).not.toContain("no first signal");
  });
});
