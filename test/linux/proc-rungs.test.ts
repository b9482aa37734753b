// /proc inside a sandbox, on each rung, tried from inside: a fresh procfs in
// pid and mount namespaces (also under a private root inside a user namespace,
// the unprivileged and nested-host path), and where none can be had, only the
// command's own /proc/<pid> — never all of /proc, where every process's
// command line can be read.
import { afterAll, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describeUnless, notLinux, testUnless } from "../helpers/skip.ts";

const isRoot = process.getuid?.() === 0;
const { spawnLinux } = notLinux ? ({} as typeof import("../../lib/backend/linux/spawn.ts")) : await import("../../lib/backend/linux/spawn.ts");
const { CLONE_NEW } = notLinux ? ({ CLONE_NEW: {} } as never) : await import("../../ffi/linux-spawn.ts");
const { closeFd } = notLinux ? ({} as typeof import("../../ffi/linux.ts")) : await import("../../ffi/linux.ts");
const { prepareLandlock, landlockFeatures } = notLinux ? ({} as typeof import("../../lib/backend/linux/landlock.ts")) : await import("../../lib/backend/linux/landlock.ts");
const { privateRootView } = notLinux ? ({} as typeof import("../../lib/backend/linux/private-root.ts")) : await import("../../lib/backend/linux/private-root.ts");
const { resolvePolicy } = await import("../../lib/resolve-policy.ts");

/** LANDLOCK_ACCESS_FS_READ_FILE | READ_DIR, as the sandbox grants /proc. */
const PROC_ACCESS = (1 << 2) | (1 << 3);
const PYTHON = "/usr/bin/python3";

async function run(argv: string[], opts: Parameters<typeof spawnLinux>[1]) {
  const p = spawnLinux(argv, { stdout: "pipe", stderr: "pipe", searchPath: false, ...opts });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, out: out.trim(), err: err.trim() };
}

const noLandlock = notLinux ?? (landlockFeatures().abi === 0 ? "landlock is not available" : undefined);
const initPath = notLinux ? "" : join(dirname((await import("../../ffi/index.ts")).findLibrary()), "cordon-init");
/**
 * The command as the child itself, or under cordon-init in a pid namespace
 * (the host's /proc kept: no mount) — then the command is another process
 * than the one the spawn made, with a pid of its own.
 */
const shapes = [
  { name: "the child itself", opts: {} },
  ...(existsSync(initPath)
    ? [{ name: "under cordon-init in a pid namespace", opts: { init: initPath, cloneNamespaces: CLONE_NEW.PID, ...(isRoot ? {} : { userNamespace: { uid: process.getuid!(), gid: process.getgid!() } }) } }]
    : []),
];

