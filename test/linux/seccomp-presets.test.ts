// Each preset against the real kernel: a fixture tries every forbidden thing
// with the compiled filter installed. The call must fail with the preset's
// errno; and under the same preset with every action turned into a marker
// errno (ENOTUNIQ, which none of these calls returns by itself) it must fail
// with the marker — so the failure is the filter's doing, not the host's
// (bpf and userfaultfd, say, also give EPERM to unprivileged users).
// Positive twins must succeed under the filter.
import { beforeAll, expect } from "bun:test";
import { compileSeccomp, presetPolicy, PRESET_NAMES, type PresetName, type SeccompPolicy } from "../../lib/plan/linux/seccomp/index.ts";
import {
  AF_INET,
  AF_INET6,
  AF_NETLINK,
  AF_UNIX,
  IPPROTO_SCTP,
  NETLINK_ROUTE,
  NETLINK_SOCK_DIAG,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_RAW,
  SOCK_STREAM,
  TIOCSTI,
} from "../../lib/plan/linux/seccomp/constants.ts";
import { OsError } from "../../ffi/errors.ts";
import { describeUnless, linuxRequirement, testUnless } from "../helpers/skip.ts";
import { hostArch, type Op, seccompUnmet, underFilter } from "./seccomp-fixture.ts";

const unmet = linuxRequirement(seccompUnmet());
const HIGH = 2 ** 32;
const NETLINK_KOBJECT_UEVENT = 15;
const [O_RDONLY, O_WRONLY, O_CREAT, O_EXCL] = [0, 1, 0o100, 0o200];
const FIONREAD = 0x541b;

const filterOf = (policy: SeccompPolicy) => compileSeccomp(policy, hostArch!).filter;

/** [op, denial expected under the filter]. */
type Case = [Op, string];

/** The preset's verdicts, and the same rules with a marker errno: both must hit each case. */
async function checkDenials(presets: readonly PresetName[], cases: readonly Case[]): Promise<void> {
  const ops = cases.map(([op]) => op);
  const policy = presetPolicy(presets);
  const marked: SeccompPolicy = { ...policy, rules: policy.rules.map((r) => ({ ...r, action: { errno: "ENOTUNIQ" } })) };
  const filtered = await underFilter(ops, filterOf(policy));
  const marker = await underFilter(ops, filterOf(marked));
  expect(filtered.stderr).toBe("");
  expect(marker.stderr).toBe("");
  cases.forEach(([op, want], i) => {
    const name = JSON.stringify(op);
    expect({ name, filtered: filtered.results[i], marker: marker.results[i] }).toEqual({ name, filtered: want, marker: "ENOTUNIQ" });
  });
}

/** Runs `ops` under `presets`; each must succeed. */
async function checkAllowed(presets: readonly PresetName[], ops: readonly Op[]): Promise<void> {
  const r = await underFilter(ops, filterOf(presetPolicy(presets)));
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.results).toEqual(ops.map(() => "ok"));
}

