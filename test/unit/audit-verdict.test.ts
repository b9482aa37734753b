// Verdicts from the two sides of an audit probe (lib/audit/verdict.ts), the
// table (lib/audit/format.ts) and the channel list's own consistency: plain
// values, no kernel.
import { describe, expect, test } from "bun:test";
import { linuxChannels, type Channel } from "../../lib/audit/channels.ts";
import { hostStateChannels } from "../../lib/audit/channels-host.ts";
import { renderAudit, summary } from "../../lib/audit/format.ts";
import type { AuditReport } from "../../lib/audit/index.ts";
import { judge, parseInside, type InsideResult } from "../../lib/audit/verdict.ts";
import { sysvKeys } from "../../lib/audit/canaries.ts";
import { insideProgram } from "../../lib/audit/probe-source.ts";

const chan = (id: string): Channel => linuxChannels.find((c) => c.id === id)!;
const ok = (id: string, detail = "done"): InsideResult => ({ id, ok: true, call: `${id}()`, errno: null, detail });
const fail = (id: string, errno: string): InsideResult => ({ id, ok: false, call: `${id}()`, errno, detail: "denied" });

describe("two-sided rows: reachable only when the outside canary counted a receipt", () => {
  test("a UDP send that succeeded inside but never arrived is blocked (a private network namespace)", () => {
    const row = judge(chan("net.udp.send"), ok("net.udp.send"), 0);
    expect(row.verdict).toBe("blocked");
    expect(row.evidence).toContain("outside counted 0");
    expect(row.mechanism).toContain("namespace");
  });

  test("a receipt makes the row reachable and names what would close it", () => {
    const row = judge(chan("net.udp.send"), ok("net.udp.send"), 1);
    expect(row.verdict).toBe("reachable");
    expect(row.receipt).toBe(1);
    expect(row.mechanism).toBe(chan("net.udp.send").closeWith);
  });

  test("a refused call with no receipt is blocked by the mechanism its errno points to", () => {
    const row = judge(chan("ipc.sysv.shm"), fail("ipc.sysv.shm", "EPERM"), 0);
    expect(row.verdict).toBe("blocked");
    expect(row.mechanism).toContain("seccomp");
    // Typed, from the registry: no reader has to parse the words.
    expect(row.blockedBy).toEqual(["seccomp"]);
    expect(judge(chan("ipc.sysv.shm"), fail("ipc.sysv.shm", "ENOENT"), 0).blockedBy).toEqual(["ipc-namespace"]);
    // An errno no blocker names stays unattributed: no mechanism is guessed.
    expect(judge(chan("ipc.sysv.shm"), fail("ipc.sysv.shm", "EINVAL"), 0).blockedBy).toBeUndefined();
  });

  test("a receipt without its counter is an error, not a guess", () => {
    expect(judge(chan("net.tcp"), ok("net.tcp"), undefined).verdict).toBe("error");
  });
});

describe("one-sided rows", () => {
  test("success is reachable, failure blocked, ENOENT on a path is the private root", () => {
    expect(judge(chan("fs.flock.read-granted"), ok("fs.flock.read-granted"), undefined).verdict).toBe("reachable");
    const gone = judge(chan("fs.outside.read"), fail("fs.outside.read", "ENOENT"), undefined);
    expect(gone.verdict).toBe("blocked");
    expect(gone.mechanism).toContain("mount namespace");
    expect(judge(chan("kern.bpf"), fail("kern.bpf", "EXDEV"), undefined).mechanism).toBe("EXDEV (mechanism not attributed)");
  });

  test("absent channel is n/a; a probe that crashed or never reported is an error", () => {
    expect(judge(chan("fs.home"), { id: "fs.home", ok: null, call: "c", errno: null, detail: "not present here" }, 0).verdict).toBe("n/a");
    expect(judge(chan("fs.home"), { id: "fs.home", ok: null, call: "c", errno: null, detail: "probe error", error: true }, 0).verdict).toBe("error");
    expect(judge(chan("kern.perf"), undefined, undefined).verdict).toBe("error");
  });

  test("listings are reachable only when the outside canary shows in them", () => {
    expect(judge(chan("g.net.unix"), ok("g.net.unix", "readable; the canary is visible"), undefined).verdict).toBe("reachable");
    expect(judge(chan("g.sysvipc"), ok("g.sysvipc", "readable; the canary is not there"), undefined).verdict).toBe("blocked");
    expect(judge(chan("proc.list"), ok("proc.list", "/proc lists 1 processes; the outside canary process is not there"), undefined).verdict).toBe("blocked");
    expect(judge(chan("proc.list"), ok("proc.list", "/proc lists 300 processes; the outside canary process is visible"), undefined).verdict).toBe("reachable");
  });

  test("TIOCSTI through every filter on a non-terminal is partial; EPERM is the filter", () => {
    expect(judge(chan("tty.tiocsti"), fail("tty.tiocsti", "ENOTTY"), undefined).verdict).toBe("partial");
    expect(judge(chan("tty.tiocsti"), fail("tty.tiocsti", "EPERM"), undefined).mechanism).toContain("TIOCSTI");
  });

  test("inherited fds: stdio plus the listing's own is clean, one more is reachable, no /proc is n/a", () => {
    expect(judge(chan("inherit.fds"), ok("inherit.fds", "open fds: 0 1 2 3"), undefined).verdict).toBe("blocked");
    expect(judge(chan("inherit.fds"), ok("inherit.fds", "open fds: 0 1 2 3 7"), undefined).verdict).toBe("reachable");
    expect(judge(chan("inherit.fds"), fail("inherit.fds", "EACCES"), undefined).verdict).toBe("n/a");
  });
});