describeUnless(noLandlock, "no fresh /proc: only the command's own /proc/<pid>", () => {
  // The system read set plus python (and cordon-init, which the sandbox grants when it uses it).
  // best-effort: rights of newer landlock ABIs are left to the other mechanisms, as the sandbox does.
  const { policy, cleanup } = resolvePolicy({ compat: "best-effort", fs: { read: ["/usr/lib/python3", ...(existsSync(initPath) ? [initPath] : [])] } });
  afterAll(cleanup);

  /** Spawns `script` confined by landlock with the PROC_SELF rule, as a host without namespaces runs it. */
  async function confined(script: string, args: string[] = [], shape: Parameters<typeof spawnLinux>[1] = {}) {
    const ll = prepareLandlock(policy);
    try {
      return await run([PYTHON, "-c", script, ...args], { ...shape, env: policy.env, landlock: { rulesetFd: ll.rulesetFd!, restrictFlags: ll.restrictFlags, procAccess: PROC_ACCESS }, procSelf: true });
    } finally {
      closeFd(ll.rulesetFd!);
    }
  }

  for (const shape of shapes)
  test(`${shape.name}: the command reads its own /proc/self (fd, status, maps); not another process's entries, not /proc itself; a process it starts has no /proc/self`, async () => {
    const r = await confined(
      `
import errno, os, subprocess, sys
def t(f):
    try:
        f(); return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
print(t(lambda: os.listdir("/proc/self/fd")), t(lambda: open("/proc/self/status").read()), t(lambda: open("/proc/self/maps").read()))
print(t(lambda: open("/proc/%s/cmdline" % sys.argv[1]).read()), t(lambda: open("/proc/1/status").read()), t(lambda: os.listdir("/proc")))
print(subprocess.run(["/bin/cat", "/proc/self/status"], capture_output=True).returncode)
`,
      [String(process.pid)],
      shape.opts,
    );
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: "" });
    expect(r.out.split("\n")).toEqual(["ok ok ok", "EACCES EACCES EACCES", "1"]);
  });

  // procfs gives a pid directory looked up afresh a new inode, and a landlock
  // rule names an inode: without the dentry held, dropped caches end the grant.
  for (const shape of shapes)
  testUnless(isRoot ? undefined : "dropping the dentry cache needs root", `${shape.name}: the grant survives dropped dentry caches (the pid directory stays pinned)`, async () => {
    const p = confined(`
import time
bad = 0
for i in range(150):
    try:
        open("/proc/self/status").read()
    except OSError:
        bad += 1
    time.sleep(0.01)
print("failed", bad)
`, [], shape.opts);
    for (let i = 0; i < 3; i++) {
      await Bun.sleep(400);
      writeFileSync("/proc/sys/vm/drop_caches", "2");
    }
    const r = await p;
    expect({ code: r.code, out: r.out, err: r.err }).toEqual({ code: 0, out: "failed 0", err: "" });
  });

  // The command confines itself there; cordon-init stays outside its landlock
  // domain, or landlock's signal scope would keep it from the command's tree.
  testUnless(shapes.length > 1 ? undefined : "cordon-init is not built", "under cordon-init: signals reach the command and what it leaves behind dies with it", async () => {
    const shape = shapes[1]!.opts;
    const ll = prepareLandlock(policy);
    try {
      const nap = `96.${process.pid}`; // a duration nothing else on the host sleeps for
      const opts = { ...shape, env: policy.env, landlock: { rulesetFd: ll.rulesetFd!, restrictFlags: ll.restrictFlags, procAccess: PROC_ACCESS }, procSelf: true, searchPath: false } as const;
      const p = spawnLinux(["/bin/sh", "-c", `setsid /bin/sleep ${nap} & /bin/sleep 30`], opts);
      await Bun.sleep(300);
      p.kill("SIGTERM"); // sh has no handler: cordon-init passes it on and the default action ends it
      const started = performance.now();
      expect(await p.exited).toBe(143);
      expect(performance.now() - started).toBeLessThan(2000);
      const left = Bun.spawnSync(["pgrep", "-f", `sleep ${nap}`]).stdout.toString().trim();
      expect(left).toBe("");
    } finally {
      closeFd(ll.rulesetFd!);
    }
  });

  // The command opens its /proc/self after the limits apply, with a copy of every fd of this process.
  testUnless(shapes.length > 1 ? undefined : "cordon-init is not built", "under cordon-init with an open-files limit below this process's fd count: the command still gets its /proc/self", async () => {
    const ll = prepareLandlock(policy);
    try {
      const opts = { ...shapes[1]!.opts, env: policy.env, landlock: { rulesetFd: ll.rulesetFd!, restrictFlags: ll.restrictFlags, procAccess: PROC_ACCESS }, procSelf: true, rlimits: [{ resource: 7, soft: 8, hard: 8 }] };
      expect(await run(["/bin/grep", "-c", "NoNewPrivs", "/proc/self/status"], opts)).toEqual({ code: 0, out: "1", err: "" });
    } finally {
      closeFd(ll.rulesetFd!);
    }
  });

  test("the spawn record refuses PROC_SELF without rights, or together with a fresh /proc", () => {
    expect(() => spawnLinux(["/bin/true"], { procSelf: true })).toThrow("CORDON_E_INVALID_ARGUMENT");
    const ll = prepareLandlock(policy);
    try {
      const landlock = { rulesetFd: ll.rulesetFd!, restrictFlags: ll.restrictFlags, procAccess: PROC_ACCESS };
      expect(() => spawnLinux(["/bin/true"], { landlock, procSelf: true, mountProc: true, cloneNamespaces: CLONE_NEW.PID | CLONE_NEW.NS })).toThrow("CORDON_E_INVALID_ARGUMENT");
    } finally {
      closeFd(ll.rulesetFd!);
    }
  });
});

const system = ["/usr", "/bin", "/lib", "/lib64", "/etc/ld.so.cache"].filter((p) => existsSync(p));

describeUnless(notLinux, "a fresh /proc under a private root", () => {
  // The kernel mounts a procfs in a user namespace only while another procfs
  // is fully visible in its mount namespace: before the old root is detached.
  test("inside a user namespace (the unprivileged and nested-host path): only the sandbox's processes", async () => {
    const r = await run(["/bin/sh", "-c", "echo $$; ls /proc | grep -c '^[0-9]'; test -e /proc/self/status && echo self"], {
      userNamespace: { uid: process.getuid!(), gid: process.getgid!() },
      cloneNamespaces: CLONE_NEW.PID | CLONE_NEW.NS,
      mountProc: true,
      privateRoot: privateRootView(system, [], "/", true),
    });
    expect(r.err).toBe("");
    const [pid, count, self] = r.out.split("\n");
    expect(pid).toBe("1");
    expect(Number(count)).toBeLessThanOrEqual(3); // sh, ls, grep
    expect(self).toBe("self");
  });
});
