// The Linux FFI boundary under hostile input: malformed spawn records, fds
// that could block a child step, seccomp flags that make execve wait for a
// supervisor that does not exist, fd arguments that bun:ffi would coerce
// (2^32 + 5 → 5, NaN → 0), a closed exit-watcher epoll fd, and values that
// are not numbers. Each case that could crash or hang runs in a child Bun
// process with a deadline, so a crash or a hang fails the test, not the run.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, linuxRequirement, notLinux, testUnless } from "../helpers/skip.ts";

const root = join(import.meta.dir, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "cordon-ffi-boundary-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Processes still running Bun's `file`: a child spawned by it that never
 * exec'd shares Bun's memory and shows Bun's command line. Killed, and
 * returned, so that a case which leaves one behind fails and cleans up.
 */
function leftovers(file: string): number[] {
  const found: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/cmdline`, "utf8").includes(file)) continue;
      process.kill(Number(d), "SIGKILL");
      found.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

type Outcome = { out: string; err: string; code: number | null; signal: string | null; ms: number; left: number[] };

/** Runs `body` (top-level await allowed) in a fresh Bun; `mod(x)` imports a repository file. */
async function inChild(body: string, timeoutMs = 15_000): Promise<Outcome> {
  const file = join(scratch, `case-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, `const mod = (p) => import(${JSON.stringify(root + "/")} + p);\n${body}`);
  const started = Date.now();
  const p = Bun.spawn([process.execPath, file], { stdout: "pipe", stderr: "pipe", timeout: timeoutMs, killSignal: "SIGKILL" });
  const texts = Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  await p.exited;
  const ms = Date.now() - started;
  // A leftover holds copies of the pipes' write ends: they end only once it is gone.
  const left = leftovers(file);
  const [out, err] = await texts;
  return { out: out.trim(), err, code: p.exitCode, signal: (p.signalCode as string | null) ?? null, ms, left };
}

/** Lines "key value" printed by a child case, as a map. */
const lines = (out: string) => Object.fromEntries(out.split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]));

const isRoot = process.getuid?.() === 0;
/** Why a cgroup v1 hierarchy's test cannot run here, or undefined. */
const needsV1 = (hierarchy: string) =>
  !isRoot ? "needs root" : !existsSync(`/sys/fs/cgroup/${hierarchy}/cgroup.procs`) ? `no cgroup v1 ${hierarchy} hierarchy` : undefined;

describeUnless(notLinux, "spawn record: empty tables", () => {
  test("an empty fds, rlimits, view or procs table at an unaligned offset is never dereferenced: the record spawns", async () => {
    const r = await inChild(`
      const { encodeSpawnRecord, reapNow } = await mod("ffi/linux-spawn.ts");
      const { linux } = await mod("ffi/linux.ts");
      // fds_off 72, procs_off 80, rlimits_off 88, view_off 120; each count stays 0.
      for (const [name, at] of [["fds", 72], ["procs", 80], ["rlimits", 88], ["view", 120]]) {
        for (const off of [153, 0xfffffffd]) {
          const rec = encodeSpawnRecord({ path: "/bin/true", argv: ["true"], envp: [], flags: 0, pdeathSignal: 0, cloneFlags: 0, cgroupFd: -1,
            landlockFd: -1, landlockFlags: 0, fds: [], procsFds: [], rlimits: [], uid: 0, gid: 0 });
          new DataView(rec.buffer).setUint32(at, off, true);
          const rc = linux().cordon_linux_spawn(rec, rec);
          if (rc > 0) reapNow(new DataView(rec.buffer).getInt32(148, true)); // out_pidfd
          console.log(name + "@" + off, rc > 0 ? "spawned" : rc);
        }
      }`);
    expect(r.signal).toBeNull();
    expect(lines(r.out)).toEqual({
      "fds@153": "spawned", "fds@4294967293": "spawned",
      "procs@153": "spawned", "procs@4294967293": "spawned",
      "rlimits@153": "spawned", "rlimits@4294967293": "spawned",
      "view@153": "spawned", "view@4294967293": "spawned",
    });
  }, 30_000);
});

