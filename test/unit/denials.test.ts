// The pure parts of explain: landlock's records read, the supervised filter,
// the private root's refusals judged, refused calls and limits as denials.
import { describe, expect, test } from "bun:test";
import { decodeCall, type Call } from "../../lib/denials/calls.ts";
import { explainLines } from "../../lib/denials/format.ts";
import { landlockDenials, parseAuditRecord } from "../../lib/denials/landlock-records.ts";
import { limitDenials } from "../../lib/denials/limits.ts";
import { DenialLog } from "../../lib/denials/log.ts";
import { PATH_CALLS, superviseFilter } from "../../lib/denials/notify-filter.ts";
import { refusedDenial } from "../../lib/denials/refusals.ts";
import { fsOps, viewDenial, type View } from "../../lib/denials/view.ts";
import { SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_USER_NOTIF } from "../../lib/plan/linux/seccomp/actions.ts";
import { AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, syscallNumber } from "../../lib/plan/linux/seccomp/arch.ts";
import { compileSeccomp } from "../../lib/plan/linux/seccomp/index.ts";
import { checkFilter, decodeFilter, run } from "../helpers/bpf-interpreter.ts";

const nr = (name: string) => syscallNumber("x86_64", name)!;

function call(name: string, args: bigint[], strings: Record<number, string> = {}, errno = 0): Call {
  return { session: 1, pid: 2, name, arch: "x86_64", errno, args, strings: new Map(Object.entries(strings).map(([k, v]) => [Number(k), new TextEncoder().encode(v)])) };
}

describe("landlock audit records", () => {
  test("an access record's path (quoted or hex), blockers and the object become denials with their flag", () => {
    const r = parseAuditRecord('audit(1796630744.456:139): domain=10e7da02b blockers=fs.read_file path="/users/u/.npmrc" dev="vda" ino=1')!;
    expect(r.event).toBe("1796630744.456:139");
    expect(landlockDenials(r)).toEqual([{ class: "fs", access: "read", target: "/users/u/.npmrc", allow: "--allow-read=/users/u/.npmrc", by: "landlock audit", detail: "blockers=fs.read_file" }]);
    const hex = parseAuditRecord("audit(1.2:3): domain=1 blockers=fs.make_reg path=2F746D702F6120622F dev=\"vda\" ino=2")!;
    expect(landlockDenials(hex)[0]).toMatchObject({ access: "create", target: "/tmp/a b/", allow: "--allow-write=/tmp/a b/" });
  });

  test("an exec's open or a write names one access, not the read it implies", () => {
    const exec = landlockDenials(parseAuditRecord('audit(1.2:3): domain=1 blockers=fs.execute,fs.read_file path="/x/tool"')!);
    expect(exec.map((d) => d.access)).toEqual(["exec"]);
    const write = landlockDenials(parseAuditRecord('audit(1.2:3): domain=1 blockers=fs.write_file,fs.read_file,fs.truncate path="/x/f"')!);
    expect(write.map((d) => d.access)).toEqual(["write"]);
  });

  test("connect and bind name the port's flag; a signal or ptrace outside has none", () => {
    const c = landlockDenials(parseAuditRecord("audit(1.2:3): domain=1 blockers=net.connect_tcp daddr=127.0.0.1 dest=8080")!)[0];
    expect(c).toMatchObject({ class: "net", access: "connect", target: "127.0.0.1:8080", allow: "--allow-connect=8080" });
    const b = landlockDenials(parseAuditRecord("audit(1.2:3): domain=1 blockers=net.bind_tcp src=9000")!)[0];
    expect(b).toMatchObject({ access: "bind", target: "tcp port 9000", allow: "--allow-bind=9000" });
    const s = landlockDenials(parseAuditRecord('audit(1.2:3): domain=1 blockers=scope.signal opid=42 ocomm="sleep"')!)[0];
    expect(s).toMatchObject({ class: "signal", target: "pid 42 (sleep)" });
    expect(s!.allow).toBeUndefined();
  });

  test("text that is no audit record is no record", () => {
    expect(parseAuditRecord("domain=1 blockers=fs.read_file")).toBeUndefined();
  });
});

