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
  NO_LISTEN,
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
  O_CREAT,
  O_TMPFILE_BIT,
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
const EOPNOTSUPP = SECCOMP_RET_ERRNO | 95;
const NETLINK_KOBJECT_UEVENT = 15;
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
    test("every preset compiles within a 100-instruction budget, their union within 150", () => {
      for (const name of PRESET_NAMES) expect(compileSeccomp(presetPolicy([name]), arch).instructions).toBeLessThanOrEqual(100);
      expect(compileSeccomp(presetPolicy([...PRESET_NAMES]), arch).instructions).toBeLessThanOrEqual(150);
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

    test("ipc-isolation: netlink families other than ROUTE (sock_diag, uevent, audit, xfrm, netfilter, connector, generic) are refused, any high half; route is not", () => {
      for (const proto of [NETLINK_SOCK_DIAG, NETLINK_KOBJECT_UEVENT, 9, 6, 12, 11, 16, 31]) { // audit, xfrm, netfilter, connector, generic, last
        expect({ proto, got: decision(["ipc-isolation"], arch, "socket", [AF_NETLINK, SOCK_RAW, proto]) }).toEqual({ proto, got: EACCES });
        expect(decision(["ipc-isolation"], arch, "socket", [AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, HIGH | BigInt(proto)])).toBe(EACCES);
      }
      expect(decision(["ipc-isolation"], arch, "socket", [AF_NETLINK, SOCK_RAW, NETLINK_ROUTE])).toBe(ALLOW);
      expect(decision(["ipc-isolation"], arch, "socket", [AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE])).toBe(ALLOW);
      // High bits of the protocol do not make another family look like route: the kernel reads an int.
      expect(decision(["ipc-isolation"], arch, "socket", [AF_NETLINK, SOCK_RAW, HIGH])).toBe(ALLOW);
    });

    test("no-setid: set-id bits in chmod, fchmod, fchmodat, fchmodat2, creat, mknod, mknodat and creating open/openat are refused; plain modes pass", () => {
      const modeArg: Record<string, number> = { chmod: 1, fchmod: 1, creat: 1, mknod: 1, fchmodat: 2, fchmodat2: 2, mknodat: 2 };
      let checked = 0;
      for (const [name, at] of Object.entries(modeArg)) {
        const call = (mode: number | bigint) => decision(["no-setid"], arch, name, Array.from({ length: 4 }, (_, i) => (i === at ? mode : 0)));
        if (call(0) === undefined) continue; // chmod, creat, mknod: x86_64 only
        for (const mode of [0o4755, 0o2755, 0o6755, 0o4000, 0o2000, 0o104755, HIGH | 0o4755n]) expect({ name, mode: mode.toString(8), got: call(mode) }).toEqual({ name, mode: mode.toString(8), got: EPERM });
        for (const mode of [0o755, 0o600, 0o1777, 0o100644, 0, HIGH | 0o755n]) expect({ name, mode: mode.toString(8), got: call(mode) }).toEqual({ name, mode: mode.toString(8), got: ALLOW });
        checked++;
      }
      expect(checked).toBe(arch === "x86_64" ? 7 : 4);
      // open/openat: the mode counts only when the call creates (O_CREAT, or O_TMPFILE whose O_DIRECTORY part differs per arch).
      const O_DIRECTORY = arch === "x86_64" ? 0o200000 : 0o40000;
      const opens: [string, number, number][] = [["openat", 2, 3], ["open", 1, 2]];
      for (const [name, flagsAt, modeAt] of opens) {
        const call = (flags: number, mode: number) => decision(["no-setid"], arch, name, Array.from({ length: 4 }, (_, i) => (i === flagsAt ? flags : i === modeAt ? mode : 0)));
        if (call(0, 0) === undefined) continue;
        expect(call(O_CREAT | 1, 0o4755)).toBe(EPERM);
        expect(call(O_CREAT | 0o200 | 1, 0o2711)).toBe(EPERM); // O_EXCL too
        expect(call(O_TMPFILE_BIT | O_DIRECTORY | 2, 0o4700)).toBe(EPERM);
        expect(call(O_CREAT | 1, 0o644)).toBe(ALLOW);
        expect(call(O_TMPFILE_BIT | O_DIRECTORY | 2, 0o600)).toBe(ALLOW);
        expect(call(0, 0o4755)).toBe(ALLOW); // no creation: the kernel ignores the mode
        expect(call(O_DIRECTORY, 0o6000)).toBe(ALLOW);
      }
    });

    test("no-setid: openat2 answers ENOSYS, xattr writes EOPNOTSUPP; reading, listing and removing xattrs pass", () => {
      expect(decision(["no-setid"], arch, "openat2", [0, 0, 0, 24])).toBe(ENOSYS);
      for (const name of ["setxattr", "lsetxattr", "fsetxattr", "setxattrat"]) expect({ name, got: decision(["no-setid"], arch, name) }).toEqual({ name, got: EOPNOTSUPP });
      for (const name of ["getxattr", "lgetxattr", "fgetxattr", "listxattr", "removexattr", "fremovexattr", "openat", "chown", "fchownat"]) {
        const got = decision(["no-setid"], arch, name);
        if (got !== undefined) expect({ name, got }).toEqual({ name, got: ALLOW });
      }
    });

    test("no-listen: listen() is refused with EACCES, accept and connect are not", () => {
      expect(decision(["no-listen"], arch, "listen", [3, 128])).toBe(EACCES);
      for (const name of ["accept4", "connect", "bind", "socket"]) expect(decision(["no-listen"], arch, name)).toBe(ALLOW);
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

test("network modes map to presets: none → no-network, ports → tcp-only (and no-listen without a bind grant), all → nothing", () => {
  expect(networkRules("none")).toBe(NO_NETWORK);
  expect(networkRules({ connect: [443], bind: [] })).toEqual([...NO_LISTEN, ...TCP_ONLY]);
  expect(networkRules({ connect: [443], bind: [8080] })).toBe(TCP_ONLY);
  expect(networkRules("all")).toEqual([]);
  expect(PRESETS["ipc-isolation"]).toBe(IPC_ISOLATION);
});
