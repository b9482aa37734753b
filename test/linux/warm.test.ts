// Warm sandboxes: compile(policy, { warm: N }) makes N sandboxes ahead, each
// waiting in cordon-init for one command. A warm spawn must enforce and report
// exactly what a one-shot spawn of the same policy does (the same escape
// attempts from inside, the same outcomes, checked on the host); two warm
// sandboxes of one box are isolated from each other; stdio, env and cwd are
// per spawn; the policy's clock starts at the handover; close() and the death
// of a waiting sandbox leave no process, cgroup, directory or fd behind; and a
// sandbox killed while waiting fails its spawn with a typed error, its command
// never run.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ownCgroups } from "../fixtures/tree/scan.ts";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { compile, spawn } = await import("../../lib/spawn.ts");
const { OsError } = await import("../../ffi/errors.ts");
const { SpawnOptionError } = await import("../../lib/errors.ts");
const { probeContainmentHost } = await import("../../lib/backend/linux/tree-kill.ts");

const outside = mkdtempSync(join(tmpdir(), "cordon-warm-outside-"));
const granted = mkdtempSync(join(tmpdir(), "cordon-warm-granted-"));
afterAll(() => {
  rmSync(outside, { recursive: true, force: true });
  rmSync(granted, { recursive: true, force: true });
});

const FULL = { limits: { memory: 256 * 2 ** 20, pids: 64, openFiles: 1024, fileSize: 2 ** 20 } };
const python = "/usr/bin/python3";
const attacks = join(import.meta.dir, "..", "fixtures", "truth", "attacks.py");

const cgroupHost = notLinux ? undefined : probeContainmentHost().cgroups;
const bases = cgroupHost ? [cgroupHost.v2?.base, ...Object.values(cgroupHost.v1).map((h) => h?.base)].filter((b): b is string => !!b) : [];

