// The landlock plan compiler on every ABI from 0 (no landlock) to 10, as if
// the kernel were that old (or that new: this one offers 7): handled rights,
// attr size, rules, restrict flags, compatibility levels and the per-right
// report. Expected masks are the uapi's documented bits (landlock(7) and
// include/uapi/linux/landlock.h), not values read back from the compiler.
import { describe, expect, test } from "bun:test";
import { CompatError, PolicyError } from "../../lib/errors.ts";
import { isRightName, landlockGuarantees, planLandlock, type LandlockPlan } from "../../lib/plan/linux/landlock/index.ts";
import { coveredElsewhere, foldCovered, planSandbox, type SandboxHost } from "../../lib/plan/linux/sandbox.ts";
import { AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, syscallNumber } from "../../lib/plan/linux/seccomp/index.ts";
import { decodeFilter, run } from "../helpers/bpf-interpreter.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";

type P = Pick<ResolvedPolicy, "fs" | "net" | "compat">;
const policy = (over: Partial<P> = {}): P => ({ fs: { read: ["/usr"], write: ["/tmp/work"] }, net: "none", compat: "best-effort", ...over });

// landlock(7): ABI 1 has bits 0..12, ABI 2 adds REFER (13), ABI 3 TRUNCATE (14), ABI 5 IOCTL_DEV (15),
// ABI 9 RESOLVE_UNIX (16); net: TCP bind/connect (bits 0, 1) at ABI 4, UDP bind/connect-send (2, 3) at ABI 10.
const fsAt = [0, 0x1fff, 0x3fff, 0x7fff, 0x7fff, 0xffff, 0xffff, 0xffff, 0xffff, 0x1ffff, 0x1ffff];
const netAt = [0, 0, 0, 0, 3, 3, 3, 3, 3, 3, 0xf];
const scopeAt = [0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3];
// ABI 10's quiet masks would make it 48 bytes; cordon never quiets, so 24 stays.
const attrAt = [0, 8, 8, 8, 16, 16, 24, 24, 24, 24, 24];
const EXECUTE = 1, WRITE_FILE = 2, READ_FILE = 4, READ_DIR = 8, TRUNCATE = 1 << 14, IOCTL_DEV = 1 << 15, RESOLVE_UNIX = 1 << 16;
const BIND = 1, CONNECT = 2, BIND_UDP = 4, CONNECT_SEND_UDP = 8;
const TSYNC = 1 << 3;

const statusOf = (plan: LandlockPlan, right: string) => plan.report.rights.find((r) => r.right === right)?.status;

describe("landlock plan per ABI (best-effort)", () => {
  for (let abi = 0; abi <= 10; abi++) {
    test(`ABI ${abi}: handles exactly the rights this ABI knows`, () => {
      const plan = planLandlock(policy(), { abi });
      expect(plan.abi).toBe(abi);
      expect(plan.apply).toBe(abi >= 1);
      expect(plan.handledFs).toBe(fsAt[abi]!);
      expect(plan.handledNet).toBe(netAt[abi]!);
      expect(plan.scoped).toBe(scopeAt[abi]!);
      expect(plan.attrSize).toBe(attrAt[abi]! as 0);
      expect(plan.restrictFlags).toBe(0);
      expect(plan.report.status).toBe(abi === 0 ? "none" : abi >= 10 ? "full" : "partial");
    });

    test(`ABI ${abi}: every right the ABI lacks is reported not enforced, with the ABI in the reason`, () => {
      const plan = planLandlock(policy(), { abi });
      for (const r of plan.report.rights) {
        if (abi === 0) {
          expect(r.status).toBe("not-enforced");
          expect(r.reason).toContain("not available");
        } else if (r.right === "fs.refer" && abi < 2) {
          // Unhandled REFER denies all reparenting: stricter, so enforced.
          expect(r.status).toBe("enforced");
          expect(r.reason).toContain("denied");
        } else if (r.abi > abi) {
          expect({ right: r.right, status: r.status }).toEqual({ right: r.right, status: "not-enforced" });
          expect(r.reason).toBe(`landlock ABI ${abi} < ${r.abi}`);
        } else {
          expect({ right: r.right, status: r.status }).toEqual({ right: r.right, status: "enforced" });
        }
      }
    });

    test(`ABI ${abi}: rules grant read rights on reads and every handled right on writes`, () => {
      const plan = planLandlock(policy(), { abi });
      if (abi === 0) {
        expect(plan.rules).toEqual([]);
        return;
      }
      const usr = plan.rules.find((r) => r.path === "/usr")!;
      const work = plan.rules.find((r) => r.path === "/tmp/work")!;
      expect(usr.access).toBe(EXECUTE | READ_FILE | READ_DIR);
      expect(usr.fileAccess).toBe(EXECUTE | READ_FILE);
      expect(work.access).toBe(fsAt[abi]!);
      expect(work.fileAccess).toBe(EXECUTE | WRITE_FILE | READ_FILE | (abi >= 3 ? TRUNCATE : 0) | (abi >= 5 ? IOCTL_DEV : 0) | (abi >= 9 ? RESOLVE_UNIX : 0));
    });
  }

  test("an ABI newer than cordon knows is used as the newest known one", () => {
    const plan = planLandlock(policy(), { abi: 12 });
    expect(plan.abi).toBe(10);
    expect(plan.handledFs).toBe(0x1ffff);
    expect(plan.handledNet).toBe(0xf);
  });
});