describe("the supervised filter", () => {
  const original = compileSeccomp({ defaultAction: "allow", rules: [{ syscall: "keyctl", action: { errno: "EPERM" } }, { syscall: "clone3", action: { errno: "ENOSYS" } }] }, "x86_64");
  const sup = superviseFilter(original.filter, "x86_64", PATH_CALLS);
  const prog = decodeFilter(sup.filter);
  const at = (name: string, arch = AUDIT_ARCH_X86_64) => run(prog, { nr: nr(name), arch, args: [0n, 0n, 0n, 0n, 0n, 0n] }) >>> 0;

  test("loads as seccomp would, refusals and observed calls notify, every other answer is the original's", () => {
    expect(() => checkFilter(prog)).not.toThrow();
    expect(at("keyctl")).toBe(SECCOMP_RET_USER_NOTIF);
    expect(at("clone3")).toBe(SECCOMP_RET_USER_NOTIF);
    expect(at("openat")).toBe(SECCOMP_RET_USER_NOTIF);
    expect(at("getpid")).toBe(SECCOMP_RET_ALLOW);
    const orig = decodeFilter(original.filter);
    expect(run(orig, { nr: nr("keyctl"), arch: AUDIT_ARCH_X86_64, args: [0n, 0n, 0n, 0n, 0n, 0n] }) >>> 0).toBe((SECCOMP_RET_ERRNO | 1) >>> 0);
    // Another arch never meets the prefix: the original's own answer (kill).
    expect(at("openat", AUDIT_ARCH_I386)).toBe(SECCOMP_RET_KILL_PROCESS >>> 0);
    expect(sup.table[nr("openat")]).toBe(PATH_CALLS.openat!);
    expect(sup.table[nr("getpid")]).toBe(0);
  });

  test("without observed calls only the refusals notify", () => {
    const bare = decodeFilter(superviseFilter(original.filter, "x86_64", {}).filter);
    expect(run(bare, { nr: nr("openat"), arch: AUDIT_ARCH_X86_64, args: [0n, 0n, 0n, 0n, 0n, 0n] }) >>> 0).toBe(SECCOMP_RET_ALLOW);
    expect(run(bare, { nr: nr("keyctl"), arch: AUDIT_ARCH_X86_64, args: [0n, 0n, 0n, 0n, 0n, 0n] }) >>> 0).toBe(SECCOMP_RET_USER_NOTIF);
  });
});

describe("call frames", () => {
  test("a frame decodes to its call, strings by tag, and a relative path joins its dirfd's directory", () => {
    const enc = new TextEncoder();
    const rel = enc.encode("b/c.txt");
    const dirp = enc.encode("/job/a");
    const buf = new Uint8Array(72 + 4 + rel.length + 4 + dirp.length);
    const v = new DataView(buf.buffer);
    v.setUint32(0, 7, true);
    v.setUint32(4, 1234, true);
    v.setInt32(8, nr("openat"), true);
    v.setUint32(12, AUDIT_ARCH_X86_64, true);
    v.setUint32(20, 2, true);
    v.setBigUint64(24, 5n, true);
    let at = 72;
    for (const [tag, b] of [[1, rel], [8, dirp]] as const) {
      buf[at] = tag;
      v.setUint16(at + 2, b.length, true);
      buf.set(b, at + 4);
      at += 4 + b.length;
    }
    const c = decodeCall(buf)!;
    expect({ session: c.session, pid: c.pid, name: c.name, errno: c.errno }).toEqual({ session: 7, pid: 1234, name: "openat", errno: 0 });
    expect(fsOps(c)).toEqual([{ access: "read", path: "/job/a/b/c.txt" }]);
    expect(decodeCall(buf.subarray(0, 80))).toBeUndefined();
  });
});

