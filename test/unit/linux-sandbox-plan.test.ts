// The Linux sandbox plan on described hosts (pure: runs on any OS).
import { describe, expect, test } from "bun:test";
import { coveredElsewhere, foldCovered, planSandbox, type SandboxHost } from "../../lib/plan/linux/sandbox.ts";
import { AUDIT_ARCH, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, syscallNumber, type Arch } from "../../lib/plan/linux/seccomp/index.ts";
import { AF_NETLINK, SOCK_RAW } from "../../lib/plan/linux/seccomp/constants.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";
import { decodeFilter, run } from "../helpers/bpf-interpreter.ts";

const host = (over: Partial<SandboxHost> = {}): SandboxHost => ({ arch: "x86_64", seccomp: true, namespaces: "direct", procfs: true, netns: true, capabilities: true, landlockAbi: 7, ...over });
const g = (plan: ReturnType<typeof planSandbox>, id: string) => plan.report.find((r) => r.guarantee === id);
const NETS: ResolvedPolicy["net"][] = ["none", "all", { connect: [443], bind: [] }, { connect: [], bind: [8080] }];

/** What the sandbox filter of `net` on `arch` answers to `name(args)`. */
function filterSays(net: ResolvedPolicy["net"], arch: Arch, name: string, args: readonly number[] = []): number {
  const prog = decodeFilter(planSandbox({ net }, host({ arch })).seccomp!.filter);
  return run(prog, { nr: syscallNumber(arch, name)!, arch: AUDIT_ARCH[arch], args: args.map(BigInt) });
}


describe("planSandbox", () => {
  test("a full host: private root, private /proc, empty network namespace, AF_UNIX usable, every guarantee enforced", () => {
    const p = planSandbox({ net: "none" }, host());
    expect(p.namespaces).toEqual({ ipc: true, procfs: true, privateRoot: true, net: true, user: false });
    expect(g(p, "net.none")?.by).toEqual(["seccomp socket() family allow-list (AF_UNIX, AF_NETLINK)", "network namespace (empty, loopback down)"]);
    expect(g(p, "fs.outside-invisible")?.status).toBe("enforced");
    expect(g(p, "ipc.unix-outside-closed")?.by[0]).toStartWith("private root");
    expect(p.report.every((r) => r.status === "enforced")).toBe(true);
    expect(p.seccomp!.instructions).toBeGreaterThan(10);
  });

  test("unprivileged: the same inside a user namespace", () => {
    const p = planSandbox({ net: "none" }, host({ namespaces: "user" }));
    expect(p.namespaces.user).toBe(true);
    expect(g(p, "proc.outside-hidden")?.by).toContain("user namespace");
  });

  test("no namespaces (a container profile): AF_UNIX refused by seccomp, only the command's own /proc/<pid>, net none by seccomp alone, still all enforced", () => {
    const p = planSandbox({ net: "none" }, host({ namespaces: "none", procfs: false, netns: false }));
    expect(p.namespaces).toEqual({ ipc: false, procfs: false, privateRoot: false, net: false, user: false });
    expect(g(p, "proc.outside-hidden")?.by[0]).toContain("only the command's own /proc/<pid>");
    expect(g(p, "net.none")?.by).toEqual(["seccomp socket() family allow-list (AF_UNIX, AF_NETLINK)"]);
    expect(g(p, "ipc.unix-outside-closed")?.by[0]).toContain("socket(AF_UNIX) refused");
    expect(g(p, "fs.outside-invisible")).toBeUndefined();
    expect(p.report.every((r) => r.status === "enforced")).toBe(true);
  });

  test("capabilities: emptied, bounding set included, when the caller or its user namespace holds them; an unprivileged caller without one holds none and says so", () => {
    const emptied = ["securebits locked", "bounding, ambient, permitted and effective sets emptied"];
    expect(g(planSandbox({ net: "none" }, host()), "privileges.no-capabilities")?.by).toEqual(emptied);
    expect(g(planSandbox({ net: "none" }, host({ capabilities: false, namespaces: "user" })), "privileges.no-capabilities")?.by).toEqual(emptied);
    const none = g(planSandbox({ net: "none" }, host({ capabilities: false, namespaces: "none", procfs: false })), "privileges.no-capabilities")!;
    expect(none.status).toBe("enforced");
    expect(none.by.join("; ")).not.toContain("bounding, ambient");
    expect(none.by[0]).toStartWith("none held");
  });

  test("landlock below ABI 6 keeps AF_UNIX refused even with a private root (abstract sockets are not scoped)", () => {
    const p = planSandbox({ net: "none" }, host({ landlockAbi: 5 }));
    expect(g(p, "ipc.unix-outside-closed")?.by[0]).toContain("socket(AF_UNIX) refused");
  });

  test("without seccomp every seccomp guarantee is reported missing, with the reason; net none holds by the network namespace alone where there is one", () => {
    const p = planSandbox({ net: "none" }, host({ seccomp: false, netns: false }));
    expect(p.seccomp).toBeUndefined();
    expect(g(p, "net.none")).toMatchObject({ status: "not-enforced", reason: "seccomp filter mode is not available" });
    expect(g(planSandbox({ net: "none" }, host({ seccomp: false })), "net.none")).toEqual({ guarantee: "net.none", status: "enforced", by: ["network namespace (empty, loopback down)"] });
    expect(g(p, "ipc.sysv-closed")).toMatchObject({ status: "partial", by: ["ipc namespace"] });
    const noArch = planSandbox({ net: "none" }, host({ arch: undefined, netns: false }));
    expect(g(noArch, "net.none")?.reason).toContain("x86_64 and aarch64");
  });

  test("net modes: none, TCP ports (UDP closed), all; a network namespace for none only", () => {
    expect(g(planSandbox({ net: "none" }, host()), "net.none")?.status).toBe("enforced");
    expect(planSandbox({ net: { connect: [443], bind: [] } }, host()).namespaces.net).toBe(false);
    expect(planSandbox({ net: "all" }, host()).namespaces.net).toBe(false);
    expect(g(planSandbox({ net: { connect: [443], bind: [] } }, host()), "net.udp-closed")?.status).toBe("enforced");
    const all = planSandbox({ net: "all" }, host());
    expect(g(all, "net.none")).toBeUndefined();
    expect(g(all, "net.udp-closed")).toBeUndefined();
  });
});