describe("landlock compatibility levels", () => {
  test("hard fails closed, naming every right the ABI lacks (REFER excepted)", () => {
    let err: unknown;
    try {
      planLandlock(policy({ compat: "hard" }), { abi: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CompatError);
    const names = (err as CompatError).missing.map((m) => m.guarantee).sort();
    expect(names).toEqual([
      "landlock fs.ioctl_dev", "landlock fs.resolve_unix", "landlock fs.truncate", "landlock net.bind_tcp", "landlock net.bind_udp",
      "landlock net.connect_send_udp", "landlock net.connect_tcp", "landlock scope.abstract_unix_socket", "landlock scope.signal",
    ]);
    expect((err as CompatError).missing.find((m) => m.guarantee === "landlock fs.truncate")!.reason).toBe("landlock ABI 1 < 3");
  });

  test("hard passes on ABI 10 for the default policy; on ABI 7 and 8 it names exactly the ABI 9 and 10 rights", () => {
    expect(planLandlock(policy({ compat: "hard" }), { abi: 10 }).report.status).toBe("full");
    for (const abi of [7, 8]) {
      let err: unknown;
      try {
        planLandlock(policy({ compat: "hard" }), { abi });
      } catch (e) {
        err = e;
      }
      expect((err as CompatError).missing).toEqual([
        { guarantee: "landlock fs.resolve_unix", reason: `landlock ABI ${abi} < 9` },
        { guarantee: "landlock net.bind_udp", reason: `landlock ABI ${abi} < 10` },
        { guarantee: "landlock net.connect_send_udp", reason: `landlock ABI ${abi} < 10` },
      ]);
    }
  });

  test("on ABI 0 every reason says why landlock is unavailable", () => {
    const plan = planLandlock(policy(), { abi: 0, unavailable: "disabled on this kernel (EOPNOTSUPP)" });
    expect(plan.report.reason).toBe("landlock is not available (ABI 0: disabled on this kernel (EOPNOTSUPP))");
    expect(new Set(plan.report.rights.map((r) => r.reason))).toEqual(new Set([plan.report.reason!]));
  });

  test("hard on a host without landlock is a CompatError", () => {
    expect(() => planLandlock(policy({ compat: "hard" }), { abi: 0 })).toThrow(CompatError);
  });

  test("per-right levels: hard by default, scopes best-effort, runs on ABI 5 with scopes reported missing", () => {
    const newer = { "fs.resolve_unix": "best-effort", "net.bind_udp": "best-effort", "net.connect_send_udp": "best-effort" } as const;
    const plan = planLandlock(policy({ compat: "hard" }), { abi: 5 }, {
      compat: { rights: { "scope.signal": "best-effort", "scope.abstract_unix_socket": "best-effort", ...newer } },
    });
    expect(plan.apply).toBe(true);
    expect(plan.scoped).toBe(0);
    expect(statusOf(plan, "scope.signal")).toBe("not-enforced");
    expect(statusOf(plan, "fs.ioctl_dev")).toBe("enforced");
    expect(plan.report.status).toBe("partial");
    const levels = Object.fromEntries(plan.report.rights.map((r) => [r.right, r.level]));
    expect(levels["scope.signal"]).toBe("best-effort");
    expect(levels["fs.read_file"]).toBe("hard");
  });

  test("a soft requirement the ABI lacks turns the whole ruleset off and says why", () => {
    const plan = planLandlock(policy(), { abi: 3 }, { compat: { default: "best-effort", rights: { "net.connect_tcp": "soft" } } });
    expect(plan.apply).toBe(false);
    expect(plan.handledFs).toBe(0);
    expect(plan.rules).toEqual([]);
    expect(plan.report.status).toBe("none");
    expect(plan.report.reason).toContain("net.connect_tcp (ABI 4)");
    expect(plan.report.rights.every((r) => r.status === "not-enforced")).toBe(true);
  });

  test("a soft requirement the ABI has changes nothing", () => {
    const plan = planLandlock(policy(), { abi: 4 }, { compat: { rights: { "net.connect_tcp": "soft" } } });
    expect(plan.apply).toBe(true);
    expect(plan.handledNet).toBe(BIND | CONNECT);
  });

  test("the options' level overrides the policy's", () => {
    expect(() => planLandlock(policy({ compat: "best-effort" }), { abi: 3 }, { compat: "hard" })).toThrow(CompatError);
    expect(planLandlock(policy({ compat: "hard" }), { abi: 3 }, { compat: "best-effort" }).apply).toBe(true);
  });

  test("unknown levels and right names are policy errors", () => {
    expect(() => planLandlock(policy(), { abi: 7 }, { compat: "strict" as never })).toThrow(PolicyError);
    expect(() => planLandlock(policy(), { abi: 7 }, { compat: { rights: { "fs.fly": "hard" } as never } })).toThrow(PolicyError);
  });
});

describe("landlock network and scopes", () => {
  test("TCP ports become port rules, merged per port", () => {
    const plan = planLandlock(policy({ net: { connect: [443, 8080], bind: [8080] } }), { abi: 4 });
    expect(plan.netRules).toEqual([
      { port: 443, access: CONNECT },
      { port: 8080, access: BIND | CONNECT },
    ]);
  });

  test("net none handles TCP with no rule: every bind and connect is denied", () => {
    const plan = planLandlock(policy({ net: "none" }), { abi: 7 });
    expect(plan.handledNet).toBe(BIND | CONNECT);
    expect(plan.netRules).toEqual([]);
  });

  test("net all leaves TCP and UDP unhandled and asks nothing of the ABI", () => {
    const plan = planLandlock(policy({ net: "all", compat: "hard" }), { abi: 9 });
    expect(plan.handledNet).toBe(0);
    expect(plan.report.rights.some((r) => r.right.startsWith("net."))).toBe(false);
    expect(() => planLandlock(policy({ net: "none", compat: "hard" }), { abi: 9 })).toThrow(CompatError);
  });

  test("below ABI 4 port rules are dropped and the report says TCP is not confined", () => {
    const plan = planLandlock(policy({ net: { connect: [443], bind: [] } }), { abi: 3 });
    expect(plan.netRules).toEqual([]);
    const rule = plan.report.rules.find((r) => r.target === "tcp:443")!;
    expect(rule.granted).toEqual([]);
    expect(rule.dropped).toEqual([{ right: "net.connect_tcp", reason: "landlock ABI 3 < 4: TCP is not confined" }]);
  });

  test("bad ports are policy errors naming the field", () => {
    expect(() => planLandlock(policy({ net: { connect: [70000], bind: [] } }), { abi: 7 })).toThrow(/net\.connect: 70000/);
    expect(() => planLandlock(policy({ net: { connect: [], bind: [1.5] } }), { abi: 7 })).toThrow(/net\.bind/);
  });
});

describe("landlock rules and report", () => {
  test("a path both read and written gets the union, once", () => {
    const plan = planLandlock(policy({ fs: { read: ["/srv", "/srv"], write: ["/srv"] } }), { abi: 7 });
    expect(plan.rules).toEqual([{ path: "/srv", access: 0xffff, fileAccess: EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV }]);
  });

  test("the rule report lists requested, granted and dropped rights with reasons", () => {
    const plan = planLandlock(policy(), { abi: 2 });
    const work = plan.report.rules.find((r) => r.target === "/tmp/work")!;
    expect(work.requested).toHaveLength(17);
    expect(work.granted).toHaveLength(14);
    expect(work.dropped).toEqual([
      { right: "fs.truncate", reason: "landlock ABI 2 < 3" },
      { right: "fs.ioctl_dev", reason: "landlock ABI 2 < 5" },
      { right: "fs.resolve_unix", reason: "landlock ABI 2 < 9" },
    ]);
  });

  test("on ABI 1 a write grant's REFER is dropped with the stricter meaning spelled out", () => {
    const work = planLandlock(policy(), { abi: 1 }).report.rules.find((r) => r.target === "/tmp/work")!;
    expect(work.dropped.find((d) => d.right === "fs.refer")!.reason).toContain("every rename or link across directories is denied");
  });

  test("relative or NUL-bearing paths are policy errors", () => {
    expect(() => planLandlock(policy({ fs: { read: ["usr"], write: [] } }), { abi: 7 })).toThrow(PolicyError);
    expect(() => planLandlock(policy({ fs: { read: [], write: ["/a\0b"] } }), { abi: 7 })).toThrow(/fs\.write/);
  });
});

describe("landlock logging flags (ABI 7)", () => {
  test("non-default log settings become restrict_self flags", () => {
    const plan = planLandlock(policy(), { abi: 7 }, { log: { sameExec: false, newExec: true, subdomains: false } });
    expect(plan.restrictFlags).toBe(1 | 2 | 4);
  });

  test("below ABI 7 they are dropped best-effort, or fail hard", () => {
    const plan = planLandlock(policy(), { abi: 6 }, { log: { newExec: true } });
    expect(plan.restrictFlags).toBe(0);
    expect(statusOf(plan, "restrict.log_new_exec_on")).toBe("not-enforced");
    expect(() => planLandlock(policy({ compat: "hard" }), { abi: 6 }, { log: { newExec: true } })).toThrow(CompatError);
  });
});

describe("landlock guarantees", () => {
  test("ABI 3 confines reads and writes fully, TCP and IPC not at all", () => {
    const g = Object.fromEntries(landlockGuarantees(planLandlock(policy(), { abi: 3 }).report).map((x) => [x.guarantee, x]));
    expect(g["fs.read-confined"]!.status).toBe("enforced");
    expect(g["fs.write-confined"]!.status).toBe("enforced");
    expect(g["fs.write-confined"]!.by).toEqual(["landlock abi 3"]);
    expect(g["fs.ioctl-dev-confined"]!.status).toBe("not-enforced");
    expect(g["net.tcp-connect-confined"]!.status).toBe("not-enforced");
    expect(g["ipc.signal-scoped"]!.reason).toBe("scope.signal: landlock ABI 3 < 6");
  });

  test("ABI 2 confines writes only partly: truncate is missing", () => {
    const g = landlockGuarantees(planLandlock(policy(), { abi: 2 }).report).find((x) => x.guarantee === "fs.write-confined")!;
    expect(g.status).toBe("partial");
    expect(g.reason).toBe("fs.truncate: landlock ABI 2 < 3");
  });
});

describe("landlock plans are reused for the same inputs", () => {
  test("a plan seen once is the caller's own; seen again it is frozen and shared", () => {
    const once = () => planLandlock(policy({ fs: { read: ["/seen/once"], write: [] } }), { abi: 7 });
    const first = once();
    expect(Object.isFrozen(first)).toBe(false);
    const second = once();
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(Object.isFrozen(second)).toBe(true);
    expect(once()).toBe(second);
  });

  test("inputs seen again give the same frozen plan; any input that matters gives another", () => {
    planLandlock(policy(), { abi: 7 });
    const a = planLandlock(policy(), { abi: 7 });
    expect(planLandlock(policy(), { abi: 7 })).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.rules[0]) && Object.isFrozen(a.report.rules[0]!.granted)).toBe(true);
    expect(() => (a.rules as unknown[]).push({ path: "/", access: 0xffff, fileAccess: 0xffff })).toThrow(TypeError);
    const others = [
      planLandlock(policy(), { abi: 6 }),
      planLandlock(policy({ fs: { read: ["/usr", "/etc"], write: ["/tmp/work"] } }), { abi: 7 }),
      planLandlock(policy({ fs: { read: [], write: ["/usr", "/tmp/work"] } }), { abi: 7 }),
      planLandlock(policy({ net: { connect: [443], bind: [] } }), { abi: 7 }),
      planLandlock(policy({ compat: "hard" }), { abi: 10 }),
      planLandlock(policy(), { abi: 7 }, { compat: { rights: { "fs.truncate": "soft" } } }),
      planLandlock(policy(), { abi: 7 }, { log: { newExec: true } }),
      planLandlock(policy(), { abi: 0, unavailable: "disabled" }),
    ];
    for (const p of others) expect(p).not.toBe(a);
    expect(others[0]!.abi).toBe(6);
    expect(others[6]!.restrictFlags).toBe(2);
    expect(planLandlock(policy(), { abi: 0 }).report.reason).not.toBe(others[7]!.report.reason);
  });

  test("invalid inputs are refused every time, never answered from a cached plan", () => {
    planLandlock(policy({ fs: { read: ["/usr"], write: [] } }), { abi: 7 });
    expect(() => planLandlock(policy({ fs: { read: ["usr"], write: [] } }), { abi: 7 })).toThrow(PolicyError);
    expect(() => planLandlock(policy({ fs: { read: ["/usr\0"], write: [] } }), { abi: 7 })).toThrow(PolicyError);
    expect(() => planLandlock(policy({ compat: "hard" }), { abi: 3 })).toThrow(CompatError);
    expect(() => planLandlock(policy({ compat: "hard" }), { abi: 3 })).toThrow(CompatError);
  });

  test("the cache is bounded: old plans are dropped", () => {
    const cached = () => planLandlock(policy({ fs: { read: ["/cache/0"], write: [] } }), { abi: 7 });
    cached();
    const first = cached();
    expect(cached()).toBe(first);
    for (let i = 1; i <= 40; i++) for (let twice = 0; twice < 2; twice++) planLandlock(policy({ fs: { read: [`/cache/${i}`], write: [] } }), { abi: 7 });
    const again = cached();
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});

describe("landlock ABI 8–10 (planned here; this kernel offers 7)", () => {
  test("ABI 8: TSYNC is known but never set: the child restricts itself while it is one thread, before exec", () => {
    expect(isRightName("restrict.tsync")).toBe(true);
    for (let abi = 7; abi <= 10; abi++) {
      expect(planLandlock(policy(), { abi }).restrictFlags & TSYNC).toBe(0);
      expect(planLandlock(policy(), { abi }, { log: { sameExec: false, newExec: true, subdomains: false } }).restrictFlags).toBe(1 | 2 | 4);
    }
    // Never asked for, so never missing: a hard level for it refuses nothing on ABI 7.
    const plan = planLandlock(policy(), { abi: 7 }, { compat: { rights: { "restrict.tsync": "hard" } } });
    expect(plan.report.rights.some((r) => r.right === "restrict.tsync")).toBe(false);
  });

  test("ABI 9: RESOLVE_UNIX is handled; write grants and file grants carry it, read grants do not", () => {
    const plan = planLandlock(policy({ fs: { read: ["/usr", "/run/ro.sock"], write: ["/tmp/work", "/run/rw.sock"] } }), { abi: 9 });
    expect(plan.handledFs & RESOLVE_UNIX).toBe(RESOLVE_UNIX);
    const rule = (path: string) => plan.rules.find((r) => r.path === path)!;
    expect(rule("/usr").access & RESOLVE_UNIX).toBe(0);
    expect(rule("/run/ro.sock").fileAccess & RESOLVE_UNIX).toBe(0);
    expect(rule("/tmp/work").access & RESOLVE_UNIX).toBe(RESOLVE_UNIX);
    // A grant naming the socket file itself: a file rule, and the kernel takes RESOLVE_UNIX on a file.
    expect(rule("/run/rw.sock").fileAccess & RESOLVE_UNIX).toBe(RESOLVE_UNIX);
    expect(statusOf(plan, "fs.resolve_unix")).toBe("enforced");
    const old = planLandlock(policy(), { abi: 8 });
    expect(old.handledFs & RESOLVE_UNIX).toBe(0);
    expect(old.report.rights.find((r) => r.right === "fs.resolve_unix")).toMatchObject({ status: "not-enforced", reason: "landlock ABI 8 < 9" });
  });

  test("ABI 10: UDP bind and connect-send are handled with no UDP rule; TCP port rules stay TCP-only", () => {
    const ports = planLandlock(policy({ net: { connect: [443], bind: [8080] } }), { abi: 10 });
    expect(ports.handledNet).toBe(BIND | CONNECT | BIND_UDP | CONNECT_SEND_UDP);
    // No rule grants a UDP bit, so every UDP bind, connect, addressed send and auto-bind is denied.
    expect(ports.netRules).toEqual([
      { port: 443, access: CONNECT },
      { port: 8080, access: BIND },
    ]);
    expect(ports.report.rules.filter((r) => !r.target.startsWith("/")).map((r) => r.target)).toEqual(["tcp:443", "tcp:8080"]);
    expect(planLandlock(policy({ net: "none" }), { abi: 10 })).toMatchObject({ handledNet: 0xf, netRules: [] });
    const old = planLandlock(policy({ net: { connect: [443], bind: [] } }), { abi: 9 });
    expect(old.handledNet).toBe(BIND | CONNECT);
    for (const r of ["net.bind_udp", "net.connect_send_udp"])
      expect(old.report.rights.find((x) => x.right === r)).toMatchObject({ status: "not-enforced", reason: "landlock ABI 9 < 10" });
  });

  test("the quiet rule flag (ABI 10) is known and never set; the ruleset attr stays 24 bytes", () => {
    expect(isRightName("rule.quiet")).toBe(true);
    const plan = planLandlock(policy(), { abi: 10 }, { compat: { rights: { "rule.quiet": "hard" } } });
    expect(plan.attrSize).toBe(24);
    expect(plan.report.rights.some((r) => r.right.startsWith("rule."))).toBe(false);
    expect(() => planLandlock(policy(), { abi: 7 }, { compat: { rights: { "rule.quiet": "hard" } } })).not.toThrow();
  });

  test("guarantees: pathname unix sockets confined from ABI 9, UDP from ABI 10; below, the reason names the ABI", () => {
    const at = (abi: number) => Object.fromEntries(landlockGuarantees(planLandlock(policy(), { abi }).report).map((x) => [x.guarantee, x]));
    const g10 = at(10);
    for (const id of ["ipc.unix-path-confined", "net.udp-bind-confined", "net.udp-send-confined"]) expect(g10[id]).toMatchObject({ status: "enforced", by: ["landlock abi 10"] });
    const g9 = at(9);
    expect(g9["ipc.unix-path-confined"]!.status).toBe("enforced");
    expect(g9["net.udp-send-confined"]).toMatchObject({ status: "not-enforced", reason: "net.connect_send_udp: landlock ABI 9 < 10" });
    const g8 = at(8);
    expect(g8["ipc.unix-path-confined"]).toMatchObject({ status: "not-enforced", reason: "fs.resolve_unix: landlock ABI 8 < 9" });
    // RESOLVE_UNIX is its own guarantee: an older kernel does not make file writes look partly confined.
    expect(g8["fs.write-confined"]!.status).toBe("enforced");
  });
});

describe("which mechanism closes pathname unix sockets and UDP, per ABI (sandbox plan)", () => {
  const host = (over: Partial<SandboxHost> = {}): SandboxHost => ({ arch: "x86_64", seccomp: true, namespaces: "direct", procfs: true, netns: true, capabilities: true, landlockAbi: 7, ...over });
  const noNs = { namespaces: "none", procfs: false, netns: false } as const;
  const ports = { net: { connect: [443], bind: [] } } as const;
  const g = (plan: ReturnType<typeof planSandbox>, id: string) => plan.report.find((r) => r.guarantee === id);
  /** The filter's answer to socket(domain, type, 0), run by an interpreter independent of the compiler. */
  const socketCall = (plan: ReturnType<typeof planSandbox>, domain: number, type: number) =>
    run(decodeFilter(plan.seccomp!.filter), { nr: syscallNumber("x86_64", "socket")!, arch: AUDIT_ARCH_X86_64, args: [BigInt(domain), BigInt(type), 0n] });
  const AF_UNIX = 1, AF_INET = 2, SOCK_STREAM = 1, SOCK_DGRAM = 2, EACCES = 13;

  test("pathname unix sockets: landlock from ABI 9 (AF_UNIX stays open); below, a private root or seccomp refusing AF_UNIX", () => {
    const bare8 = planSandbox({ net: "none" }, host({ ...noNs, landlockAbi: 8 }));
    expect(socketCall(bare8, AF_UNIX, SOCK_STREAM)).toBe(SECCOMP_RET_ERRNO | EACCES);
    expect(g(bare8, "ipc.unix-outside-closed")!.by[0]).toStartWith("seccomp socket(AF_UNIX) refused");
    const bare9 = planSandbox({ net: "none" }, host({ ...noNs, landlockAbi: 9 }));
    expect(socketCall(bare9, AF_UNIX, SOCK_STREAM)).toBe(SECCOMP_RET_ALLOW);
    expect(g(bare9, "ipc.unix-outside-closed")).toEqual({
      guarantee: "ipc.unix-outside-closed",
      status: "enforced",
      by: ["landlock abi 9: pathname sockets made outside resolve only beneath write grants", "landlock abi 9 abstract-socket scope"],
    });
    const full9 = planSandbox({ net: "none" }, host({ landlockAbi: 9 }));
    expect(g(full9, "ipc.unix-outside-closed")!.by).toEqual([
      "private root: no socket path outside the grants exists",
      "landlock abi 9: pathname sockets made outside resolve only beneath write grants",
      "landlock abi 9 abstract-socket scope",
    ]);
    expect(socketCall(planSandbox({ net: "none" }, host({ landlockAbi: 7 })), AF_UNIX, SOCK_STREAM)).toBe(SECCOMP_RET_ALLOW);
  });

  test("UDP: seccomp refuses UDP sockets at every ABI; from ABI 10 landlock denies UDP too, and alone it is partial", () => {
    for (const landlockAbi of [7, 10]) expect(socketCall(planSandbox(ports, host({ landlockAbi })), AF_INET, SOCK_DGRAM)).toBe(SECCOMP_RET_ERRNO | EACCES);
    expect(g(planSandbox(ports, host({ landlockAbi: 9 })), "net.udp-closed")!.by).toEqual(["seccomp socket() IP types other than TCP"]);
    expect(g(planSandbox(ports, host({ landlockAbi: 10 })), "net.udp-closed")!.by).toEqual([
      "seccomp socket() IP types other than TCP",
      "landlock abi 10: UDP bind, connect and addressed send denied",
    ]);
    expect(g(planSandbox(ports, host({ landlockAbi: 10, seccomp: false })), "net.udp-closed")).toMatchObject({
      status: "partial",
      by: ["landlock abi 10: UDP bind, connect and addressed send denied"],
    });
    expect(g(planSandbox(ports, host({ landlockAbi: 9, seccomp: false })), "net.udp-closed")!.status).toBe("not-enforced");
  });

  test("on an older ABI the landlock guarantees of ABI 9–10 are reported enforced only by what covers them here", () => {
    const report = (over: Partial<SandboxHost>, net: Parameters<typeof planSandbox>[0]["net"]) => {
      const h = host(over);
      const covered = coveredElsewhere({ net }, h, planSandbox({ net }, h));
      return Object.fromEntries(foldCovered(landlockGuarantees(planLandlock(policy({ net }), { abi: h.landlockAbi }).report), covered).map((x) => [x.guarantee, x]));
    };
    const bare = report(noNs, ports.net);
    expect(bare["ipc.unix-path-confined"]).toMatchObject({ status: "enforced", by: ["seccomp refuses AF_UNIX sockets"] });
    expect(bare["net.udp-bind-confined"]).toMatchObject({ status: "enforced", by: ["seccomp refuses UDP sockets"] });
    expect(report({}, ports.net)["ipc.unix-path-confined"]).toMatchObject({ status: "enforced", by: ["private root: no socket path outside the grants exists"] });
    // Nothing stands in without seccomp: the missing rights stay missing (hard mode refuses).
    const none = report({ ...noNs, seccomp: false }, ports.net);
    expect(none["ipc.unix-path-confined"]!.status).toBe("not-enforced");
    expect(none["net.udp-send-confined"]!.status).toBe("not-enforced");
    // net all: UDP is not asked for, so nothing is reported for it.
    expect(report({}, "all")["net.udp-bind-confined"]).toBeUndefined();
  });
});
