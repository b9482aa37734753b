// The host model's pure parts: the native probe's bitmask decoded, and the
// namespaces a sandbox gets on a described host, in the order a spawn wants
// them (a fresh /proc first, directly before inside a user namespace).
import { describe, expect, test } from "bun:test";
import { decodeHostProbe, HOST_BIT } from "../../ffi/linux-host.ts";
import { sandboxNamespaces } from "../../lib/host/linux/namespaces.ts";
import type { LinuxHostModel } from "../../lib/host/linux/types.ts";

const kinds = (on: boolean) => ({ mount: on, pid: on, net: on, ipc: on, uts: on, cgroup: on });
const host = (o: { user?: boolean; direct?: boolean; inUser?: boolean; proc?: [boolean, boolean]; tmpfs?: [boolean, boolean]; net?: boolean }): Pick<LinuxHostModel, "namespaces" | "mounts"> => ({
  namespaces: { user: o.user ?? false, direct: { ...kinds(o.direct ?? false), net: (o.direct ?? false) && (o.net ?? true) }, inUser: { ...kinds(o.inUser ?? false), net: (o.inUser ?? false) && (o.net ?? true) }, unprivileged: false },
  mounts: {
    proc: { direct: o.proc?.[0] ?? false, inUser: o.proc?.[1] ?? false },
    tmpfs: { direct: o.tmpfs?.[0] ?? false, inUser: o.tmpfs?.[1] ?? false },
    calls: { clone3: true, fsopen: true, openTree: true, moveMount: true, openat2: true, mountSetattr: true },
  },
});

describe("host model", () => {
  test("the bitmask decodes bit by bit (CORDON_HOST_* of cordon_linux_host.h)", () => {
    const all = decodeHostProbe(0x7ff_ffff);
    expect([all.clone3, all.user, all.proc.inUser, all.calls.mountSetattr, all.unprivilegedUserns, all.seccompFilter]).toEqual([true, true, true, true, true, true]);
    expect(Object.values(all.direct).every(Boolean) && Object.values(all.inUser).every(Boolean)).toBe(true);
    const none = decodeHostProbe(0);
    expect([none.clone3, none.user, none.proc.direct, none.capabilities, ...Object.values(none.direct)].some(Boolean)).toBe(false);
    // Each namespace kind at its own bit: pid directly is bit 3, net inside a user namespace bit 10.
    const one = decodeHostProbe((1 << (HOST_BIT.directShift + 1)) | (1 << (HOST_BIT.inUserShift + 2)));
    expect(Object.entries(one.direct).filter(([, v]) => v).map(([k]) => k)).toEqual(["pid"]);
    expect(Object.entries(one.inUser).filter(([, v]) => v).map(([k]) => k)).toEqual(["net"]);
  });

  test("root with every mount: namespaces made directly, a fresh /proc, a network namespace", () => {
    expect(sandboxNamespaces(host({ user: true, direct: true, inUser: true, proc: [true, true], tmpfs: [true, true] }))).toEqual({ namespaces: "direct", procfs: true, netns: true });
  });

  test("an ordinary user: everything through a user namespace", () => {
    expect(sandboxNamespaces(host({ user: true, inUser: true, proc: [false, true], tmpfs: [false, true] }))).toEqual({ namespaces: "user", procfs: true, netns: true });
  });

  test("a fresh /proc outranks the direct route: direct without a proc mount, a user namespace with one", () => {
    expect(sandboxNamespaces(host({ user: true, direct: true, inUser: true, proc: [false, true], tmpfs: [true, true] }))).toEqual({ namespaces: "user", procfs: true, netns: true });
  });

  test("namespaces but no mount anywhere (nested in a sandbox that refuses mount): no fresh /proc", () => {
    expect(sandboxNamespaces(host({ direct: true }))).toEqual({ namespaces: "direct", procfs: false, netns: true });
  });

  test("a /proc mount without a tmpfs is no private root: not procfs", () => {
    expect(sandboxNamespaces(host({ direct: true, proc: [true, false] }))).toEqual({ namespaces: "direct", procfs: false, netns: true });
  });

  test("a profile that refuses only network namespaces keeps the others", () => {
    expect(sandboxNamespaces(host({ direct: true, proc: [true, false], tmpfs: [true, false], net: false }))).toEqual({ namespaces: "direct", procfs: true, netns: false });
  });

  test("in-user kinds without a user namespace, or nothing at all: none", () => {
    expect(sandboxNamespaces(host({ inUser: true, proc: [false, true], tmpfs: [false, true] }))).toEqual({ namespaces: "none", procfs: false, netns: false });
    expect(sandboxNamespaces(host({}))).toEqual({ namespaces: "none", procfs: false, netns: false });
  });
});