describe("sandbox filter rules behind the report (issue 16)", () => {
  const EPERM = SECCOMP_RET_ERRNO | 1;
  const EACCES = SECCOMP_RET_ERRNO | 13;

  test("set-id modes are refused under every net mode, on both arches, and reported as fs.no-setid-files", () => {
    for (const net of NETS) {
      for (const arch of ["x86_64", "aarch64"] as const) {
        expect(filterSays(net, arch, "fchmodat", [-100, 0, 0o4755])).toBe(EPERM);
        expect(filterSays(net, arch, "fchmod", [3, 0o2755])).toBe(EPERM);
        expect(filterSays(net, arch, "openat", [-100, 0, 0o101, 0o6755])).toBe(EPERM);
        expect(filterSays(net, arch, "fchmodat", [-100, 0, 0o755])).toBe(SECCOMP_RET_ALLOW);
        expect(filterSays(net, arch, "openat", [-100, 0, 0o101, 0o644])).toBe(SECCOMP_RET_ALLOW);
        expect(filterSays(net, arch, "fsetxattr", [3, 0, 0, 0, 0])).toBe(SECCOMP_RET_ERRNO | 95);
      }
      expect(filterSays(net, "x86_64", "chmod", [0, 0o4711])).toBe(EPERM);
      expect(g(planSandbox({ net }, host()), "fs.no-setid-files")).toMatchObject({ status: "enforced", by: [expect.stringContaining("set-id mode bits")] });
    }
    expect(g(planSandbox({ net: "none" }, host({ seccomp: false })), "fs.no-setid-files")?.status).toBe("not-enforced");
  });

  test("listen() is refused under port grants without a bind grant (net.tcp-listen-confined enforced); with a bind grant it stays and the guarantee is partial", () => {
    const connectOnly = { connect: [443], bind: [] };
    expect(filterSays(connectOnly, "x86_64", "listen", [3, 128])).toBe(EACCES);
    expect(filterSays(connectOnly, "aarch64", "listen", [3, 128])).toBe(EACCES);
    expect(g(planSandbox({ net: connectOnly }, host()), "net.tcp-listen-confined")).toMatchObject({ status: "enforced", by: ["seccomp listen() refused (no bind grant)"] });
    const withBind = { connect: [], bind: [8080] };
    expect(filterSays(withBind, "x86_64", "listen", [3, 128])).toBe(SECCOMP_RET_ALLOW);
    expect(g(planSandbox({ net: withBind }, host()), "net.tcp-listen-confined")).toMatchObject({ status: "partial", reason: expect.stringContaining("ephemeral port") });
    // none: no IP socket exists, listen() serves AF_UNIX only; all: nothing to confine.
    for (const net of ["none", "all"] as const) {
      expect(filterSays(net, "x86_64", "listen", [3, 128])).toBe(SECCOMP_RET_ALLOW);
      expect(g(planSandbox({ net }, host()), "net.tcp-listen-confined")).toBeUndefined();
    }
    expect(g(planSandbox({ net: connectOnly }, host({ seccomp: false })), "net.tcp-listen-confined")?.status).toBe("not-enforced");
  });

  test("netlink opens only NETLINK_ROUTE under every net mode (net.netlink-route-only)", () => {
    for (const net of NETS) {
      for (const proto of [4, 9, 15, 16]) expect(filterSays(net, "x86_64", "socket", [AF_NETLINK, SOCK_RAW, proto])).toBe(EACCES);
      expect(filterSays(net, "aarch64", "socket", [AF_NETLINK, SOCK_RAW, 15])).toBe(EACCES);
      expect(filterSays(net, "x86_64", "socket", [AF_NETLINK, SOCK_RAW, 0])).toBe(SECCOMP_RET_ALLOW);
      expect(g(planSandbox({ net }, host()), "net.netlink-route-only")?.status).toBe("enforced");
    }
  });

  test("x86_64 numbers 512-547 (x32 ioctl 514, ptrace 521 before Linux 5.4) are killed by the sandbox filter", () => {
    const prog = decodeFilter(planSandbox({ net: "all" }, host()).seccomp!.filter);
    for (const nr of [512, 514, 521, 547]) expect({ nr, got: run(prog, { nr, arch: AUDIT_ARCH.x86_64, args: [] }) }).toEqual({ nr, got: SECCOMP_RET_KILL_PROCESS });
  });
});