describeUnless(notLinux, "fd arguments are checked, never coerced", () => {
  test("closeFd(2**32 + fd) and closeFd(NaN) throw InvalidArgumentError and close nothing", async () => {
    const r = await inChild(`
      const { openSync, fstatSync } = await import("node:fs");
      const { closeFd } = await mod("ffi/linux.ts");
      const fd = openSync(${JSON.stringify(join(root, "package.json"))}, "r");
      const open = (n) => { try { fstatSync(n); return "open"; } catch { return "closed"; } };
      for (const [name, bad] of [["wrapped", 2 ** 32 + fd], ["nan", NaN], ["fraction", fd + 0.5], ["negative", -fd], ["string", String(fd)], ["huge", 2 ** 31]]) {
        let got = "returned";
        try { closeFd(bad); } catch (e) { got = e.constructor.name + ":" + e.code; }
        console.log(name, got, open(fd), open(0));
      }
      closeFd(fd);
      console.log("real", open(fd));`);
    expect(r.signal).toBeNull();
    const thrown = "InvalidArgumentError:INVALID_ARGUMENT open open";
    expect(lines(r.out)).toEqual({ wrapped: thrown, nan: thrown, fraction: thrown, negative: thrown, string: thrown, huge: thrown, real: "closed" });
  });

  test("reapNow, pidfdSendSignal, watchExit, addPathRule, addPathRules and addNetRule refuse a coerced fd and leave the real one alone", async () => {
    const r = await inChild(`
      const { openSync, fstatSync } = await import("node:fs");
      const spawn = await mod("ffi/linux-spawn.ts");
      const ll = await mod("ffi/linux-landlock.ts");
      const fd = openSync(${JSON.stringify(join(root, "package.json"))}, "r");
      const open = (n) => { try { fstatSync(n); return "open"; } catch { return "closed"; } };
      const batch = ll.packPathRules([{ path: "/tmp", access: 1, fileAccess: 1 }]);
      const calls = {
        reapNow: (x) => spawn.reapNow(x),
        pidfdSendSignal: (x) => spawn.pidfdSendSignal(x, 0),
        pidfdSendSignalSig: (x) => spawn.pidfdSendSignal(fd, x),
        watchExit: (x) => (spawn.startExitWatcher(), spawn.watchExit(x, 1)),
        watchExitChannel: (x) => spawn.watchExit(fd, x),
        addPathRule: (x) => ll.addPathRule(x, fd, 1, 1),
        addPathRuleParent: (x) => ll.addPathRule(fd, x, 1, 1),
        addPathRules: (x) => ll.addPathRules(x, batch),
        addNetRule: (x) => ll.addNetRule(x, 80, 1),
      };
      for (const [name, call] of Object.entries(calls)) {
        const got = [];
        for (const bad of [2 ** 32 + fd, NaN, 1.5, -3]) {
          try { call(bad); got.push("returned"); } catch (e) { got.push(e.constructor.name); }
        }
        console.log(name, got.join(","), open(fd), open(0));
      }`);
    expect(r.signal).toBeNull();
    const thrown = "InvalidArgumentError,InvalidArgumentError,InvalidArgumentError,InvalidArgumentError open open";
    expect(lines(r.out)).toEqual({
      reapNow: thrown, pidfdSendSignal: thrown, pidfdSendSignalSig: thrown, watchExit: thrown, watchExitChannel: thrown,
      addPathRule: thrown, addPathRuleParent: thrown, addPathRules: thrown, addNetRule: thrown,
    });
  });

  test("spawn record fds and numbers are checked before encoding: a coerced fd or flag is an InvalidArgumentError", async () => {
    const { encodeSpawnRecord, SPEC_SIZE } = await import("../../ffi/linux-spawn.ts");
    const { InvalidArgumentError } = await import("../../ffi/errors.ts");
    const base = { path: "/bin/true", argv: ["true"], envp: [], flags: 0, pdeathSignal: 0, cloneFlags: 0, cgroupFd: -1, landlockFd: -1, landlockFlags: 0, fds: [], procsFds: [], rlimits: [], uid: 0, gid: 0 };
    expect(encodeSpawnRecord(base).length).toBeGreaterThan(SPEC_SIZE);
    for (const bad of [
      { cgroupFd: 2 ** 32 + 5 }, { cgroupFd: NaN }, { landlockFd: -2 }, { landlockFd: 1.5 },
      { fds: [{ parent: 2 ** 32, child: 0 }] }, { fds: [{ parent: 0, child: NaN }] }, { fds: [{ parent: -3, child: 0 }] },
      { procsFds: [2 ** 32 + 1] }, { procsFds: [-1] },
      { flags: NaN }, { flags: 2 ** 32 }, { pdeathSignal: -1 }, { uid: 1.5 }, { cloneFlags: NaN },
      { rlimits: [{ resource: NaN, soft: 1, hard: 1 }] }, { rlimits: [{ resource: 0, soft: -1, hard: 1 }] },
      { seccomp: { filter: new Uint8Array(8), flags: NaN } },
    ]) expect(() => encodeSpawnRecord({ ...base, ...bad } as never)).toThrow(InvalidArgumentError);
    // RLIM_INFINITY stays expressible.
    expect(() => encodeSpawnRecord({ ...base, rlimits: [{ resource: 7, soft: Infinity, hard: Infinity }] })).not.toThrow();
  });

  test("pipe and socketPair flags are checked: NaN is not 0", async () => {
    const { pipe, socketPair } = await import("../../ffi/linux-spawn.ts");
    const { InvalidArgumentError } = await import("../../ffi/errors.ts");
    for (const bad of [NaN, 1.5, -1, 2 ** 32]) {
      expect(() => pipe(bad)).toThrow(InvalidArgumentError);
      expect(() => socketPair(bad)).toThrow(InvalidArgumentError);
    }
  });
});

