// The host model (lib/host/linux) is what `cordon probe` answers and what
// spawn() plans with; on each host the suites emulate (test/linux/hostile-hosts.test.ts)
// a sandboxed command sees exactly what the model says: a user namespace of
// its own only where the model routes namespaces through one, a pid namespace
// only where the model has namespaces at all, its own /proc only where the
// model says a fresh one can be mounted.
import { afterAll, expect, test } from "bun:test";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, emulated, linuxRequirement, notLinux } from "../helpers/skip.ts";
import { worldReadableCopy } from "../helpers/world-readable.ts";

const isRoot = process.getuid?.() === 0;
const world = notLinux ? undefined : worldReadableCopy();
afterAll(() => world?.remove());

type Seen = {
  model: { namespaces: "direct" | "user" | "none"; procfs: boolean; netns: boolean };
  modelContainment: boolean;
  calls: { openat2: boolean; mountSetattr: boolean } & Record<string, boolean>;
  probeSays: string;
  backend: unknown;
  backendContainment: boolean;
  inside: { read: string[]; ownUser: boolean; ownPid: boolean; ownNet: boolean; procCount: number };
  hostNote: string;
  proc: string[];
};

const env = () => ({ PATH: "/usr/local/bin:/usr/bin:/bin", HOME: world!.dir, TMPDIR: tmpdir() });
const fixture = () => join(world!.dir, "test", "fixtures", "host-model", "agree.ts");

/** The fixture's answer, started through `prefix`, or under a seccomp profile of `rules` (as a container runtime installs one). */
async function seen(prefix: string[], rules?: unknown[]): Promise<Seen> {
  const argv = [...prefix, world!.bun, fixture()];
  let p: { exited: Promise<number>; stdout: ReadableStream<Uint8Array> | undefined; stderr: ReadableStream<Uint8Array> | undefined };
  if (rules) {
    const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
    const { compileSeccomp } = await import("../../lib/plan/linux/seccomp/index.ts");
    const profile = compileSeccomp({ defaultAction: "allow", rules }, process.arch === "arm64" ? "aarch64" : "x86_64");
    p = spawnLinux(argv, { cwd: world!.dir, env: env(), stdout: "pipe", stderr: "pipe", seccomp: { filter: profile.filter, flags: 0 } }) as typeof p;
  } else {
    p = Bun.spawn(argv, { cwd: world!.dir, env: env(), stdout: "pipe", stderr: "pipe" });
  }
  const [out, err] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text()]);
  expect({ code: await p.exited, err: err.trim() }).toEqual({ code: 0, err: "" });
  return JSON.parse(out) as Seen;
}

/** Every claim of the model checked against the probe's words, the backend's plan and what the command saw. */
function expectAgreement(r: Seen) {
  const { namespaces, procfs } = r.model;
  // cordon probe's live column and the backend's own probe say what the model says.
  expect(r.probeSays).toContain(`namespaces ${namespaces}${procfs ? "," : " (no fresh /proc)"}`);
  expect(r.backend).toEqual(r.model);
  expect(r.backendContainment).toBe(r.modelContainment);
  expect(r.modelContainment).toBe(namespaces !== "none");
  // The spawn did what the model says.
  expect(r.inside.read).toEqual(["ok", "ok", "ok"]);
  expect({ ownUser: r.inside.ownUser, ownPid: r.inside.ownPid }).toEqual({ ownUser: namespaces === "user", ownPid: namespaces !== "none" });
  expect(r.hostNote).toStartWith(namespaces === "none" ? "namespaces: none" : `namespaces: ${namespaces === "user" ? "inside a user namespace" : "created directly"}`);
  if (procfs) {
    // Its own /proc: a handful of its own processes, not the host's.
    expect(r.inside.procCount).toBeGreaterThan(0);
    expect(r.inside.procCount).toBeLessThan(10);
    expect(r.proc).toContain("private procfs");
  } else {
    // The host's /proc is not granted: only the command's own /proc/<pid> (its /proc/self).
    expect(r.inside.procCount).toBe(0);
    expect(r.proc).not.toContain("private procfs");
  }
}

