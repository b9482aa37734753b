// What each preset decides for the calls it exists for, and their positive
// twins, through the compiled program (interpreter) and the reference
// evaluation alike.
import { describe, expect, test } from "bun:test";
import {
  ARCHES,
  type Arch,
  AUDIT_ARCH,
  compileSeccomp,
  evaluator,
  HARDENING,
  IPC_ISOLATION,
  networkRules,
  NO_NETWORK,
  presetPolicy,
  PRESET_NAMES,
  type PresetName,
  PRESETS,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  syscallNumber,
  TCP_ONLY,
} from "../../lib/plan/linux/seccomp/index.ts";
import {
  AF_INET,
  AF_INET6,
  AF_NETLINK,
  AF_UNIX,
  IPPROTO_MPTCP,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  NETLINK_ROUTE,
  NETLINK_SOCK_DIAG,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_RAW,
  SOCK_STREAM,
  TIOCLINUX,
  TIOCSTI,
} from "../../lib/plan/linux/seccomp/constants.ts";
import { decodeFilter, run } from "../helpers/bpf-interpreter.ts";

const EPERM = SECCOMP_RET_ERRNO | 1;
const EACCES = SECCOMP_RET_ERRNO | 13;
const ENOSYS = SECCOMP_RET_ERRNO | 38;
const ALLOW = SECCOMP_RET_ALLOW;
const AF_PACKET = 17;
const AF_VSOCK = 40;
const FIONREAD = 0x541b;
const HIGH = 1n << 32n;

/** The decision for `name(args)` under `presets`, checked to agree between program and reference. */
function decision(presets: readonly PresetName[], arch: Arch, name: string, args: readonly (number | bigint)[] = []): number | undefined {
  const nr = syscallNumber(arch, name);
  if (nr === undefined) return undefined;
  const policy = presetPolicy(presets);
  const input = { nr, arch: AUDIT_ARCH[arch], args: args.map((a) => BigInt.asUintN(64, BigInt(a))) };
  const got = run(decodeFilter(compileSeccomp(policy, arch).filter), input);
  expect(got).toBe(evaluator(policy, arch)(input));
  return got;
}