describeUnless(unmet, "seccomp presets in the kernel", () => {
  testUnless(undefined, "no-network: TCP and UDP sockets, v4 and v6, raw and with flags or high bits, fail with EACCES", async () => {
    const cases: Case[] = [];
    for (const family of [AF_INET, AF_INET6]) {
      for (const type of [SOCK_STREAM, SOCK_DGRAM, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, SOCK_RAW]) {
        cases.push([["socket", family, type, 0], "EACCES"]);
      }
      cases.push([["socket", family + HIGH, SOCK_STREAM, 0], "EACCES"]);
    }
    cases.push([["socket", 17, SOCK_RAW, 0], "EACCES"]); // AF_PACKET
    cases.push([["io_uring"], "ENOSYS"]);
    await checkDenials(["no-network"], cases);
  }, 30_000);

  testUnless(undefined, "no-network: AF_UNIX sockets, socketpair, netlink route and file I/O still work", async () => {
    await checkAllowed(["no-network"], [
      ["socket", AF_UNIX, SOCK_STREAM, 0],
      ["socket", AF_UNIX + HIGH, SOCK_DGRAM, 0],
      ["socketpair"],
      ["socket", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE],
      ["files"],
      ["getppid"],
    ]);
  }, 30_000);

  testUnless(undefined, "tcp-only: TCP sockets v4 and v6 (with flags) work; UDP, raw and SCTP fail with EACCES", async () => {
    await checkAllowed(["tcp-only"], [
      ["socket", AF_INET, SOCK_STREAM, 0],
      ["socket", AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0],
      ["socket", AF_INET, SOCK_STREAM, 6],
      ["socketpair"],
    ]);
    await checkDenials(["tcp-only"], [
      [["socket", AF_INET, SOCK_DGRAM, 0], "EACCES"],
      [["socket", AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0], "EACCES"],
      [["socket", AF_INET, SOCK_RAW, 1], "EACCES"],
      [["socket", AF_INET, SOCK_DGRAM + HIGH, 0], "EACCES"],
      [["socket", AF_INET, SOCK_STREAM, IPPROTO_SCTP], "EACCES"],
      [["socket", 17, SOCK_RAW, 0], "EACCES"],
    ]);
  }, 30_000);

  testUnless(undefined, "hardening: ptrace, process_vm_readv, bpf, perf_event_open, userfaultfd, keyctl, request_key, mount, io_uring are refused", async () => {
    await checkDenials(["hardening"], [
      [["ptrace"], "EPERM"],
      [["process_vm_readv"], "EPERM"],
      [["bpf"], "EPERM"],
      [["perf"], "EPERM"],
      [["userfaultfd"], "EPERM"],
      [["keyctl"], "EPERM"],
      [["request_key"], "EPERM"],
      [["mount"], "EPERM"],
      [["io_uring"], "ENOSYS"],
    ]);
    await checkAllowed(["hardening"], [["files"], ["socketpair"], ["socket", AF_INET, SOCK_STREAM, 0], ["getppid"]]);
  }, 30_000);

  testUnless(undefined, "ipc-isolation: SysV IPC, POSIX mqueues, keyrings, TIOCSTI (any high half), sock_diag, io_uring, bpf, perf, userfaultfd are refused", async () => {
    await checkDenials(["ipc-isolation"], [
      [["shm"], "EPERM"],
      [["msg"], "EPERM"],
      [["sem"], "EPERM"],
      [["mq"], "EPERM"],
      [["mq_unlink"], "EPERM"],
      [["keyctl"], "EPERM"],
      [["request_key"], "EPERM"],
      [["ioctl", TIOCSTI], "EPERM"],
      [["ioctl", TIOCSTI + HIGH], "EPERM"],
      [["socket", AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG], "EACCES"],
      [["io_uring"], "ENOSYS"],
      [["bpf"], "EPERM"],
      [["perf"], "EPERM"],
      [["userfaultfd"], "EPERM"],
    ]);
    await checkAllowed(["ipc-isolation"], [["ioctl", FIONREAD], ["socket", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE], ["files"], ["socketpair"]]);
  }, 30_000);

  testUnless(undefined, "no-setid: set-id modes fail with EPERM in chmod, fchmod, fchmodat, fchmodat2, creat, openat (O_CREAT, O_TMPFILE), mknodat; openat2 ENOSYS; setxattr and fsetxattr ENOTSUP", async () => {
    const x86 = hostArch === "x86_64";
    const cases: Case[] = [
      [["fchmod", 0o4755], "EPERM"],
      [["fchmodat", 0o2755], "EPERM"],
      [["fchmodat", 0o6711 + HIGH], "EPERM"],
      [["fchmodat2", 0o4700], "EPERM"],
      [["openat", O_CREAT | O_WRONLY, 0o4755], "EPERM"],
      [["openat", O_CREAT | O_WRONLY | O_EXCL, 0o2755], "EPERM"],
      [["tmpfile", 0o4700], "EPERM"],
      [["mknodat", 0o4755], "EPERM"],
      [["openat2"], "ENOSYS"],
      [["setxattr", "security.capability"], "ENOTSUP"],
      [["setxattr", "user.cordon"], "ENOTSUP"],
      [["setxattr", "system.posix_acl_access"], "ENOTSUP"],
      [["fsetxattr", "user.cordon"], "ENOTSUP"],
      ...(x86 ? ([[["chmod", 0o4755], "EPERM"], [["creat", 0o2755], "EPERM"]] as Case[]) : []),
    ];
    await checkDenials(["no-setid"], cases);
  }, 30_000);

  testUnless(undefined, "no-setid: plain modes through the same calls, openat without O_CREAT whatever its mode, and reading xattrs work", async () => {
    await checkAllowed(["no-setid"], [
      ["fchmod", 0o755],
      ["fchmodat", 0o600],
      ["fchmodat", 0o1777],
      ["fchmodat2", 0o700],
      ["openat", O_CREAT | O_WRONLY, 0o644],
      ["openat", O_RDONLY, 0o4755],
      ["tmpfile", 0o600],
      ["mknodat", 0o644],
      ["xattr_read"],
      ["files"],
      ...(hostArch === "x86_64" ? ([["chmod", 0o755], ["creat", 0o600]] as Op[]) : []),
    ]);
  }, 30_000);

  testUnless(undefined, "no-listen: listen() on an unbound TCP socket fails with EACCES; connect-side sockets still open", async () => {
    await checkDenials(["no-listen"], [[["listen"], "EACCES"]]);
    await checkAllowed(["no-listen"], [["socket", AF_INET, SOCK_STREAM, 0], ["socketpair"]]);
  }, 30_000);

  testUnless(undefined, "ipc-isolation: netlink KOBJECT_UEVENT (with a group bind), AUDIT, XFRM, NETFILTER, CONNECTOR, GENERIC fail with EACCES; ROUTE opens and binds", async () => {
    await checkDenials(["ipc-isolation"], [
      [["netlink_bind", NETLINK_KOBJECT_UEVENT, 1], "EACCES"],
      [["socket", AF_NETLINK, SOCK_RAW, 9], "EACCES"], // AUDIT
      [["socket", AF_NETLINK, SOCK_RAW, 6], "EACCES"], // XFRM
      [["socket", AF_NETLINK, SOCK_RAW, 12], "EACCES"], // NETFILTER
      [["socket", AF_NETLINK, SOCK_DGRAM, 11], "EACCES"], // CONNECTOR
      [["socket", AF_NETLINK, SOCK_RAW, 16], "EACCES"], // GENERIC
      [["socket", AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT + HIGH], "EACCES"],
    ]);
    await checkAllowed(["ipc-isolation"], [["netlink_bind", NETLINK_ROUTE, 0], ["socket", AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE]]);
  }, 30_000);

  testUnless(undefined, "all presets together: Bun itself starts and runs a script", async () => {
    const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
    const proc = spawnLinux([process.execPath, "-e", "console.log(JSON.stringify({ sum: 1 + 1, files: require('node:fs').readdirSync('/').length > 0 }))"], {
      env: { PATH: "/usr/bin:/bin", HOME: "/tmp" },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      seccomp: { filter: filterOf(presetPolicy([...PRESET_NAMES].filter((n) => n !== "tcp-only"))), flags: 0 },
    });
    const [out, err, code] = await Promise.all([new Response(proc.stdout as ReadableStream).text(), new Response(proc.stderr as ReadableStream).text(), proc.exited]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(JSON.parse(out)).toEqual({ sum: 2, files: true });
  }, 30_000);
});

describeUnless(unmet, "seccomp actions and argument checks in the kernel", () => {
  let getppidNr = 0;
  beforeAll(async () => {
    const { syscallNumber } = await import("../../lib/plan/linux/seccomp/arch.ts");
    getppidNr = syscallNumber(hostArch!, "getppid")!;
  });

  testUnless(undefined, "a 64-bit equality tests both halves: only the exact value is refused", async () => {
    const value = 0x1_0000_0005;
    const policy: SeccompPolicy = { defaultAction: "allow", rules: [{ syscall: "getppid", action: { errno: "ENOTUNIQ" }, when: [{ arg: 0, op: "eq", value }] }] };
    const r = await underFilter([["getppid", value], ["getppid", 5], ["getppid", 0x2_0000_0005], ["getppid", 0x1_0000_0004]], filterOf(policy));
    expect(r.results).toEqual(["ENOTUNIQ", "ok", "ok", "ok"]);
  }, 30_000);

  testUnless(undefined, "unsigned 64-bit ranges: gt over the high half, le below it", async () => {
    const policy: SeccompPolicy = { defaultAction: "allow", rules: [{ syscall: "getppid", action: { errno: "ENOTUNIQ" }, when: [{ arg: 2, op: "gt", value: 0xffff_ffff }] }] };
    const r = await underFilter([["getppid", 0, 0, 0xffff_ffff], ["getppid", 0, 0, 0x1_0000_0000], ["getppid", 0, 0, -1], ["getppid", 0, 0, 7]], filterOf(policy));
    expect(r.results).toEqual(["ok", "ENOTUNIQ", "ENOTUNIQ", "ok"]);
  }, 30_000);

  testUnless(undefined, "kill-process ends the child with SIGSYS; log lets the call through", async () => {
    const kill: SeccompPolicy = { defaultAction: "allow", rules: [{ syscall: "getppid", action: "kill-process", when: [{ arg: 0, op: "eq", value: 0xdead }] }] };
    const killed = await underFilter([["getppid", 1], ["getppid", 0xdead]], filterOf(kill));
    expect(killed.signal).toBe("SIGSYS");
    const logged = await underFilter([["getppid"]], filterOf({ defaultAction: "allow", rules: [{ syscall: "getppid", action: "log" }] }));
    expect(logged.results).toEqual(["ok"]);
  }, 30_000);

  testUnless(hostArch === "x86_64" ? undefined : "x32 exists only on x86_64", "an x32 syscall number is killed, though the arch field says x86_64", async () => {
    const open = await underFilter([["raw", 0x4000_0000 + getppidNr]], undefined);
    expect(open.code).toBe(0); // without the filter: ENOSYS (no x32 here) or ok, never a kill
    const r = await underFilter([["raw", 0x4000_0000 + getppidNr]], filterOf({ defaultAction: "allow", rules: [] }));
    expect(r.signal).toBe("SIGSYS");
  }, 30_000);

  testUnless(hostArch === "x86_64" ? undefined : "x32 exists only on x86_64", "x86_64 numbers 514 (x32 ioctl) and 521 (x32 ptrace) without the x32 bit are killed; unfiltered this kernel answers ENOSYS", async () => {
    const open = await underFilter([["raw", 514], ["raw", 521]], undefined);
    expect(open.results).toEqual(["ENOSYS", "ENOSYS"]); // a kernel from 5.4 on; older ones ran the x32 entry points
    for (const nr of [514, 521]) {
      const r = await underFilter([["raw", nr]], filterOf({ defaultAction: "allow", rules: [] }));
      expect({ nr, signal: r.signal }).toEqual({ nr, signal: "SIGSYS" });
    }
  }, 30_000);

  testUnless(undefined, "a program with far jumps (BPF_JA trampolines) loads and decides as the policy says", async () => {
    // 150 two-condition ioctl rules on requests no program uses, then getppid: several hundred instructions.
    const rules: SeccompPolicy["rules"] = Array.from({ length: 150 }, (_, i) => ({
      syscall: "ioctl",
      action: { errno: (i % 40) + 1 },
      when: [{ arg: 1, op: "eq" as const, value: 0x7f00_0000 + i }, { arg: 2, op: "ne" as const, value: 0 }],
    }));
    const policy: SeccompPolicy = { defaultAction: "allow", rules: [...rules, { syscall: "getppid", action: { errno: "ENOTUNIQ" }, when: [{ arg: 0, op: "eq", value: 0x1_0000_0001 }] }] };
    const { compileProgram } = await import("../../lib/plan/linux/seccomp/compile.ts");
    const program = compileProgram(policy, hostArch!);
    expect(program.length).toBeGreaterThan(600);
    expect(program.some((insn) => insn.code === 0x05)).toBe(true);
    const { ERRNO } = await import("../../ffi/generated/linux-tables.ts");
    const nameOf = (n: number) => `E${Object.entries(ERRNO).find(([, v]) => v === n)![0]}`;
    const r = await underFilter(
      [["ioctl", 0x7f00_0000], ["ioctl", 0x7f00_0000 + 77], ["ioctl", 0x7f00_0000 + 149], ["ioctl", 0x7f00_0000 + 150], ["getppid", 0x1_0000_0001], ["getppid", 1]],
      filterOf(policy),
    );
    // The fixture's ioctl passes a non-null buffer as arg 2, so "ne 0" holds; 150 is past the last rule.
    expect(r.results).toEqual([nameOf(1), nameOf((77 % 40) + 1), nameOf((149 % 40) + 1), "ENOTTY", "ENOTUNIQ", "ok"]);
  }, 30_000);

  testUnless(undefined, "the default action applies to everything no rule names: even execve gets its errno", async () => {
    const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
    const filter = filterOf({ defaultAction: { errno: "ENOTUNIQ" }, rules: [] });
    let error: unknown;
    try {
      spawnLinux(["/bin/true"], { stdin: "ignore", stdout: "ignore", stderr: "ignore", seccomp: { filter, flags: 0 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OsError);
    expect({ op: (error as OsError).op, name: (error as OsError).errorName }).toEqual({ op: "execve", name: "ENOTUNIQ" });
  }, 30_000);
});