describeUnless(notLinux, "values that are not numbers, and statuses that are not statuses", () => {
  test("createRuleset with a non-numeric or fractional mask, or an unknown size, is an InvalidArgumentError (not a SyntaxError or RangeError)", async () => {
    const { createRuleset, packPathRules } = await import("../../ffi/linux-landlock.ts");
    const { InvalidArgumentError } = await import("../../ffi/errors.ts");
    const ok = { handledFs: 1, handledNet: 0, scoped: 0, size: 8 } as const;
    for (const bad of [{ handledFs: "abc" }, { handledFs: 1.5 }, { handledNet: -1 }, { scoped: NaN }, { handledFs: 2 ** 64 }, { size: 12 }, { size: NaN }])
      expect(() => createRuleset({ ...ok, ...bad } as never)).toThrow(InvalidArgumentError);
    for (const bad of [{ access: "abc" }, { fileAccess: 1.5 }, { access: -1 }])
      expect(() => packPathRules([{ path: "/tmp", access: 1, fileAccess: 1, ...bad } as never])).toThrow(InvalidArgumentError);
  });

  test("a status that is not an int32 is a typed CordonError, never 'errno NaN'", async () => {
    const { check, statusError } = await import("../../ffi/status.ts");
    const { CordonError, OsError } = await import("../../ffi/errors.ts");
    for (const bad of [NaN, 1.5, -1.5, Infinity, -(2 ** 31) - 1, 2 ** 31]) {
      let caught: unknown;
      try {
        check("op", "errno", bad);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(CordonError);
      expect(caught).not.toBeInstanceOf(OsError);
      expect((caught as Error).message).not.toContain("errno NaN");
      expect((caught as InstanceType<typeof CordonError>).code).toBe("INVALID_STATUS");
      expect(() => statusError("op", "errno", bad)).toThrow(CordonError);
    }
    expect(check("op", "errno", 5)).toBe(5);
    expect(statusError("op", "errno", -9).errorName).toBe("EBADF");
  });
});

describeUnless(notLinux, "every child step is bounded", () => {
  test("cgroupProcsFds naming the write end of a full pipe, a regular file or a read-only fd is refused before clone: a typed error at once, no child", async () => {
    const r = await inChild(`
      const fs = await import("node:fs");
      const { spawnLinux } = await mod("lib/backend/linux/spawn.ts");
      const { pipe } = await mod("ffi/linux-spawn.ts");
      const [rd, wr] = pipe();
      fs.writeSync(wr, new Uint8Array(65536)); // a pipe holds 64 KiB: now full, and blocking
      const file = fs.openSync(${JSON.stringify(join(scratch, "plain"))}, "w");
      const cases = { pipe: wr, pipeRead: rd, file, notOpen: 1_000_000 };
      for (const [name, fd] of Object.entries(cases)) {
        let got = "spawned";
        try { await spawnLinux(["true"], { cgroupProcsFds: [fd] }).exited; } catch (e) { got = e.constructor.name + ":" + e.op + ":" + e.errorName; }
        const children = fs.readdirSync("/proc/self/task").map((t) => fs.readFileSync("/proc/self/task/" + t + "/children", "utf8").trim()).filter(Boolean).join(" ") || "none";
        console.log(name, got, children);
      }`);
    expect(r.left).toEqual([]);
    expect(r.signal).toBeNull();
    expect(lines(r.out)).toEqual({
      pipe: "OsError:cgroup.procs:EINVAL none",
      pipeRead: "OsError:cgroup.procs:EINVAL none",
      file: "OsError:cgroup.procs:EINVAL none",
      notOpen: "OsError:cgroup.procs:EBADF none",
    });
  }, 30_000);

  const v1Pids = "/sys/fs/cgroup/pids";
  testUnless(linuxRequirement(needsV1("pids")), "a cgroup.procs fd of a real cgroup, open for writing, is taken: the child joins it (opened read-only: EBADF before clone)", async () => {
    const dir = join(v1Pids, `cordon-ffi-${process.pid}`);
    mkdirSync(dir);
    try {
      const r = await inChild(`
        const fs = await import("node:fs");
        const { spawnLinux } = await mod("lib/backend/linux/spawn.ts");
        const w = fs.openSync(${JSON.stringify(join(dir, "cgroup.procs"))}, "w");
        const p = spawnLinux(["sh", "-c", "grep :pids: /proc/self/cgroup"], { cgroupProcsFds: [w], stdout: "pipe" });
        console.log("joined", (await new Response(p.stdout).text()).trim(), await p.exited);
        const ro = fs.openSync(${JSON.stringify(join(dir, "cgroup.procs"))}, "r");
        try { spawnLinux(["true"], { cgroupProcsFds: [ro] }); console.log("readonly spawned"); } catch (e) { console.log("readonly", e.op + ":" + e.errorName); }`);
      expect(r.signal).toBeNull();
      expect(lines(r.out)).toEqual({ joined: `${/^\d+:pids:/.exec(readFileSync("/proc/self/cgroup", "utf8").split("\n").find((l) => l.includes(":pids:"))!)![0]}/cordon-ffi-${process.pid} 0`, readonly: "cgroup.procs:EBADF" });
    } finally {
      rmdirSync(dir);
    }
  }, 30_000);

  // ld [nr]; jeq execve → USER_NOTIF; else ALLOW (struct sock_filter, host order).
  const execveNr = process.arch === "arm64" ? 221 : 59;
  const filter = (onExecve: number) => {
    const v = new DataView(new ArrayBuffer(32));
    const ins = (i: number, code: number, jt: number, jf: number, k: number) => {
      v.setUint16(i * 8, code, true);
      v.setUint8(i * 8 + 2, jt);
      v.setUint8(i * 8 + 3, jf);
      v.setUint32(i * 8 + 4, k, true);
    };
    ins(0, 0x20, 0, 0, 0);
    ins(1, 0x15, 0, 1, execveNr);
    ins(2, 0x06, 0, 0, onExecve);
    ins(3, 0x06, 0, 0, 0x7fff0000);
    return `new Uint8Array([${[...new Uint8Array(v.buffer)].join(",")}])`;
  };
  const USER_NOTIF = 0x7fc00000;
  const ALLOW = 0x7fff0000;

  test("seccomp flags other than LOG are refused with a typed error (NEW_LISTENER made execve wait for a supervisor that does not exist); without a listener USER_NOTIF is ENOSYS", async () => {
    const r = await inChild(`
      const { spawnLinux } = await mod("lib/backend/linux/spawn.ts");
      const notify = ${filter(USER_NOTIF)};
      const allow = ${filter(ALLOW)};
      // TSYNC 1, LOG 2, SPEC_ALLOW 4, NEW_LISTENER 8, TSYNC_ESRCH 16, WAIT_KILLABLE_RECV 32
      for (const [name, filter, flags] of [["listener", notify, 8], ["listenerKillable", notify, 8 | 32], ["tsync", allow, 1], ["specAllow", allow, 4], ["notifyNoListener", notify, 0], ["log", allow, 2], ["plain", allow, 0]]) {
        let got;
        try { got = "exit " + await spawnLinux(["true"], { seccomp: { filter, flags } }).exited; } catch (e) { got = e.constructor.name + ":" + e.op + ":" + e.errorName; }
        console.log(name, got);
      }`);
    expect(r.left).toEqual([]);
    expect(r.signal).toBeNull();
    const refused = "OsError:cordon_linux_spawn:CORDON_E_INVALID_ARGUMENT";
    expect(lines(r.out)).toEqual({
      listener: refused, listenerKillable: refused, tsync: refused, specAllow: refused,
      notifyNoListener: "NotSupportedError:execve:ENOSYS",
      log: "exit 0",
      plain: "exit 0",
    });
  }, 30_000);

  const freezer = "/sys/fs/cgroup/freezer";
  testUnless(linuxRequirement(needsV1("freezer")), "the child dies with Bun from its first step: frozen while joining its cgroup, then Bun killed, it dies when thawed (in a new pid namespace, where getppid cannot tell)", async () => {
    const dir = join(freezer, `cordon-ffi-${process.pid}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "freezer.state"), "FROZEN");
    const procs = () => readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
    let pid = 0;
    try {
      const file = join(scratch, "frozen-spawn.ts");
      writeFileSync(file, `
        const { openSync } = await import("node:fs");
        const { spawnLinux } = await import(${JSON.stringify(join(root, "lib/backend/linux/spawn.ts"))});
        spawnLinux(["sleep", "60"], { cloneNamespaces: 0x20000000, cgroupProcsFds: [openSync(${JSON.stringify(join(dir, "cgroup.procs"))}, "w")] });
`);
      // No pipes: the frozen child holds a copy of Bun's fds, so a pipe's end would stay open with it.
      const bun = Bun.spawn([process.execPath, file], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
      // The child freezes on its way out of the cgroup.procs write, with Bun's thread waiting for it.
      for (const until = Date.now() + 20_000; !pid && Date.now() < until; await Bun.sleep(20)) pid = procs()[0] ?? 0;
      expect(pid).toBeGreaterThan(0);
      bun.kill("SIGKILL");
      await bun.exited;
      writeFileSync(join(dir, "freezer.state"), "THAWED");
      let alive = true;
      for (const until = Date.now() + 5_000; alive && Date.now() < until; await Bun.sleep(20)) alive = procs().includes(pid);
      expect(alive).toBe(false);
    } finally {
      writeFileSync(join(dir, "freezer.state"), "THAWED");
      for (const p of procs()) process.kill(p, "SIGKILL");
      for (let i = 0; i < 100 && procs().length > 0; i++) await Bun.sleep(20);
      rmdirSync(dir);
    }
  }, 40_000);
});

describeUnless(notLinux, "the exit watcher survives its fds being closed under it", () => {
  /** The watcher's own fds: those of `kind` that appear when it starts (nothing else starts meanwhile). */
  const prelude = `
    const fs = await import("node:fs");
    const { startExitWatcher } = await mod("ffi/linux-spawn.ts");
    const { spawnLinux } = await mod("lib/backend/linux/spawn.ts");
    const { closeFd } = await mod("ffi/linux.ts");
    const fdsOf = (kind) => new Set(fs.readdirSync("/proc/self/fd").filter((fd) => { try { return fs.readlinkSync("/proc/self/fd/" + fd) === kind; } catch { return false; } }));
    const epollsBefore = fdsOf("anon_inode:[eventpoll]");
    const eventfdsBefore = fdsOf("anon_inode:[eventfd]");
    startExitWatcher();
    const watcherEpoll = [...fdsOf("anon_inode:[eventpoll]")].filter((fd) => !epollsBefore.has(fd)).map(Number);
    const watcherEventfd = [...fdsOf("anon_inode:[eventfd]")].filter((fd) => !eventfdsBefore.has(fd)).map(Number);
    console.log("found", watcherEpoll.length);
    const within = (p, ms) => { let t; return Promise.race([p, new Promise((r) => (t = setTimeout(() => r("hung"), ms)))]).finally(() => clearTimeout(t)); };
    const status = async (argv) => { try { return await within(spawnLinux(argv).exited, 5000); } catch (e) { return e.constructor.name + ":" + e.errorName; } };`;

  test("closing the watcher's epoll fd: a child already running still reports, and later spawns work and exit with their status", async () => {
    const r = await inChild(`${prelude}
      const early = spawnLinux(["sh", "-c", "sleep 0.5; exit 3"]);
      closeFd(watcherEpoll[0]);
      console.log("next", await status(["sh", "-c", "exit 7"]));
      console.log("early", await within(early.exited, 5000));
      console.log("again", await status(["sh", "-c", "exit 9"]));`);
    expect(r.signal).toBeNull();
    expect(lines(r.out)).toEqual({ found: "1", next: "7", early: "3", again: "9" });
  }, 30_000);

  test("closing it while a child runs, with no spawn after: that child still reports", async () => {
    const r = await inChild(`${prelude}
      const early = spawnLinux(["sh", "-c", "sleep 0.3; exit 4"]);
      closeFd(watcherEpoll[0]);
      console.log("early", await within(early.exited, 5000));`);
    expect(r.signal).toBeNull();
    expect(lines(r.out)).toEqual({ found: "1", early: "4" });
  }, 30_000);

  test("closing its sentinel eventfd (the proof that the set is cordon's): children still report and spawns work", async () => {
    const r = await inChild(`${prelude}
      console.log("sentinel", watcherEventfd.length);
      const early = spawnLinux(["sh", "-c", "sleep 0.3; exit 2"]);
      closeFd(watcherEventfd[0]);
      console.log("next", await status(["sh", "-c", "exit 8"]));
      console.log("early", await within(early.exited, 5000));`);
    expect(r.signal).toBeNull();
    expect(lines(r.out)).toEqual({ found: "1", sentinel: "1", next: "8", early: "2" });
  }, 30_000);

  test("a child whose pidfd was closed against the contract resolves (255) once the watcher is rebuilt, and the file that took its number stays open", async () => {
    const r = await inChild(`${prelude}
      const victim = spawnLinux(["sleep", "0.2"]);
      closeFd(victim.pidfd);
      const taken = fs.openSync(${JSON.stringify(join(root, "package.json"))}, "r"); // the lowest free number: the pidfd's
      console.log("reused", taken === victim.pidfd);
      closeFd(watcherEpoll[0]);
      console.log("next", await status(["sh", "-c", "exit 1"]));
      console.log("victim", await within(victim.exited, 5000));
      let open = "open"; try { fs.fstatSync(taken); } catch { open = "closed"; }
      console.log("taken", open);`);
    expect(r.signal).toBeNull();
    expect(lines(r.out)).toEqual({ found: "1", reused: "true", next: "1", victim: "255", taken: "open" });
  }, 30_000);

  test("its number reused by a pipe: spawns work, a child already running still reports, and nothing is written to the pipe", async () => {
    const r = await inChild(`${prelude}
      const { pipe, O_NONBLOCK } = await mod("ffi/linux-spawn.ts");
      const early = spawnLinux(["sh", "-c", "sleep 0.3; exit 5"]);
      closeFd(watcherEpoll[0]);
      const [rd, wr] = pipe(O_NONBLOCK); // takes the lowest free numbers: the watcher's old one among them
      console.log("reused", rd === watcherEpoll[0] || wr === watcherEpoll[0]);
      console.log("next", await status(["sh", "-c", "exit 6"]));
      console.log("early", await within(early.exited, 5000));
      let got = 0; try { got = fs.readSync(rd, new Uint8Array(64)); } catch {}
      console.log("pipeBytes", got);`);
    expect(r.signal).toBeNull();
    expect(lines(r.out)).toEqual({ found: "1", reused: "true", next: "6", early: "5", pipeBytes: "0" });
  }, 30_000);
});