for (const arch of ARCHES) {
  describe(`presets on ${arch}`, () => {
    test("every preset compiles within a 100-instruction budget, their union within 120", () => {
      for (const name of PRESET_NAMES) expect(compileSeccomp(presetPolicy([name]), arch).instructions).toBeLessThanOrEqual(100);
      expect(compileSeccomp(presetPolicy([...PRESET_NAMES]), arch).instructions).toBeLessThanOrEqual(120);
    });

    test("no-network: IP sockets of every family and type are refused with EACCES", () => {
      for (const family of [AF_INET, AF_INET6]) {
        for (const type of [SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM | SOCK_CLOEXEC, SOCK_DGRAM | SOCK_NONBLOCK]) {
          expect(decision(["no-network"], arch, "socket", [family, type, 0])).toBe(EACCES);
        }
      }
      expect(decision(["no-network"], arch, "socket", [AF_PACKET, SOCK_RAW, 0])).toBe(EACCES);
      expect(decision(["no-network"], arch, "socket", [AF_VSOCK, SOCK_STREAM, 0])).toBe(EACCES);
      // The kernel reads domain as int: high bits must not smuggle AF_INET past the filter.
      expect(decision(["no-network"], arch, "socket", [HIGH | BigInt(AF_INET), SOCK_STREAM, 0])).toBe(EACCES);
      expect(decision(["no-network"], arch, "io_uring_setup", [1, 0])).toBe(ENOSYS);
    });

    test("no-network: AF_UNIX and netlink route sockets, socketpair and ordinary calls stay allowed", () => {
      expect(decision(["no-network"], arch, "socket", [AF_UNIX, SOCK_STREAM, 0])).toBe(ALLOW);
      expect(decision(["no-network"], arch, "socket", [HIGH | BigInt(AF_UNIX), SOCK_DGRAM, 0])).toBe(ALLOW);
      expect(decision(["no-network"], arch, "socket", [AF_NETLINK, SOCK_RAW, NETLINK_ROUTE])).toBe(ALLOW);
      expect(decision(["no-network"], arch, "socketpair", [AF_UNIX, SOCK_STREAM, 0, 0])).toBe(ALLOW);
      for (const name of ["read", "write", "openat", "connect", "sendto", "getppid"]) expect(decision(["no-network"], arch, name)).toBe(ALLOW);
    });

    test("tcp-only: TCP stream sockets (with NONBLOCK/CLOEXEC flags) are allowed, v4 and v6", () => {
      for (const family of [AF_INET, AF_INET6]) {
        expect(decision(["tcp-only"], arch, "socket", [family, SOCK_STREAM, 0])).toBe(ALLOW);
        expect(decision(["tcp-only"], arch, "socket", [family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0])).toBe(ALLOW);
        expect(decision(["tcp-only"], arch, "socket", [family, SOCK_STREAM, IPPROTO_TCP])).toBe(ALLOW);
      }
      expect(decision(["tcp-only"], arch, "socket", [AF_UNIX, SOCK_DGRAM, 0])).toBe(ALLOW);
    });

    test("tcp-only: UDP, raw, SCTP and MPTCP sockets and other families are refused", () => {
      for (const family of [AF_INET, AF_INET6]) {
        for (const type of [SOCK_DGRAM, SOCK_RAW, SOCK_DGRAM | SOCK_CLOEXEC, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC]) {
          expect(decision(["tcp-only"], arch, "socket", [family, type, 0])).toBe(EACCES);
        }
        expect(decision(["tcp-only"], arch, "socket", [family, SOCK_STREAM, IPPROTO_SCTP])).toBe(EACCES);
        expect(decision(["tcp-only"], arch, "socket", [family, SOCK_STREAM, IPPROTO_MPTCP])).toBe(EACCES);
        // type is an int: high bits do not turn a datagram socket into a stream one.
        expect(decision(["tcp-only"], arch, "socket", [family, HIGH | BigInt(SOCK_DGRAM), 0])).toBe(EACCES);
      }
      expect(decision(["tcp-only"], arch, "socket", [AF_PACKET, SOCK_RAW, 0])).toBe(EACCES);
      expect(decision(["tcp-only"], arch, "io_uring_setup", [1, 0])).toBe(ENOSYS);
    });

    test("hardening: each listed syscall this arch has is refused; everyday calls are not", () => {
      let checked = 0;
      for (const rule of HARDENING) {
        const got = decision(["hardening"], arch, rule.syscall);
        if (got === undefined) continue; // e.g. iopl on aarch64
        expect({ name: rule.syscall, got }).toEqual({ name: rule.syscall, got: rule.syscall.startsWith("io_uring") ? ENOSYS : EPERM });
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(arch === "x86_64" ? 40 : 37);
      for (const name of ["read", "write", "openat", "execve", "clone", "clone3", "wait4", "unshare", "mmap", "getppid", "prctl", "seccomp"]) {
        expect({ name, got: decision(["hardening"], arch, name) }).toEqual({ name, got: ALLOW });
      }
    });

    test("ipc-isolation: SysV IPC, POSIX mqueues, keyrings, io_uring, userfaultfd, perf, bpf are refused", () => {
      const names = ["shmget", "shmat", "shmctl", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semctl"];
      names.push("mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr");
      names.push("add_key", "request_key", "keyctl", "userfaultfd", "perf_event_open", "bpf");
      for (const name of names) expect({ name, got: decision(["ipc-isolation"], arch, name) }).toEqual({ name, got: EPERM });
      for (const name of ["io_uring_setup", "io_uring_enter", "io_uring_register"]) expect(decision(["ipc-isolation"], arch, name)).toBe(ENOSYS);
    });

    test("ipc-isolation: TIOCSTI and TIOCLINUX are refused whatever the high half of the request; other ioctls pass", () => {
      for (const req of [BigInt(TIOCSTI), HIGH | BigInt(TIOCSTI), 0xffffffff00000000n | BigInt(TIOCSTI), BigInt(TIOCLINUX), HIGH | BigInt(TIOCLINUX)]) {
        expect(decision(["ipc-isolation"], arch, "ioctl", [0, req, 0])).toBe(EPERM);
      }
      expect(decision(["ipc-isolation"], arch, "ioctl", [0, FIONREAD, 0])).toBe(ALLOW);
      expect(decision(["ipc-isolation"], arch, "ioctl", [0, TIOCSTI + 1, 0])).toBe(ALLOW);
    });

    test("ipc-isolation: netlink sock_diag is refused, netlink route is not", () => {
      expect(decision(["ipc-isolation"], arch, "socket", [AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG])).toBe(EACCES);
      expect(decision(["ipc-isolation"], arch, "socket", [AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG])).toBe(EACCES);
      expect(decision(["ipc-isolation"], arch, "socket", [AF_NETLINK, SOCK_RAW, NETLINK_ROUTE])).toBe(ALLOW);
    });

    test("presets compose: no-network + ipc-isolation still refuses sock_diag and allows route", () => {
      expect(decision(["no-network", "ipc-isolation"], arch, "socket", [AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG])).toBe(EACCES);
      expect(decision(["no-network", "ipc-isolation"], arch, "socket", [AF_NETLINK, SOCK_RAW, NETLINK_ROUTE])).toBe(ALLOW);
      expect(decision(["no-network", "ipc-isolation"], arch, "socket", [AF_INET, SOCK_STREAM, 0])).toBe(EACCES);
    });
  });
}

test("custom rules come before presets, so they can override one", () => {
  const policy = presetPolicy(["hardening"], { rules: [{ syscall: "ptrace", action: "allow" }] });
  const nr = syscallNumber("x86_64", "ptrace")!;
  expect(run(decodeFilter(compileSeccomp(policy, "x86_64").filter), { nr, arch: AUDIT_ARCH.x86_64, args: [] })).toBe(ALLOW);
});

test("network modes map to presets: none → no-network, ports → tcp-only, all → nothing", () => {
  expect(networkRules("none")).toBe(NO_NETWORK);
  expect(networkRules({ connect: [443], bind: [] })).toBe(TCP_ONLY);
  expect(networkRules("all")).toEqual([]);
  expect(PRESETS["ipc-isolation"]).toBe(IPC_ISOLATION);
});
