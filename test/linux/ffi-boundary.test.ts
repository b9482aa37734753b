// The Linux FFI boundary under hostile input: malformed spawn records, fds
// that could block a child step, seccomp flags that make execve wait for a
// supervisor that does not exist, fd arguments that bun:ffi would coerce
// (2^32 + 5 → 5, NaN → 0), a closed exit-watcher epoll fd, and values that
// are not numbers. Each case that could crash or hang runs in a child Bun
// process with a deadline, so a crash or a hang fails the test, not the run.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, linuxRequirement, notLinux, testUnless } from "../helpers/skip.ts";

const root = join(import.meta.dir, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "cordon-ffi-boundary-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `body` (top-level await allowed) in a fresh Bun; `mod(x)` imports a repository file. */
async function inChild(body: string, timeoutMs = 15_000): Promise<{ out: string; err: string; code: number | null; signal: string | null; ms: number }> {
  const file = join(scratch, `case-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, `const mod = (p) => import(${JSON.stringify(root + "/")} + p);\n${body}`);
  const started = Date.now();
  const p = Bun.spawn([process.execPath, file], { stdout: "pipe", stderr: "pipe", timeout: timeoutMs, killSignal: "SIGKILL" });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  await p.exited;
  return { out: out.trim(), err, code: p.exitCode, signal: (p.signalCode as string | null) ?? null, ms: Date.now() - started };
}

/** Lines "key value" printed by a child case, as a map. */
const lines = (out: string) => Object.fromEntries(out.split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]));

const isRoot = process.getuid?.() === 0;

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
          if (rc > 0) reapNow(new DataView(rec.buffer).getInt32(140, true));
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
    const { encodeSpawnRecord } = await import("../../ffi/linux-spawn.ts");
    const { InvalidArgumentError } = await import("../../ffi/errors.ts");
    const base = { path: "/bin/true", argv: ["true"], envp: [], flags: 0, pdeathSignal: 0, cloneFlags: 0, cgroupFd: -1, landlockFd: -1, landlockFlags: 0, fds: [], procsFds: [], rlimits: [], uid: 0, gid: 0 };
    expect(encodeSpawnRecord(base).length).toBeGreaterThan(152);
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