describe("the private root's refusals", () => {
  const view: View = { read: ["/usr", "/granted"], write: ["/tmp/run"], links: ["/bin"], cwd: "/work" };
  const onHost = new Set(["/users/u/.npmrc", "/granted/g.txt", "/granted", "/users/u", "/srv", "/usr/bin/sh", "/tmp/run/f"]);
  const host = { realpath: (p: string) => (p === "/bin/sh" ? "/usr/bin/sh" : onHost.has(p) ? p : undefined) };
  const judge = (access: Parameters<typeof viewDenial>[0]["access"], path: string) => viewDenial({ access, path }, view, host);

  test("outside every grant and on the host: refused with the read flag; absent on the host or through a link into the grants: none", () => {
    expect(judge("read", "/users/u/.npmrc")).toMatchObject({ access: "read", target: "/users/u/.npmrc", allow: "--allow-read=/users/u/.npmrc" });
    expect(judge("read", "/users/u/missing")).toBeUndefined();
    expect(judge("exec", "/bin/sh")).toBeUndefined();
    expect(judge("read", "/usr/lib/x")).toBeUndefined();
    expect(judge("readdir", "/srv")).toMatchObject({ access: "readdir", allow: "--allow-read=/srv" });
  });

  test("writes beneath a read grant meet the read-only bind; beneath a write grant landlock decides", () => {
    expect(judge("write", "/granted/g.txt")).toMatchObject({ access: "write", target: "/granted/g.txt", allow: "--allow-write=/granted/g.txt" });
    expect(judge("create", "/granted/new.txt")).toMatchObject({ access: "create", target: "/granted", allow: "--allow-write=/granted" });
    expect(judge("create", "/granted/g.txt")).toMatchObject({ access: "write", target: "/granted/g.txt" });
    expect(judge("write", "/tmp/run/f")).toBeUndefined();
    expect(judge("read", "/proc/self/status")).toBeUndefined();
  });

  test("open flags and renames make the right operations", () => {
    const o = (flags: number) => fsOps(call("openat", [0xffffff9cn, 0n, BigInt(flags)], { 1: "/x" }))[0]!.access;
    expect([o(0), o(1), o(0o101), o(0o200000), o(0o10000000)]).toEqual(["read", "write", "create", "readdir", "stat"]);
    expect(fsOps(call("rename", [0n, 0n], { 0: "/a", 1: "/b" }))).toEqual([{ access: "remove", path: "/a" }, { access: "create", path: "/b" }]);
  });
});

describe("refused calls and limits", () => {
  test("an IP socket under net none suggests --allow-net; keyctl has no flag; ENOSYS fallbacks are not denials", () => {
    expect(refusedDenial(call("socket", [2n, 1n, 0n], {}, 13), "none")).toMatchObject({ class: "net", target: "AF_INET", allow: "--allow-net" });
    expect(refusedDenial(call("keyctl", [0n], {}, 1), "none")).toMatchObject({ class: "syscall", target: "keyctl" });
    expect(refusedDenial(call("keyctl", [0n], {}, 1), "none")!.allow).toBeUndefined();
    expect(refusedDenial(call("clone3", [0n], {}, 38), "none")).toBeUndefined();
  });

  test("limits hit appear once each with the flag doubled; limits not hit do not appear", () => {
    const out = limitDenials({ memory: 64 * 2 ** 20, pids: 8, cpuSeconds: 2, timeoutMs: 1500 }, { verdict: "timeout", oomKills: 2, pidsMaxHits: 5 });
    expect(out.map((o) => [o.denial.access, o.denial.allow, o.count])).toEqual([
      ["memory", "--memory=128M", 2],
      ["pids", "--pids=16", 5],
      ["timeout", "--timeout=3", 1],
    ]);
    expect(limitDenials({ memory: 2 ** 30 }, {})).toEqual([]);
  });
});