describe("the probe's output and the channel list", () => {
  test("parseInside keeps JSON rows, skips noise and torn lines, and sees the end marker", () => {
    const { results, done } = parseInside(['{"id":"a","ok":true,"call":"x","errno":null,"detail":""}', "noise", '{"id":"b","ok":', '{"done": true}'].join("\n"));
    expect([...results.keys()]).toEqual(["a"]);
    expect(done).toBe(true);
  });

  test("every channel id is unique and attempted by the inside probe", () => {
    const ids = linuxChannels.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The host-state rows are checked in audit-host-state.test.ts.
    const own = linuxChannels.filter((c) => !hostStateChannels.includes(c)).map((c) => c.id);
    const probe = insideProgram();
    const attempted = new Set([...probe.matchAll(/attempt\(\s*"([^"]+)"/g)].map((m) => m[1]));
    for (const op of ["chmod", "utimes", "xattr"]) for (const w of ["outside", "read-granted"]) attempted.add(`fs.meta.${op}.${w}`);
    expect(own.filter((id) => !attempted.has(id))).toEqual([]);
  });

  test("SysV keys come from the nonce, four consecutive keys, below 2^31", () => {
    const k = sysvKeys("ffffffff");
    expect([k.msgKey - k.shmKey, k.semKey - k.shmKey, k.leaveKey - k.shmKey]).toEqual([1, 2, 3]);
    expect(k.leaveKey).toBeLessThan(2 ** 31);
    expect(sysvKeys("00000001").shmKey).not.toBe(sysvKeys("00000002").shmKey);
  });
});

describe("the table", () => {
  const report: AuditReport = {
    platform: "linux-x64",
    nonce: "abcd1234",
    rows: [
      judge(chan("kern.bpf"), fail("kern.bpf", "EPERM"), undefined),
      judge(chan("fs.tmpdir.private"), ok("fs.tmpdir.private"), undefined),
      judge(chan("mem.memfd.exec"), ok("mem.memfd.exec"), undefined),
    ],
    leftovers: [{ kind: "sysv-shm", name: "key 0x1", removed: true }],
    teardown: { removed: ["key"], remaining: [] },
    notes: ["inside probe exited 0"],
  };

  test("summary counts by verdict, granted-by-design apart", () => {
    expect(summary(report)).toEqual({ reachable: 1, partial: 0, error: 0, blocked: 1, "n/a": 0, "by design": 1 });
  });

  test("reachable rows first, each with what would close it; leftovers and teardown follow", () => {
    const text = renderAudit(report).split("\n");
    expect(text[0]).toBe("cordon audit: linux-x64, nonce abcd1234: 1 reachable, 0 partial, 1 blocked, 1 granted by design, 0 n/a, 0 error");
    const body = text.slice(3, 6);
    expect(body[0]).toStartWith("mem.memfd.exec");
    expect(body[0]).toContain("vm.memfd_noexec=2");
    expect(body[1]).toMatch(/^fs\.tmpdir\.private\s+granted/);
    expect(body[2]).toMatch(/^kern\.bpf\s+blocked\s+seccomp/);
    expect(text).toContain("  sysv-shm key 0x1 (removed by the audit)");
    expect(text).toContain("canaries: all removed (1 objects)");
  });
});
