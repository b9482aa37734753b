// Where CI really runs: the Linux behaviour suites run again (a) as an
// unprivileged user, (b) inside a seccomp profile like a container runtime's
// default (clone3 → ENOSYS, namespace flags, unshare and mount refused),
// (c) nested inside a cordon sandbox, and (d) under profiles that answer as
// older kernels do (no openat2, mount_setattr, PIDFD_GET_MNT_NAMESPACE). Each run must pass: the guarantees hold,
// or hard mode refuses with a report naming what this host took away.
// Nested hosts (a user namespace that may not make another, as a CI container
// can be) then run the cordon CLI: /proc/self and Bun work inside, other
// processes stay hidden, and a user switch works where setgroups is denied.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";
import { worldReadableCopy } from "../helpers/world-readable.ts";

const isRoot = process.getuid?.() === 0;
const suites = ["test/linux/spawn.test.ts", "test/linux/sandbox.test.ts", "test/linux/system-set.test.ts", "test/linux/report-truth.test.ts", "test/linux/net-namespace.test.ts", "test/linux/graceful-timeout.test.ts", "test/linux/spawn-options.test.ts", "test/linux/bun-spawn-parity.test.ts", "test/linux/egress-fallback.test.ts"];

const world = notLinux ? undefined : worldReadableCopy();
const copy = world?.dir ?? "";
afterAll(() => world?.remove());

/** Runs the suites with `prefix` (a command that changes where they run) and returns the summary. */
async function runSuites(prefix: string[], env: Record<string, string> = {}, spawnIt?: (argv: string[]) => { exited: Promise<number>; stdout: ReadableStream<Uint8Array> | undefined }, files = suites) {
  const argv = [...prefix, world!.bun, "test", ...files];
  const baseEnv = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: copy, TMPDIR: tmpdir(), ...env };
  const p = spawnIt ? spawnIt(argv) : Bun.spawn(argv, { cwd: copy, env: baseEnv, stdout: "pipe", stderr: "pipe" });
  const text = await new Response(p.stdout as ReadableStream).text();
  const errText = "stderr" in p && p.stderr instanceof ReadableStream ? await new Response(p.stderr).text() : "";
  const code = await p.exited;
  const all = text + errText;
  const num = (re: RegExp) => Number(all.match(re)?.[1] ?? -1);
  const failures = all.split("\n").filter((l) => l.startsWith("(fail)"));
  // The nested run's own output says why; without it a failure here names only the test.
  if (failures.length) console.error(all);
  return { code, pass: num(/^\s*(\d+) pass$/m), fail: num(/^\s*(\d+) fail$/m), failures };
}

/** Spawns argv from the world-readable copy through the spine, under `rules` as a seccomp profile when given. */
async function underProfile(rules: unknown[] | undefined) {
  const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
  const { compileSeccomp } = await import("../../lib/plan/linux/seccomp/index.ts");
  const profile = rules && compileSeccomp({ defaultAction: "allow", rules }, process.arch === "arm64" ? "aarch64" : "x86_64");
  return (argv: string[]) =>
    spawnLinux(argv, {
      cwd: copy,
      env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: copy, TMPDIR: tmpdir() },
      stdout: "pipe",
      stderr: "pipe",
      ...(profile ? { seccomp: { filter: profile.filter, flags: 0 } } : {}),
    });
}