const NS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
const EPERM = { errno: "EPERM" } as const;
const containerProfile = [
  { syscall: "clone3", action: { errno: "ENOSYS" } },
  { syscall: "clone", action: EPERM, when: [{ arg: 0, op: "masked-ne", mask: NS, value: 0 }] },
  { syscall: "unshare", action: EPERM },
  { syscall: "setns", action: EPERM },
  ...["mount", "umount2", "pivot_root", "move_mount", "fsopen", "fsmount", "open_tree"].map((syscall) => ({ syscall, action: EPERM })),
];
/** A profile that kills (SIGSYS) the process asking for a namespace, rather than refusing it. */
const killingProfile = [
  { syscall: "clone3", action: { errno: "ENOSYS" } },
  { syscall: "clone", action: "kill-process", when: [{ arg: 0, op: "masked-ne", mask: NS, value: 0 }] },
  { syscall: "unshare", action: "kill-process" },
];
const PIDFD_GET_MNT_NAMESPACE = 0xff03;
const olderMountApi = [
  ...["openat2", "mount_setattr"].map((syscall) => ({ syscall, action: { errno: "ENOSYS" } })),
  { syscall: "ioctl", action: { errno: "ENOTTY" }, when: [{ arg: 1, op: "eq", value: PIDFD_GET_MNT_NAMESPACE }] },
];
const unprivileged = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
const nestedUserns = ["bwrap", "--dev-bind", "/", "/", "--unshare-user", "--disable-userns", "--die-with-parent", "--"];

describeUnless(notLinux ?? emulated.sandbox ?? linuxRequirement(isRoot ? undefined : "switching to another uid and installing a host-wide filter need root"), "the host model agrees with spawn", () => {
  test("on this host as it is", async () => {
    expectAgreement(await seen([]));
  }, 60_000);

  test("as an unprivileged user: namespaces only through a user namespace, where the model says uid 65534 can make one", async () => {
    const r = await seen(unprivileged);
    expectAgreement(r);
    expect(r.model.namespaces).not.toBe("direct");
  }, 60_000);

  test("inside a container-like seccomp profile: the model has no namespaces and no fresh /proc, and the sandbox has none", async () => {
    const r = await seen([], containerProfile);
    expectAgreement(r);
    expect(r.model).toMatchObject({ namespaces: "none", procfs: false, netns: false });
  }, 60_000);

  test("inside a seccomp profile that kills the process asking for a namespace: the probing process survives, the model has no namespaces, and the sandbox has none", async () => {
    const r = await seen([], killingProfile);
    expectAgreement(r);
    expect(r.model).toMatchObject({ namespaces: "none", procfs: false, netns: false });
  }, 60_000);

  test("on an older kernel's mount API (openat2, mount_setattr ENOSYS)", async () => {
    const [plain, older] = [await seen([]), await seen([], olderMountApi)];
    expectAgreement(older);
    // The model saw the profile take exactly those calls away.
    expect({ ...older.calls, openat2: true, mountSetattr: true }).toEqual(plain.calls);
    expect({ openat2: older.calls.openat2, mountSetattr: older.calls.mountSetattr }).toEqual({ openat2: false, mountSetattr: false });
  }, 60_000);

  test("inside bubblewrap's user namespace that may not make another (--disable-userns)", async () => {
    if (!Bun.which("bwrap")) throw new Error("bubblewrap is not installed (.ci/run installs it)");
    const r = await seen(nestedUserns);
    expectAgreement(r);
    expect(r.model.namespaces).not.toBe("user");
  }, 60_000);

  test("the same started by an unprivileged user: no capability inside, so no namespace of any kind", async () => {
    if (!Bun.which("bwrap")) throw new Error("bubblewrap is not installed (.ci/run installs it)");
    const r = await seen([...unprivileged, ...nestedUserns]);
    expectAgreement(r);
    expect(r.model.namespaces).toBe("none");
  }, 60_000);
});