describe("rights covered elsewhere", () => {
  test("TCP under net none, signals in a pid namespace, abstract sockets when AF_UNIX is refused", () => {
    const h = host({ namespaces: "none", procfs: false });
    const covered = coveredElsewhere({ net: "none" }, h, planSandbox({ net: "none" }, h));
    expect(Object.keys(covered).sort()).toEqual(["fs.resolve_unix", "net.bind_tcp", "net.bind_udp", "net.connect_send_udp", "net.connect_tcp", "scope.abstract_unix_socket"]);
    const full = host();
    const c2 = coveredElsewhere({ net: { connect: [80], bind: [] } }, full, planSandbox({ net: { connect: [80], bind: [] } }, full));
    // TCP ports need landlock itself; a private root leaves abstract sockets to the scope (ABI 9-10 rights: see landlock-plan.test.ts).
    expect(Object.keys(c2).sort()).toEqual(["fs.resolve_unix", "net.bind_udp", "net.connect_send_udp", "scope.signal"]);
    const bare = host({ seccomp: false, netns: false });
    expect(coveredElsewhere({ net: "none" }, bare, planSandbox({ net: "none" }, bare))).toEqual({});
    // Without seccomp, the empty network namespace still covers connect (no route), not bind (which succeeds there).
    const netOnly = host({ seccomp: false });
    expect(coveredElsewhere({ net: "none" }, netOnly, planSandbox({ net: "none" }, netOnly))).toEqual({ "net.connect_tcp": "empty network namespace: no route" });
  });

  test("folding: a missing landlock guarantee becomes enforced only if every right of it is covered", () => {
    const folded = foldCovered(
      [
        { guarantee: "ipc.signal-scoped", status: "not-enforced", by: [], reason: "ABI 5" },
        { guarantee: "net.tcp-connect-confined", status: "not-enforced", by: [], reason: "ABI 3" },
        { guarantee: "fs.ioctl-dev-confined", status: "not-enforced", by: [], reason: "ABI 3" },
      ],
      { "scope.signal": "pid namespace" },
    );
    expect(folded.map((x) => x.status)).toEqual(["enforced", "not-enforced", "not-enforced"]);
    expect(folded[0]!.by).toEqual(["pid namespace"]);
  });
});