describeUnless(notLinux ?? linuxRequirement(isRoot ? undefined : "switching to another uid and installing a host-wide filter need root"), "hostile hosts", () => {
  test("as an unprivileged user", async () => {
    const r = await runSuites(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]);
    expect(r.failures).toEqual([]);
    expect(r.fail).toBe(0);
    expect(r.pass).toBeGreaterThanOrEqual(25);
    expect(r.code).toBe(0);
  }, 240_000);

  test("inside a container-like seccomp profile (clone3 ENOSYS, no namespaces, no mount)", async () => {
    const NS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
    const EPERM = { errno: "EPERM" } as const;
    const run = await underProfile([
      { syscall: "clone3", action: { errno: "ENOSYS" } },
      { syscall: "clone", action: EPERM, when: [{ arg: 0, op: "masked-ne", mask: NS, value: 0 }] },
      { syscall: "unshare", action: EPERM },
      { syscall: "setns", action: EPERM },
      ...["mount", "umount2", "pivot_root", "move_mount", "fsopen", "fsmount", "open_tree"].map((syscall) => ({ syscall, action: EPERM })),
    ]);
    const r = await runSuites([], {}, run);
    expect(r.failures).toEqual([]);
    expect(r.fail).toBe(0);
    expect(r.pass).toBeGreaterThanOrEqual(25);
  }, 240_000);

  // Linux 5.4 has neither openat2 (5.6) nor mount_setattr (5.12), and no
  // kernel before 6.11 has PIDFD_GET_MNT_NAMESPACE; a container profile may
  // refuse open_tree (5.2) while it leaves openat2.
  const PIDFD_GET_MNT_NAMESPACE = 0xff03; // _IO(0xFF, 3)
  const olderKernels = [
    {
      name: "an older kernel's mount API (openat2, mount_setattr ENOSYS; no PIDFD_GET_MNT_NAMESPACE): writable sources are looked up under a chroot to the old root, read-only binds remounted, the namespace held through /proc",
      rules: [
        ...["openat2", "mount_setattr"].map((syscall) => ({ syscall, action: { errno: "ENOSYS" } })),
        { syscall: "ioctl", action: { errno: "ENOTTY" }, when: [{ arg: 1, op: "eq", value: PIDFD_GET_MNT_NAMESPACE }] },
      ],
      calls: { openat2: false, open_tree: true },
    },
    {
      name: "a profile that refuses open_tree (EPERM) but leaves openat2: writable binds take the chroot lookup too",
      rules: [{ syscall: "open_tree", action: { errno: "EPERM" } }],
      calls: { openat2: true, open_tree: false },
    },
  ];
  for (const host of olderKernels) {
    test(`on ${host.name}`, async () => {
      const [plain, filtered] = [await underProfile(undefined), await underProfile(host.rules)];
      // The profile takes exactly those calls away, and only under it.
      // openat2 is 437 and open_tree 428 on every architecture (the unified numbers).
      const probe = [
        "import ctypes, json, struct",
        "c = ctypes.CDLL(None)",
        "how = struct.pack('QQQ', 0o10000000, 0, 0)  # struct open_how { O_PATH }",
        "print(json.dumps({'openat2': c.syscall(437, -100, b'/', how, 24) >= 0, 'open_tree': c.syscall(428, -100, b'/', 1) >= 0}))",
      ].join("\n");
      for (const [run, underIt] of [[plain, false], [filtered, true]] as const) {
        const p = run(["python3", "-c", probe]);
        const out = await new Response(p.stdout as ReadableStream).text();
        expect({ code: await p.exited, calls: JSON.parse(out) }).toEqual({ code: 0, calls: underIt ? host.calls : { openat2: true, open_tree: true } });
      }
      const r = await runSuites([], {}, filtered, [...suites, "test/linux/namespaces.test.ts"]);
      expect(r.failures).toEqual([]);
      expect(r.fail).toBe(0);
      expect(r.pass).toBeGreaterThanOrEqual(45);
    }, 240_000);
  }

  test("inside bubblewrap (--unshare-all --disable-userns): the suites pass there too", async () => {
    const bwrap = Bun.which("bwrap");
    if (!bwrap) throw new Error("bubblewrap is not installed (.ci/run installs it)");
    const r = await runSuites([
      bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--bind", copy, copy,
      "--unshare-all", "--share-net", "--unshare-user", "--disable-userns", "--die-with-parent", "--chdir", copy,
    ]);
    expect(r.failures).toEqual([]);
    expect(r.fail).toBe(0);
    expect(r.pass).toBeGreaterThanOrEqual(25);
  }, 240_000);

  test("nested inside a cordon sandbox: filters stack; hard mode names what the outer sandbox took away", async () => {
    const { spawn } = await import("../../lib/spawn.ts");
    const secret = join(copy, "..", `cordon-nested-secret-${process.pid}`);
    await Bun.write(secret, "outer secret");
    const inner = join(copy, "nested-inner.ts");
    await Bun.write(
      inner,
      `const { spawn } = await import(${JSON.stringify(join(copy, "lib/spawn.ts"))});
      const out = {};
      try { spawn(["true"], {}); out.hard = "ran"; } catch (e) { out.hard = e.name + ": " + (e.missing ?? []).map((m) => m.guarantee).join(","); }
      const p = spawn(["sh", "-c", "cat ${secret} 2>/dev/null || echo read-denied; { echo x > ${secret}; } 2>/dev/null || echo write-denied; (exec 3<>/dev/tcp/127.0.0.1/9) 2>/dev/null || echo net-denied"], { compat: "best-effort" }, { stdout: "pipe" });
      out.inner = (await new Response(p.stdout).text()).trim().split("\\n");
      out.code = await p.exited;
      out.host = p.report.host;
      out.missing = p.report.guarantees.filter((g) => g.status !== "enforced").map((g) => g.guarantee);
      console.log(JSON.stringify(out));`,
    );
    try {
      const p = spawn([world!.bun, inner], { fs: { read: [copy] }, cwd: copy, env: { HOME: copy, BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" } }, { stdout: "pipe", stderr: "pipe" });
      const [out, err] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text()]);
      expect({ code: await p.exited, err }).toEqual({ code: 0, err: "" });
      const r = JSON.parse(out);
      // The outer sandbox took away namespaces (no capabilities) and cgroups (not granted): no tree kill beyond the process group.
      expect(r.hard).toBe("CompatError: tree.kill");
      expect(r.missing).toEqual(["tree.kill"]);
      expect(r.host.some((n: string) => n.startsWith("seccomp: this process already runs under a filter"))).toBe(true);
      // Everything else of the inner policy holds, stacked on the outer one.
      expect(r.inner).toEqual(["read-denied", "write-denied", "net-denied"]);
      expect(r.code).toBe(0);
    } finally {
      rmSync(secret, { force: true });
    }
  }, 240_000);
});

