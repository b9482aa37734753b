// The Windows plan compiler, on any OS: policy → job limits, spawn attributes,
// identity, DACL grants, WFP filters, and the report.
import { describe, expect, test } from "bun:test";
import { CompatError, PolicyError } from "../../lib/errors.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";
import { CAPABILITY_SID, FILE_ACCESS, JOB_OBJECT_LIMIT, allUiRestrictions, mitigationWords, mitigations, planWindows, windowsVerdicts } from "../../lib/plan/windows/index.ts";

const base: ResolvedPolicy = {
  fs: { read: ["C:\\tools"], write: ["C:\\work\\out"] },
  env: { PATH: "C:\\tools" },
  cwd: "C:\\work",
  net: "none",
  limits: {},
  compat: "best-effort",
};
const user = { elevated: false };
const admin = { elevated: true };
const row = (plan: ReturnType<typeof planWindows>, id: string) => plan.report.find((g) => g.guarantee === id);

describe("windows plan: job object", () => {
  test("every job kills its tree on close, dies on unhandled exceptions, and allows no breakaway", () => {
    const { job } = planWindows(base, user);
    expect(job.limitFlags & JOB_OBJECT_LIMIT.KILL_ON_JOB_CLOSE).toBe(JOB_OBJECT_LIMIT.KILL_ON_JOB_CLOSE);
    expect(job.limitFlags & JOB_OBJECT_LIMIT.DIE_ON_UNHANDLED_EXCEPTION).toBe(JOB_OBJECT_LIMIT.DIE_ON_UNHANDLED_EXCEPTION);
    expect(job.limitFlags & (JOB_OBJECT_LIMIT.BREAKAWAY_OK | JOB_OBJECT_LIMIT.SILENT_BREAKAWAY_OK)).toBe(0);
    expect(job.uiRestrictions).toBe(allUiRestrictions);
    expect(job.limitFlags & (JOB_OBJECT_LIMIT.JOB_MEMORY | JOB_OBJECT_LIMIT.ACTIVE_PROCESS | JOB_OBJECT_LIMIT.JOB_TIME)).toBe(0);
  });

  test("memory, process count and CPU seconds become job limits", () => {
    const plan = planWindows({ ...base, limits: { memory: 256 * 2 ** 20, pids: 5, cpuSeconds: 3, timeoutMs: 1500 } }, user);
    const { job } = plan;
    expect(job.limitFlags & JOB_OBJECT_LIMIT.JOB_MEMORY).toBeTruthy();
    expect(job.jobMemoryLimit).toBe(268435456n);
    expect(job.limitFlags & JOB_OBJECT_LIMIT.ACTIVE_PROCESS).toBeTruthy();
    expect(job.activeProcessLimit).toBe(5);
    expect(job.perJobUserTime).toBe(30_000_000n); // 100 ns units
    expect(job.timeoutMs).toBe(1500);
    expect(row(plan, "limits.memory")?.status).toBe("enforced");
    expect(row(plan, "limits.cpuSeconds")?.status).toBe("partial");
  });

  test("a CPU rate becomes a hard cap in hundredths of a percent", () => {
    const { job } = planWindows(base, user, { cpuRatePercent: 25 });
    expect(job.cpuRate).toEqual({ controlFlags: 0x1 | 0x4, value: 2500 });
  });

  test("limits Windows cannot enforce are reported, and refused in hard mode", () => {
    const soft = planWindows({ ...base, limits: { openFiles: 64, fileSize: 1 << 20 } }, user);
    expect(row(soft, "limits.openFiles")?.status).toBe("not-enforced");
    expect(row(soft, "limits.fileSize")?.status).toBe("not-enforced");
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
});

describe("windows plan: identity, files and network", () => {
  test("the default AppContainer gets DACL grants for exactly the policy's paths and no network capability", () => {
    const plan = planWindows(base, user);
    expect(plan.isolation.identity).toMatchObject({ kind: "appcontainer", capabilities: [] });
    expect(plan.isolation.acl).toEqual([
      { path: "C:\\tools", access: FILE_ACCESS.READ_EXECUTE, why: "read" },
      { path: "C:\\work\\out", access: FILE_ACCESS.MODIFY, why: "write" },
    ]);
    expect(row(plan, "net.none")?.status).toBe("enforced");
    expect(plan.isolation.wfp).toEqual([]);
  });

  test("paths packages can already read, and device names, get no DACL entry", () => {
    const policy = { ...base, fs: { read: ["C:\\Windows\\System32", "c:/windows/fonts", "C:\\tools"], write: ["\\\\.\\NUL", "C:\\work\\out"] } };
    const plan = planWindows(policy, { elevated: false, packageReadable: ["C:\\Windows", "C:\\Program Files"] });
    expect(plan.isolation.acl.map((g) => g.path)).toEqual(["C:\\tools", "C:\\work\\out"]);
    const account = planWindows(policy, { elevated: true, packageReadable: ["C:\\Windows"] }, { identity: "account", name: "u" });
    expect(account.isolation.acl.map((g) => g.path)).toEqual(["C:\\tools", "C:\\work\\out"]);
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

  test("net: all grants the network capabilities", () => {
    const id = planWindows({ ...base, net: "all" }, user).isolation.identity;
    expect(id).toMatchObject({ capabilities: [CAPABILITY_SID.internetClient, CAPABILITY_SID.internetClientServer, CAPABILITY_SID.privateNetworkClientServer] });
  });

  test("ports need WFP: filters when elevated, not-enforced (and refused in hard mode) otherwise", () => {
    const ports = { ...base, net: { connect: [443], bind: [8080] } } as const;
    const elevated = planWindows(ports, admin);
    expect(row(elevated, "net.ports")?.status).toBe("enforced");
    expect(elevated.isolation.wfp).toContainEqual({ action: "permit", layer: "ALE_AUTH_CONNECT", remotePort: 443, weight: "high" });
    expect(elevated.isolation.wfp).toContainEqual({ action: "permit", layer: "ALE_AUTH_RECV_ACCEPT", localPort: 8080, weight: "high" });
    expect(elevated.isolation.wfp.filter((f) => f.action === "block")).toHaveLength(2);
    expect(row(planWindows(ports, user), "net.ports")?.status).toBe("not-enforced");
    expect(() => planWindows({ ...ports, compat: "hard" }, user)).toThrow(CompatError);
  });

  test("a dedicated account confines files only partly and needs an administrator", () => {
    const plan = planWindows(base, user, { identity: "account", name: "cordon-run" });
    expect(plan.isolation.identity).toEqual({ kind: "account", name: "cordon-run" });
    expect(row(plan, "fs.read-confined")?.status).toBe("partial");
    expect(row(plan, "identity.account")?.status).toBe("not-enforced");
    expect(row(plan, "net.none")?.status).toBe("not-enforced");
    const elevated = planWindows(base, admin, { identity: "account", name: "cordon-run" });
    expect(row(elevated, "net.none")).toMatchObject({ status: "enforced" });
    expect(elevated.isolation.wfp.map((f) => f.action)).toEqual(["block", "block"]);
  });
});

describe("windows plan: under Wine", () => {
  test("lifetime guarantees stay enforced; every security guarantee is reported as not enforced", () => {
    const plan = planWindows({ ...base, limits: { memory: 1 << 28, timeoutMs: 100 } }, { elevated: false, wine: "8.0" });
    expect(row(plan, "tree.kill")?.status).toBe("enforced");
    expect(row(plan, "tree.exit")?.status).toBe("enforced");
    expect(row(plan, "limits.timeoutMs")?.status).toBe("enforced");
    expect(row(plan, "handles.listed-only")?.status).toBe("enforced");
    for (const id of ["limits.memory", "proc.mitigations", "fs.read-confined", "fs.write-confined", "net.none", "ui.confined"]) {
      expect(row(plan, id)).toMatchObject({ status: "not-enforced", reason: expect.stringContaining("Wine 8.0") });
    }
    expect(() => planWindows({ ...base, compat: "hard" }, { elevated: false, wine: "8.0" })).toThrow(CompatError);
  });
});

describe("windows verdicts", () => {
  const m = (...ids: number[]) => ids.map((message) => ({ message }));
  test("limit messages name the limit, once each, in the order first hit", () => {
    // NEW_PROCESS 6, JOB_MEMORY_LIMIT 10, ACTIVE_PROCESS_LIMIT 3, PROCESS_MEMORY_LIMIT 9, EXIT_PROCESS 7, ACTIVE_PROCESS_ZERO 4
    expect(windowsVerdicts(m(6, 10, 3, 9, 7, 4), false)).toEqual(["memory", "pids"]);
    expect(windowsVerdicts(m(6, 1, 4), false)).toEqual(["cpu"]); // END_OF_JOB_TIME
  });
  test("cordon's timer comes first; a plain exit is 'exited'", () => {
    expect(windowsVerdicts(m(6, 7, 4), true)).toEqual(["timeout"]);
    expect(windowsVerdicts(m(6, 7, 4), false)).toEqual(["exited"]);
  });
});