describe("the log and its lines", () => {
  test("equal denials count as one, the bound drops the rest (counted), and the lines say what was not visible", () => {
    const log = new DenialLog(undefined, 2);
    const d = { class: "fs" as const, access: "read", target: "/a", allow: "--allow-read=/a", by: "x" };
    log.add(d);
    log.add(d);
    log.add({ ...d, target: "/b", allow: "--allow-read=/b" });
    log.add({ ...d, target: "/c" });
    log.source({ class: "net", visible: false, reason: "no audit" });
    log.source({ class: "signal", visible: false, reason: "no audit" });
    expect(log.list.map((x) => [x.target, x.count])).toEqual([["/a", 2], ["/b", 1]]);
    expect(explainLines(log.list, log.summary())).toEqual([
      "cordon: explain: 2 denied (and 1 more not listed):",
      "  read /a (2×) → --allow-read=/a",
      "  read /b → --allow-read=/b",
      "cordon: explain: not visible here: net, signal (no audit)",
    ]);
    expect(explainLines([], { sources: [], dropped: 0, lost: 0 })).toEqual(["cordon: explain: nothing was denied"]);
  });
});

describe("macOS and Windows plans", () => {
  test("a Seatbelt violation line becomes the denial of its operation, with the flag where one lifts it", () => {
    const { parseSeatbeltViolation, seatbeltDenial, darwinDenialSources } = require("../../lib/denials/darwin.ts") as typeof import("../../lib/denials/darwin.ts");
    const v = parseSeatbeltViolation("Sandbox: python3(4242) deny(1) file-read-data /job/home/.npmrc")!;
    expect(v).toEqual({ process: "python3", pid: 4242, operation: "file-read-data", target: "/job/home/.npmrc" });
    expect(seatbeltDenial(v)).toMatchObject({ class: "fs", access: "read", allow: "--allow-read=/job/home/.npmrc" });
    expect(seatbeltDenial(parseSeatbeltViolation("Sandbox: curl(7) deny(1) network-outbound 93.184.216.34:443")!)).toMatchObject({ access: "connect", allow: "--allow-connect=443" });
    expect(seatbeltDenial(parseSeatbeltViolation("Sandbox: sh(9) deny(1) file-write-create /private/tmp/x")!)).toMatchObject({ access: "create", allow: "--allow-write=/private/tmp/x" });
    expect(seatbeltDenial(parseSeatbeltViolation("Sandbox: sh(9) deny(1) signal")!).allow).toBeUndefined();
    expect(parseSeatbeltViolation("kernel: something else")).toBeUndefined();
    expect(darwinDenialSources().find((s) => s.class === "syscall")?.visible).toBe(false);
  });

  test("Windows: job messages are limit denials, an access-denied create is read/write/exec by its desired access, a WFP drop names its port; classes need elevation", () => {
    const w = require("../../lib/denials/windows.ts") as typeof import("../../lib/denials/windows.ts");
    expect(w.jobMessageDenial(w.JOB_MSG.jobMemoryLimit, { memory: 64 * 2 ** 20 })).toMatchObject({ access: "memory", allow: "--memory=128M" });
    expect(w.jobMessageDenial(w.JOB_MSG.jobMemoryLimit, {})).toBeUndefined();
    expect(w.kernelFileDenial({ path: "C:\\Users\\u\\.npmrc", desiredAccess: 0x80000000, status: 0xc0000022 })).toMatchObject({ access: "read", allow: "--allow-read=C:\\Users\\u\\.npmrc" });
    expect(w.kernelFileDenial({ path: "C:\\x", desiredAccess: 0x40000000, status: 0xc0000022 })).toMatchObject({ access: "write" });
    expect(w.kernelFileDenial({ path: "C:\\x", desiredAccess: 0x40000000, status: 0 })).toBeUndefined();
    expect(w.wfpDenial({ remote: "198.18.0.1", port: 443, direction: "outbound" })).toMatchObject({ target: "198.18.0.1:443", allow: "--allow-connect=443" });
    const plain = w.windowsDenialSources({ elevated: false, netEventsCollected: false });
    expect(plain.filter((s) => s.visible).map((s) => s.class)).toEqual(["limit"]);
    const admin = w.windowsDenialSources({ elevated: true, netEventsCollected: false });
    expect(admin.filter((s) => s.visible).map((s) => s.class)).toEqual(["fs", "signal", "ptrace", "limit"]);
  });
});