/** A user namespace that may not make another, as bubblewrap makes one (root outside: uid 0 inside, with capabilities there). */
const nestedHost = ["bwrap", "--dev-bind", "/", "/", "--unshare-user", "--disable-userns", "--die-with-parent", "--"];
/** The same started by an unprivileged user: no capability inside, so no namespace of any kind. */
const nestedUnprivileged = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...nestedHost];

/** `cordon run ARGS` from the world-readable copy, started through `prefix`; the report read back. */
async function cordonRun(prefix: string[], args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "cordon-nested-report-"));
  chmodSync(dir, 0o777);
  const reportFile = join(dir, "report.json");
  try {
    const p = Bun.spawn([...prefix, join(copy, "bun"), join(copy, "bin", "cordon.ts"), "run", `--report=${reportFile}`, ...args], {
      cwd: copy,
      env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: copy, TMPDIR: tmpdir() },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
    const code = await p.exited;
    let report: { guarantees?: { guarantee: string; status: string; by: string[] }[]; host?: string[] } = {};
    try {
      report = JSON.parse(readFileSync(reportFile, "utf8"));
    } catch {
      // refused before the report was written
    }
    return { code, out: out.trim(), err: err.trim(), report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const procBy = (r: Awaited<ReturnType<typeof cordonRun>>) => r.report.guarantees?.find((g) => g.guarantee === "proc.outside-hidden")?.by ?? [];

describeUnless(notLinux ?? linuxRequirement(isRoot && Bun.which("bwrap") ? undefined : "a nested user namespace with capabilities inside needs root outside, and bubblewrap"), "nested hosts", () => {
  test("a user namespace that may not make another (bubblewrap as root): a fresh /proc, so /proc/self works in every process and Bun runs; other processes stay hidden", async () => {
    const r = await cordonRun(nestedHost, [
      "--best-effort",
      `--allow-read=${copy}`,
      "--",
      "sh",
      "-c",
      `ls /proc/self/fd >/dev/null && echo fd-ok; grep NoNewPrivs /proc/self/status; ${join(copy, "bun")} -e "console.log('bun-ok')"; cat /proc/${process.pid}/cmdline >/dev/null 2>&1 && echo host-visible || echo host-hidden`,
    ]);
    expect({ code: r.code, out: r.out.split("\n") }).toEqual({ code: 0, out: ["fd-ok", "NoNewPrivs:\t1", "bun-ok", "host-hidden"] });
    expect(procBy(r)).toContain("private procfs");
  }, 60_000);

  test("no namespace at all (bubblewrap as an unprivileged user): the command's own /proc/self only; Bun runs; /proc and other processes stay closed", async () => {
    const run = (argv: string[]) => cordonRun(nestedUnprivileged, ["--best-effort", `--allow-read=${copy}`, "--", ...argv]);
    const fd = await run(["ls", "/proc/self/fd"]);
    expect({ code: fd.code, err: fd.err }).toEqual({ code: 0, err: "" });
    expect(procBy(fd)[0]).toContain("only the command's own /proc/<pid>");
    const status = await run(["grep", "-E", "^(NoNewPrivs|CapPrm|CapEff)", "/proc/self/status"]);
    expect(status.out.split("\n")).toEqual(["CapPrm:\t0000000000000000", "CapEff:\t0000000000000000", "NoNewPrivs:\t1"]);
    // Nothing was held, so nothing was dropped: the report says so rather than claim an emptied bounding set.
    expect(status.report.guarantees?.find((g) => g.guarantee === "privileges.no-capabilities")?.by[0]).toStartWith("none held");
    expect(await run([join(copy, "bun"), "-e", "console.log('bun-ok')"])).toMatchObject({ code: 0, out: "bun-ok" });
    // The twins: another process's entries and the /proc listing stay closed.
    for (const argv of [["cat", "/proc/1/cmdline"], ["ls", "/proc"]]) {
      const r = await run(argv);
      expect(r.code).not.toBe(0);
      expect(r.err).toContain("Permission denied");
    }
  }, 120_000);

  test("--user where setgroups is denied: with no supplementary groups the switch works and the report says so; with one, cordon refuses before anything runs", async () => {
    const host = ["python3", join(copy, "test", "fixtures", "hosts", "setgroups-denied.py")];
    const script = 'id -u; id -G; grep -E "^Cap(Eff|Bnd|Amb)" /proc/self/status | cut -f2 | sort -u; echo x > "$TMPDIR/t" && echo tmp-ok';
    const r = await cordonRun(host, ["--best-effort", "--user=nobody", "--", "sh", "-c", script]);
    expect({ code: r.code, err: r.err, out: r.out.split("\n") }).toEqual({ code: 0, err: "", out: ["65534", "65534", "0000000000000000", "tmp-ok"] });
    expect(r.report.host).toContain("user: setgroups is denied in this user namespace; the command has no supplementary groups because this process has none");
    const withGroup = await cordonRun(["setpriv", "--groups=4242", ...host], ["--best-effort", "--user=nobody", "--", "sh", "-c", "echo ran"]);
    expect(withGroup.code).toBe(125);
    expect(withGroup.out).toBe("");
    expect(withGroup.err).toContain("setgroups: EPERM (supplementary groups 4242 cannot be dropped");
    // bubblewrap maps uid 0 only: a switch to root works there too (setgroups refused, nothing to drop).
    const inBwrap = await cordonRun(nestedHost, ["--best-effort", "--user=0", "--", "sh", "-c", "id -u; id -G"]);
    expect({ code: inBwrap.code, out: inBwrap.out }).toEqual({ code: 0, out: "0\n0" });
  }, 60_000);
});