/** This process's waiting cordon-inits (its children running "cordon-init --warm"). */
function waiting(): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${name}/status`, "utf8"))?.[1]);
      if (ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, "utf8").startsWith("cordon-init\0--warm\0")) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** This process's fds of the kinds a sandbox holds (pidfds, sockets, cgroup directories); Bun opens others of its own lazily. */
function sandboxFds(): number {
  let n = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target === "anon_inode:[pidfd]" || target.startsWith("socket:") || target.startsWith("/sys/fs/cgroup")) n++;
    } catch {
      // closed meanwhile (the readdir's own fd)
    }
  }
  return n;
}

/** What a box may leave behind: processes, cgroups, private directories, fds. */
function footprint() {
  return {
    waiting: waiting().length,
    cgroups: ownCgroups(bases).length,
    dirs: readdirSync(tmpdir()).filter((n) => n.startsWith(`cordon-${process.pid}-`)).length,
    fds: sandboxFds(),
  };
}

/** Once the waiting sandboxes are gone: everything as `before` (processes, cgroups, private directories, fds). */
async function leftAsBefore(before: ReturnType<typeof footprint>): Promise<void> {
  await until(() => waiting().length === before.waiting);
  await until(() => Bun.deepEquals(footprint(), before), 3000).catch(() => {});
  expect(footprint()).toEqual(before);
}

async function until(what: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await Bun.sleep(20);
  }
}

/** Runs attacks.py with `specs` and returns its lines. */
async function tryAll(start: (argv: string[]) => { stdout: unknown; exited: Promise<number>; report: { guarantees: readonly { guarantee: string; status: string; by: readonly string[] }[] } }, specs: string[]) {
  const p = start([python, attacks, ...specs]);
  const text = await new Response(p.stdout as ReadableStream).text();
  await p.exited;
  return { lines: text.trim().split("\n"), guarantees: p.report.guarantees.map((g) => [g.guarantee, g.status, [...g.by]]) };
}

describeUnless(notLinux, "warm sandboxes", () => {
  // The exit watcher's fds are made by the first spawn of the process, not by a box.
  beforeAll(async () => {
    await spawn(["/bin/true"], {}, { stdout: "ignore" }).exited;
  });

  test("a warm spawn enforces what a one-shot spawn of the same policy does: the same escapes refused, the same twins allowed, the same report", async () => {
    const policy = { ...FULL, fs: { read: [join(import.meta.dir, "..", "fixtures", "truth")], write: [granted] } };
    const victim = Bun.spawn(["sleep", "60"]);
    const specs = (tag: string) => [
      `write,${outside}/${tag}`,
      `write,${granted}/${tag}`,
      `read,${outside}/secret`,
      `signal,${victim.pid}`,
      "user_namespace",
      "no_new_privs",
      "keyring",
      "kernel_surface",
      "open_files,2000",
      `file_size,${granted}/big-${tag},${2 * 2 ** 20}`,
    ];
    await Bun.write(join(outside, "secret"), "s");
    const box = compile(policy, { warm: 1 });
    try {
      await box.warmed();
      const opts = { stdin: "ignore", stdout: "pipe", stderr: "ignore" } as const;
      const once = await tryAll((argv) => spawn(argv, policy, opts), specs("x"));
      const warm = await tryAll((argv) => box.spawn(argv, opts), specs("x"));
      expect(warm.lines).toEqual(once.lines);
      // One line per attack but the last: file_size ends the process (SIGXFSZ), which is the limit holding.
      expect(warm.lines.length).toBe(specs("x").length - 1);
      expect(warm.lines.filter((l) => l.startsWith("ESCAPED"))).toEqual([`ESCAPED wrote ${granted}/x`]);
      expect(warm.guarantees).toEqual(once.guarantees);
      // On the host: nothing outside written, the granted write there, the signal never arrived.
      expect(existsSync(join(outside, "x"))).toBe(false);
      expect(existsSync(join(granted, "x"))).toBe(true);
      expect(victim.exitCode).toBeNull();
    } finally {
      victim.kill();
      await box.close();
    }
  }, 30_000);

  test("two warm sandboxes of one box: each has its own TMPDIR, HOME, processes and /dev/shm, which the other cannot see", async () => {
    const box = compile({}, { warm: 2 });
    try {
      await box.warmed();
      const a = box.spawn(["sh", "-c", 'echo "$TMPDIR $HOME"; echo a > "$TMPDIR/a"; echo h > "$HOME/h"; echo shm > /dev/shm/a-mark; exec sleep 30'], { stdout: "pipe" });
      const reader = (a.stdout as ReadableStream<Uint8Array>).getReader();
      const [tmpA, homeA] = new TextDecoder().decode((await reader.read()).value).trim().split(" ");
      await until(() => existsSync(join(tmpA!, "a")));
      const b = await box.run([
        "sh",
        "-c",
        `echo "$TMPDIR $HOME"; cat ${tmpA}/a 2>/dev/null && echo read-other; echo x > ${tmpA}/b 2>/dev/null && echo wrote-other; cat ${homeA}/h 2>/dev/null && echo read-other-home; ` +
          `cat /dev/shm/a-mark 2>/dev/null && echo other-shm; echo own > /dev/shm/b && cat /dev/shm/b; grep -l 'slee[p]' /proc/[0-9]*/cmdline 2>/dev/null && echo sees-other; echo mine > "$TMPDIR/m" && cat "$TMPDIR/m"`,
      ]);
      const [tmpB, homeB] = b.stdout.split("\n")[0]!.split(" ");
      expect(tmpB).not.toBe(tmpA);
      expect(homeB).not.toBe(homeA);
      for (const leak of ["read-other", "wrote-other", "read-other-home", "other-shm", "sees-other"]) expect(b.stdout).not.toContain(leak);
      // The positive twins: its own /dev/shm and TMPDIR work.
      expect(b.stdout).toContain("own\n");
      expect(b.stdout).toContain("mine\n");
      expect(existsSync(join(tmpA!, "b"))).toBe(false);
      a.kill("SIGKILL");
      await a.exited;
    } finally {
      await box.close();
    }
  }, 30_000);

  test("stdio, environment and cwd are each spawn's own: stdin in, stdout and stderr and an extra fd out, the policy's cwd, a private TMPDIR each", async () => {
    const box = compile({ cwd: granted, fs: { write: [granted] } }, { warm: 2 });
    try {
      await box.warmed();
      const outs: string[] = [];
      for (const word of ["one", "two"]) {
        const p = box.spawn(["sh", "-c", 'read x; echo "out $x $(pwd) $TMPDIR"; echo "err $x" >&2; echo "fd3 $x" >&3'], { stdin: "pipe", stdout: "pipe", stderr: "pipe", stdio: ["pipe", "pipe", "pipe", "pipe"] });
        const sink = p.stdin as { write(d: string): unknown; end(): unknown };
        sink.write(`${word}\n`);
        sink.end();
        const fd3 = p.stdio[3]!;
        const [out, err] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text(), p.exited]);
        expect(err).toBe(`err ${word}\n`);
        const extra = Buffer.alloc(64);
        const n = (await import("node:fs")).readSync(fd3, extra);
        (await import("node:fs")).closeSync(fd3);
        expect(extra.subarray(0, n).toString()).toBe(`fd3 ${word}\n`);
        const [, x, cwd, tmp] = out.trim().split(" ");
        expect([x, cwd]).toEqual([word, granted]);
        outs.push(tmp!);
      }
      expect(outs[0]).not.toBe(outs[1]);
    } finally {
      await box.close();
    }
  }, 30_000);

  test("the policy's wall clock starts at the handover: a command inside the limit finishes though its sandbox waited longer; one past it is ended", async () => {
    const box = compile({ limits: { timeoutMs: 1000, killAfterMs: 0 } }, { warm: 2 });
    try {
      await box.warmed();
      await Bun.sleep(1500);
      const ok = await box.run(["sh", "-c", "sleep 0.3; echo done"]);
      expect([ok.status, ok.timedOut, ok.stdout]).toEqual([0, false, "done\n"]);
      const start = performance.now();
      const late = await box.run(["sleep", "10"]);
      expect(late.timedOut).toBe(true);
      expect(performance.now() - start).toBeGreaterThan(900);
    } finally {
      await box.close();
    }
  }, 30_000);

  test("close() kills and removes every waiting sandbox: no process, cgroup, private directory or fd is left", async () => {
    const before = footprint();
    const box = compile(FULL, { warm: 3 });
    await box.warmed();
    // warmed() settles once each spawn returned; pid 1's exec of cordon-init may be a moment later
    await until(() => waiting().length === before.waiting + 3);
    expect(ownCgroups(bases).length).toBeGreaterThan(before.cgroups);
    await box.close();
    await leftAsBefore(before);
  }, 30_000);

  test("a waiting sandbox killed before the handover: the spawn fails with a typed error, the command never runs, nothing is left, and the box refills", async () => {
    const before = footprint();
    const box = compile({ ...FULL, fs: { write: [granted] } }, { warm: 1 });
    try {
      await box.warmed();
      await until(() => waiting().length === before.waiting + 1);
      const [pid] = waiting();
      process.kill(pid!, "SIGKILL");
      const marker = join(granted, "never");
      let error: unknown;
      try {
        box.spawn(["sh", "-c", `touch ${marker}`], { stdout: "ignore" });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OsError);
      expect((error as InstanceType<typeof OsError>).errorName).toBe("CORDON_E_CHILD_DIED");
      // Its replacement waits, and runs commands.
      await box.warmed();
      await until(() => box.warmReady === 1);
      expect((await box.run(["sh", "-c", "echo again"])).stdout).toBe("again\n");
      expect(existsSync(marker)).toBe(false);
    } finally {
      await box.close();
    }
    await leftAsBefore(before);
  }, 30_000);

  test("a waiting sandbox that dies by itself is removed and replaced; spawns go on", async () => {
    const before = footprint();
    const box = compile(FULL, { warm: 1 });
    try {
      await box.warmed();
      await until(() => waiting().length === before.waiting + 1);
      const [pid] = waiting();
      process.kill(pid!, "SIGKILL");
      await until(() => waiting().length === before.waiting + 1 && !waiting().includes(pid!));
      await box.warmed();
      expect((await box.run(["sh", "-c", "echo fine"])).stdout).toBe("fine\n");
    } finally {
      await box.close();
    }
    await leftAsBefore(before);
  }, 30_000);

  test("compile()'s warm option: an integer from 1 to 64, nothing else; an unknown option is an error", () => {
    for (const bad of [0, 65, 1.5, "2", -1, Number.NaN]) expect(() => compile({}, { warm: bad as never })).toThrow(SpawnOptionError);
    expect(() => compile({}, { wrm: 1 } as never)).toThrow(SpawnOptionError);
    expect(() => compile({}, null as never)).toThrow(SpawnOptionError);
  });

  test("a warm sandbox's request goes through cordon-init's checks only as the library encodes it: argv[0] not found is the one-shot spawn's error", async () => {
    const box = compile({}, { warm: 1 });
    try {
      await box.warmed();
      expect(() => box.spawn(["/nonexistent/cmd"])).toThrow(/command not found/);
      await box.warmed();
      expect((await box.run(["sh", "-c", "echo after"])).stdout).toBe("after\n");
    } finally {
      await box.close();
    }
  }, 30_000);
});