describe("learning a policy", () => {
  const { Observations, learnPolicy } = require("../../lib/denials/learn.ts") as typeof import("../../lib/denials/learn.ts");
  const dirs = new Set(["/proj", "/proj/src", "/data", "/users/u", "/users/u/.cache", "/users/u/.cache/tool"]);
  const files = new Set(["/proj/src/a.ts", "/proj/src/b.ts", "/proj/src/c.ts", "/proj/package.json", "/data/in.csv", "/users/u/.npmrc", "/users/u/.cache/tool/x", "/proj/out.txt"]);
  const host = { realpath: (p: string) => (dirs.has(p) || files.has(p) ? p : undefined), isDirectory: (p: string) => dirs.has(p) };
  const open = (path: string, flags = 0) => call("openat", [0xffffff9cn, 0n, BigInt(flags)], { 1: path });
  const learn = (calls: Call[], extra: Partial<Parameters<typeof learnPolicy>[1]> = {}) => {
    const obs = new Observations();
    for (const c of calls) obs.add(c);
    return learnPolicy(obs, { cwd: "/proj", home: "/users/u", given: ["/usr"], bound: { read: ["/"], write: ["/proj"] }, ...extra }, host);
  };

  test("three used entries collapse to their directory; single files stay files; created files grant their directory; the home is never granted whole", () => {
    const r = learn([open("/proj/src/a.ts"), open("/proj/src/b.ts"), open("/proj/src/c.ts"), open("/data/in.csv"), open("/users/u/.npmrc"), open("/usr/lib/x.so"), open("/proj/out.txt", 0o101)]);
    expect(r.policy.fs).toEqual({ read: ["/data/in.csv", "/users/u/.npmrc"], write: ["/proj"] });
    expect(r.notes["fs.write /proj"]).toContain("create");
    expect(r.policy.net).toBe("none");
    expect(r.policy.cwd).toBe("/proj");
  });

  test("what the outer bound refused is not learned; a UDP socket needs the whole network; TCP ports are listed", () => {
    const sockaddr = (port: number) => {
      const b = new Uint8Array(16);
      b[0] = 2;
      b[2] = port >> 8;
      b[3] = port & 255;
      b.set([127, 0, 0, 1], 4);
      return b;
    };
    const connect = (port: number): Call => ({ ...call("connect", [3n, 0n, 16n]), strings: new Map([[25, sockaddr(port)]]) });
    const tcp = learn([call("socket", [2n, 1n, 0n]), connect(443)], { bound: { read: ["/proj"], write: [] } });
    expect(tcp.policy.net).toEqual({ connect: [443], bind: [] });
    const udp = learn([call("socket", [2n, 2n, 0n]), connect(53)]);
    expect(udp.policy.net).toBe("all");
    expect(udp.notes.net).toContain("UDP");
    const bounded = learn([open("/data/in.csv"), open("/proj/out.txt", 0o101)], { bound: { read: ["/proj"], write: [] } });
    expect(bounded.policy.fs).toEqual({ read: [], write: [] });
  });

  test("the memory limit is twice the peak, at least 64M; the environment is noted as not learned", () => {
    const r = learn([], { peakRss: 100 * 2 ** 20 });
    expect(r.policy.limits).toEqual({ memory: 200 * 2 ** 20 });
    expect(learn([], { peakRss: 2 ** 20 }).policy.limits).toEqual({ memory: 64 * 2 ** 20 });
    expect(r.notes.env).toContain("not learned");
  });
});
