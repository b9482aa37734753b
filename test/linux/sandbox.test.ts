// The portable spawn() on Linux end to end: each default guarantee is tried
// from inside (the forbidden thing fails, the granted twin works), the tree
// dies with the command, limits end it with a verdict, hard mode refuses, and
// nothing is left behind.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { createSocket } from "node:dgram";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const isRoot = process.getuid?.() === 0;
const { spawn } = await import("../../lib/spawn.ts");
const { CompatError } = await import("../../lib/errors.ts");
const { cordonCgroups } = await import("../../lib/audit/scan.ts");
const { drainSpares } = await import("../../lib/backend/linux/cgroup/pool.ts");
/** This process's cordon cgroups with a process in them (a spare set of a pool is empty). */
const populatedCgroups = () => cordonCgroups().filter((d) => (existsSync(join(d, "cgroup.procs")) ? readFileSync(join(d, "cgroup.procs"), "utf8").trim() !== "" : false));

const outside = mkdtempSync(join(tmpdir(), "cordon-outside-"));
const granted = mkdtempSync(join(tmpdir(), "cordon-granted-"));
writeFileSync(join(outside, "secret"), "top secret");
afterAll(() => {
  rmSync(outside, { recursive: true, force: true });
  rmSync(granted, { recursive: true, force: true });
});

async function sh(script: string, policy: Parameters<typeof spawn>[1] = {}) {
  const p = spawn(["bash", "-c", script], policy, { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text()]);
  return { code: await p.exited, out: out.trim(), err: err.trim(), proc: p };
}


/** Whether this host lets cordon enforce a memory limit (a writable memory cgroup). */
function memoryCgroup(): boolean {
  if (notLinux) return false;
  const { cgroupHost } = require("../../lib/backend/linux/cgroup/probe.ts") as typeof import("../../lib/backend/linux/cgroup/probe.ts");
  const h = cgroupHost();
  return Boolean(h.v1.memory || h.v2?.controllers.includes("memory"));
}

describeUnless(notLinux, `sandboxed spawn, defaults (${isRoot ? "root" : "unprivileged"})`, () => {
  let tcp: Server;
  let port = 0;
  beforeAll(async () => {
    tcp = createServer((s) => s.end("hello")).listen(0, "127.0.0.1");
    await new Promise((r) => tcp.once("listening", r));
    port = (tcp.address() as { port: number }).port;
  });
  afterAll(() => tcp.close());

  test("files: outside the grants nothing is readable or writable; the private TMPDIR and write grants are", async () => {
    const r = await sh(
      `cat ${outside}/secret; echo x > ${outside}/new; echo ok > "$TMPDIR/t" && cat "$TMPDIR/t"; echo w > ${granted}/w && echo granted-ok`,
      { fs: { write: [granted] } },
    );
    expect(r.out.split("\n")).toEqual(["ok", "granted-ok"]);
    // Denied by landlock, or absent altogether under a private root.
    expect(r.err).toMatch(new RegExp(`${outside}/secret: (Permission denied|No such file or directory)`));
    expect(existsSync(join(outside, "new"))).toBe(false);
    expect(readFileSync(join(granted, "w"), "utf8")).toBe("w\n");
    // The private TMPDIR is gone afterwards.
    expect(r.proc.policy.fs.write.some((p) => p.includes("cordon-"))).toBe(true);
    expect(existsSync(r.proc.policy.env.TMPDIR!)).toBe(false);
  });

  test("a private root can be listed and holds only the view; without one, / cannot be listed", async () => {
    const r = await sh(`ls /; echo --; ls ${tmpdir()}`, { fs: { write: [granted] } });
    const [root = "", tmp = ""] = r.out.split("\n--\n");
    const own = r.proc.policy.runDir!.split("/").pop()!;
    if (r.proc.report.guarantees.some((g) => g.guarantee === "fs.outside-invisible" && g.status === "enforced")) {
      expect(root.split("\n")).toContain("usr");
      expect(tmp.split("\n")).toContain(own); // the run's directory (TMPDIR and HOME), the granted dir, and nothing else of the host's /tmp
      expect(tmp.split("\n")).not.toContain(outside.split("/").pop());
    } else {
      expect(r.err).toContain("Permission denied");
    }
  });

  test("a grant spelled through a symlink works by that spelling inside, and the link opens nothing else", async () => {
    const link = join(outside, "to-granted");
    symlinkSync(granted, link);
    try {
      const r = await sh(`echo via > ${link}/via && cat ${link}/via; cat ${outside}/secret`, { fs: { write: [link] } });
      expect(r.out).toBe("via");
      expect(r.err).toMatch(new RegExp(`${outside}/secret: (Permission denied|No such file or directory)`));
      expect(readFileSync(join(granted, "via"), "utf8")).toBe("via\n");
    } finally {
      rmSync(link, { force: true });
      rmSync(join(granted, "via"), { force: true });
    }
  });

  test("a grant of / reads (or writes) everything but the host's /proc; a write grant beneath a read grant of / writes", async () => {
    const probe = [
      `echo "$(cat ${outside}/secret)"`,
      `{ echo x > ${outside}/new; } 2>/dev/null && echo outside-written`,
      `echo w > ${granted}/w && echo granted-written`,
      // pid 1 as /proc shows it: cordon-init in the sandbox's own /proc, nothing where /proc is not granted.
      `c=$(tr '\\0' ' ' < /proc/1/cmdline 2>/dev/null); case "$c" in ""|*cordon-init*) echo no-host-proc;; *) echo "host-proc: $c";; esac`,
    ].join("; ");
    try {
      const r = await sh(probe, { fs: { read: ["/"], write: [granted] } });
      expect({ code: r.code, out: r.out.split("\n") }).toEqual({ code: 0, out: ["top secret", "granted-written", "no-host-proc"] });
      expect(existsSync(join(outside, "new"))).toBe(false);
      const w = await sh(probe, { fs: { write: ["/"] } });
      expect({ code: w.code, out: w.out.split("\n") }).toEqual({ code: 0, out: ["top secret", "outside-written", "granted-written", "no-host-proc"] });
      expect(readFileSync(join(outside, "new"), "utf8")).toBe("x\n");
    } finally {
      rmSync(join(outside, "new"), { force: true });
      rmSync(join(granted, "w"), { force: true });
    }
  });

  test("a bare command name is found among what the sandbox can reach: a PATH entry outside the grants is skipped", async () => {
    const name = `cordon-which-${process.pid}`;
    const bins = { outside: join(outside, "bin"), granted: join(granted, "bin") };
    for (const [where, dir] of Object.entries(bins)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, name), `#!/bin/sh\necho ${where}\n`, { mode: 0o755 });
    }
    const run = async (PATH: string, read: string[]) => {
      const p = spawn([name], { fs: { read }, env: { PATH } }, { stdout: "pipe" });
      return { out: (await new Response(p.stdout as ReadableStream).text()).trim(), code: await p.exited };
    };
    try {
      // The host's PATH order would pick the ungranted copy; inside it does not exist.
      expect(await run(`${bins.outside}:${bins.granted}:/usr/bin:/bin`, [granted])).toEqual({ out: "granted", code: 0 });
      // Granted both: PATH order decides, as with execvp.
      expect(await run(`${bins.outside}:${bins.granted}:/usr/bin:/bin`, [granted, outside])).toEqual({ out: "outside", code: 0 });
      // Only the ungranted copy: not found, and nothing runs.
      expect(() => spawn([name], { fs: { read: [granted] }, env: { PATH: `${bins.outside}:/usr/bin:/bin` } })).toThrow("command not found in the sandbox's PATH");
    } finally {
      for (const dir of Object.values(bins)) rmSync(dir, { recursive: true, force: true });
    }
  });

  test("network none: TCP v4, TCP v6 and UDP all fail; a unix socketpair works", async () => {
    const r = await sh(
      `/usr/bin/python3 - <<'PY'
import socket
for fam, typ, name in [(socket.AF_INET, socket.SOCK_STREAM, "tcp4"), (socket.AF_INET6, socket.SOCK_STREAM, "tcp6"), (socket.AF_INET, socket.SOCK_DGRAM, "udp4")]:
    try:
        s = socket.socket(fam, typ); print(name, "created")
    except OSError as e:
        print(name, "denied", e.errno)
a, b = socket.socketpair(); a.send(b"x"); print("unix", b.recv(1).decode())
PY`,
      { fs: { read: ["/usr/lib/python3"] } },
    );
    expect(r.out.split("\n")).toEqual(["tcp4 denied 13", "tcp6 denied 13", "udp4 denied 13", "unix x"]);
  });

  test("network ports: the granted TCP port connects, another port and UDP do not", async () => {
    const other = createServer((s) => s.end("other")).listen(0, "127.0.0.1");
    await new Promise((r) => other.once("listening", r));
    const otherPort = (other.address() as { port: number }).port;
    const udp = createSocket("udp4");
    let udpGot = 0;
    udp.on("message", () => udpGot++);
    await new Promise<void>((r) => udp.bind(0, "127.0.0.1", r));
    try {
      const r = await sh(
        `exec 3<>/dev/tcp/127.0.0.1/${port} && head -c5 <&3 && echo; exec 4<>/dev/tcp/127.0.0.1/${otherPort} || echo other-denied; echo x > /dev/udp/127.0.0.1/${udp.address().port} || echo udp-denied`,
        { net: { connect: [port] } },
      );
      expect(r.out.split("\n")).toEqual(["hello", "other-denied", "udp-denied"]);
      expect(udpGot).toBe(0);
    } finally {
      other.close();
      udp.close();
    }
  });

  test("/proc of processes outside is out of reach: a private /proc, or none at all", async () => {
    // cmdline is readable by anyone on a normal host: reading it is the test (stat alone is not a landlock right).
    const r = await sh(`ls /proc | grep -c '^[0-9]'; cat /proc/${process.pid}/cmdline >/dev/null && echo host-visible || echo host-hidden; echo $$`);
    const proc = r.proc.report.guarantees.find((g) => g.guarantee === "proc.outside-hidden")!;
    expect(proc.status).toBe("enforced");
    const [count, vis, pid] = r.out.split("\n");
    expect(vis).toBe("host-hidden");
    if (proc.by.includes("private procfs")) {
      expect(Number(count)).toBeLessThanOrEqual(5); // cordon-init, sh, ls, grep, cat
      expect(Number(pid)).toBeLessThanOrEqual(2); // 1 is cordon-init when it is installed
    } else {
      expect(r.err).toContain("/proc");
      expect(r.err).toContain("Permission denied");
    }
  });

  test("signals and abstract unix sockets outside are denied", async () => {
    const victim = Bun.spawn(["sleep", "30"]);
    try {
      const r = await sh(
        `kill -0 ${victim.pid} 2>/dev/null && echo signal-reached || echo signal-denied; /usr/bin/python3 -c "
import socket
try: s=socket.socket(socket.AF_UNIX); s.connect('\\0cordon-test-abstract-${process.pid}'); print('abstract-reached')
except OSError as e: print('abstract-denied', e.errno)"`,
        { fs: { read: ["/usr/lib/python3"] } },
      );
      expect(r.out.split("\n")[0]).toBe("signal-denied");
      expect(r.out.split("\n")[1]).toStartWith("abstract-denied");
    } finally {
      victim.kill();
    }
  });

  test("a pathname unix socket outside (a daemon's, a tmux server's) is unreachable; socketpair works", async () => {
    let received = 0;
    const server = Bun.listen({ unix: join(outside, "daemon.sock"), socket: { data: (s) => { received++; s.end(); }, open() {} } });
    try {
      const r = await sh(
        `/usr/bin/python3 -c "
import socket
a, b = socket.socketpair(); a.send(b'p'); print('pair', b.recv(1).decode())
try:
    s = socket.socket(socket.AF_UNIX); s.connect('${join(outside, "daemon.sock")}'); s.send(b'escape'); print('connected')
except OSError as e:
    print('denied', e.errno)"`,
        { fs: { read: ["/usr/lib/python3"] } },
      );
      // EACCES: socket(AF_UNIX) refused; ENOENT: a private root where no outside path exists.
      expect(r.out.split("\n")[0]).toBe("pair p");
      expect(["denied 13", "denied 2"]).toContain(r.out.split("\n")[1]!);
      await Bun.sleep(50);
      expect(received).toBe(0); // counted outside: nothing arrived
    } finally {
      server.stop(true);
    }
  });

  test("a unix socket inside a write grant works when the sandbox has a private root", async () => {
    const r = await sh(
      `/usr/bin/python3 -c "
import socket, os
p = os.environ['TMPDIR'] + '/s.sock'
try:
    srv = socket.socket(socket.AF_UNIX); srv.bind(p); srv.listen(1)
    c = socket.socket(socket.AF_UNIX); c.connect(p); a, _ = srv.accept(); c.send(b'in'); print('inside', a.recv(2).decode())
except OSError as e:
    print('refused', e.errno)"`,
      { fs: { read: ["/usr/lib/python3"] } },
    );
    const unix = r.proc.report.guarantees.find((g) => g.guarantee === "ipc.unix-outside-closed")!;
    // With a private root AF_UNIX stays usable inside; without one it is refused outright (the price of closing the outside).
    expect(r.out).toBe(unix.by.some((b) => b.startsWith("private root")) ? "inside in" : "refused 13");
  });

  test("root inside holds no capability: the host's hostname and kernel log stay out of reach", async () => {
    const r = await sh(`(grep -E '^Cap(Prm|Eff|Bnd|Amb)' /proc/self/status || echo no-proc) | cut -f2 | sort -u; hostname cordon-evil 2>/dev/null && echo renamed || echo rename-denied`);
    // Without a private /proc (no namespaces here) the sets cannot be read inside; the refusal still shows.
    expect(r.out.split("\n")).toEqual([r.out.startsWith("no-proc") ? "no-proc" : "0000000000000000", "rename-denied"]);
    expect(hostname()).not.toBe("cordon-evil");
    expect(r.proc.report.guarantees.find((g) => g.guarantee === "privileges.no-capabilities")?.status).toBe("enforced");
  });

  test("in a pid namespace, orphans are reaped and signals reach a command without handlers", async () => {
    const p = spawn(["sh", "-c", "for i in 1 2 3 4 5; do (sleep 0.05 &) ; done; sleep 0.5; ps -eo stat= 2>/dev/null | grep -c Z; sleep 30"], {}, { stdout: "pipe" });
    const pns = p.report.guarantees.find((g) => g.guarantee === "proc.outside-hidden")!.by.includes("private procfs");
    await Bun.sleep(800);
    p.kill("SIGTERM"); // sh has no SIGTERM handler: as pid 1 it would ignore it
    const code = await p.exited;
    const zombies = (await new Response(p.stdout as ReadableStream).text()).trim();
    if (pns) {
      expect(code).toBe(143);
      expect(zombies).toBe("0");
    } else expect(code).toBe(143);
  });

  test("the command inherits the caller's stack limit (cordon-init's start code must not raise it)", async () => {
    const soft = readFileSync("/proc/self/limits", "utf8").match(/^Max stack size\s+(\S+)/m)![1]!;
    const r = await sh("ulimit -s");
    expect(r.code).toBe(0);
    expect(r.out).toBe(soft === "unlimited" ? "unlimited" : String(Number(soft) / 1024));
    // A small limit set for the child (the spine's rlimits) reaches the command through cordon-init unchanged.
    const { initPath, sandboxHost } = await import("../../lib/backend/linux/sandbox.ts");
    const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
    const { CLONE_NEW } = await import("../../ffi/linux-spawn.ts");
    const init = initPath();
    // A pid namespace made directly (root, where namespaces are allowed) is what this part needs; elsewhere the default limit above is the check.
    if (!init || sandboxHost().namespaces !== "direct") return;
    for (const kib of [16, 32]) {
      const p = spawnLinux(["/bin/sh", "-c", "ulimit -s"], {
        stdout: "pipe",
        rlimits: [{ resource: 3 /* RLIMIT_STACK */, soft: kib * 1024, hard: 8 * 1024 * 1024 }],
        cloneNamespaces: CLONE_NEW.PID,
        init,
      });
      expect((await new Response(p.stdout).text()).trim()).toBe(String(kib));
      expect(await p.exited).toBe(0);
    }
  });

  test("metadata of a read grant cannot change under a private root (read-only mount); a write grant's can", async () => {
    writeFileSync(join(granted, "meta"), "x");
    const r = await sh(`chmod 600 ${granted}/meta 2>/dev/null && echo ro-changed || echo ro-refused; chmod 600 ${outside}/secret 2>/dev/null && echo outside-changed || echo outside-refused`, { fs: { read: [granted] } });
    const rw = await sh(`chmod 600 ${granted}/meta && echo rw-changed`, { fs: { write: [granted] } });
    const privateRoot = r.proc.report.guarantees.some((g) => g.guarantee === "fs.outside-invisible");
    // Landlock has no metadata right: without a private root (no namespaces) the chmod goes through.
    expect(r.out.split("\n")).toEqual([privateRoot ? "ro-refused" : "ro-changed", privateRoot ? "outside-refused" : "outside-changed"]);
    expect(rw.out).toBe("rw-changed");
  });

  test("the whole tree dies with the command: a setsid double-fork leaves no survivor", async () => {
    const marker = join(granted, "daemon.pid");
    const nap = `61.${process.pid}`; // a duration nothing else on the host sleeps for
    const r = await sh(`setsid sh -c 'sleep ${nap} & echo $! > ${marker}' ; sleep 0.1; echo started`, { fs: { write: [granted] } });
    expect(r.out).toBe("started");
    const pid = Number(readFileSync(marker, "utf8"));
    // The daemon's pid is in the sandbox's namespace; find its host pid by cmdline under our cgroups: none may remain.
    expect(pid).toBeGreaterThan(0);
    expect(populatedCgroups()).toEqual([]);
    const sleepers = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, "utf8") === `sleep\u0000${nap}\u0000`;
      } catch {
        return false;
      }
    });
    expect(sleepers).toEqual([]);
  });

  test("timeout kills the tree and exits 124", async () => {
    const r = await sh("sleep 30 & sleep 30", { limits: { timeoutMs: 200 } });
    expect(r.code).toBe(124);
    expect(r.proc.timedOut).toBe(true);
  });

  test("a memory limit ends the tree with 137 and says so — or, without a memory cgroup, hard mode refuses", async () => {
    const policy = { limits: { memory: 64 * 1024 * 1024 }, fs: { read: ["/usr/lib/python3"] } };
    const argv = ["/usr/bin/python3", "-c", "b = bytearray(400 * 1024 * 1024); print('survived')"];
    if (!memoryCgroup()) {
      expect(() => spawn(argv, policy)).toThrow(/limits\.memory/);
      return;
    }
    const p = spawn(argv, policy, { stdout: "pipe", stderr: "pipe" });
    const out = await new Response(p.stdout as ReadableStream).text();
    const code = await p.exited;
    expect(out).not.toContain("survived");
    expect(code).toBe(137);
    expect((p as unknown as { limit?: string }).limit).toBe("memory limit exceeded");
  });

  test("a pids limit makes fork fail with EAGAIN inside, and is contained", async () => {
    const fork = [
      "import os, time",
      "n = 0",
      "for i in range(20):",
      "    try:",
      "        pid = os.fork()",
      "    except OSError as e:",
      "        print('fork failed', e.errno); break",
      "    if pid == 0:",
      "        time.sleep(30); os._exit(0)",
      "    n += 1",
      "print('forked', n)",
    ].join("\n");
    let policy: Parameters<typeof spawn>[1] = { limits: { pids: 5 }, fs: { read: ["/usr/lib/python3"] } };
    let p: ReturnType<typeof spawn>;
    try {
      p = spawn(["/usr/bin/python3", "-c", fork], policy, { stdout: "pipe" });
    } catch (e) {
      // No pids cgroup here (unprivileged): hard mode names what it cannot enforce; best-effort falls back to RLIMIT_NPROC.
      expect(e).toBeInstanceOf(CompatError);
      expect((e as Error).message).toContain("limits.pids");
      policy = { ...policy, compat: "best-effort" };
      p = spawn(["/usr/bin/python3", "-c", fork], policy, { stdout: "pipe" });
    }
    const lines = (await new Response(p.stdout as ReadableStream).text()).trim().split("\n");
    const pids = p.report.guarantees.find((g) => g.guarantee === "limits.pids")!;
    expect(await p.exited).toBe(0);
    if (pids.status === "not-enforced") {
      // Root with no pids cgroup (e.g. nested in another sandbox): nothing can count the tree, and the report says why.
      expect(pids.reason).toContain("RLIMIT_NPROC");
    } else {
      // A pids cgroup counts the tree; RLIMIT_NPROC (unprivileged, partial) counts the uid: both stop the fork loop.
      expect(lines[0]).toBe("fork failed 11"); // EAGAIN
      if (pids.status === "enforced") expect(Number(lines[1]!.split(" ")[1])).toBeLessThan(5);
    }
    // The sleeping children went with the tree.
    expect(populatedCgroups()).toEqual([]);
  });

  test("nothing is left behind: no cgroups, no temp dirs", () => {
    // Spare sets (cgroup/pool.ts) are empty; once removed nothing else may remain.
    expect(populatedCgroups()).toEqual([]);
    drainSpares();
    expect(cordonCgroups()).toEqual([]);
  });
});

describeUnless(notLinux, "private root view", () => {
  test("the view kept per grant set, plus the spawn's own directory (TMPDIR and HOME), equals the view built afresh", async () => {
    const { privateRootView, privateRootViewWith } = await import("../../lib/backend/linux/private-root.ts");
    const { resolvePolicy } = await import("../../lib/resolve-policy.ts");
    // Plain defaults; /tmp granted read-only (the run's directory gets a writable bind of its own); /tmp writable (no bind of its own).
    for (const fs of [{}, { read: [tmpdir()] }, { write: [tmpdir()] }, { read: [granted], write: [outside] }]) {
      for (let i = 0; i < 2; i++) {
        // The caller's own cwd (`base`), which may stay ungranted: an explicit ungranted cwd is refused.
        const { policy, cleanup } = resolvePolicy({ fs }, { base: granted });
        try {
          const fresh = privateRootView(policy.fs.read, policy.fs.write, policy.cwd, true);
          const kept = privateRootViewWith(policy.fs.read, policy.fs.write, policy.runDir!, policy.cwd, true);
          expect(kept).toEqual(fresh);
          expect(fresh.some((e) => e.path === policy.runDir)).toBe(!("write" in fs && fs.write?.includes(tmpdir())));
        } finally {
          cleanup();
        }
      }
    }
  });
});

describeUnless(notLinux, "compatibility levels", () => {
  test("hard mode refuses what this host cannot enforce, before anything runs", async () => {
    // Landlock capped to ABI 0: file confinement cannot be enforced.
    const script = `
      const { spawn } = await import(${JSON.stringify(join(import.meta.dir, "../../lib/spawn.ts"))});
      try { spawn(["true"], {}); console.log("ran"); } catch (e) { console.log(e.name, e.missing?.map(m => m.guarantee).join(",")); }`;
    const r = Bun.spawnSync([process.execPath, "-e", script], { env: { ...process.env, CORDON_LANDLOCK_ABI_CAP: "0" } });
    const line = r.stdout.toString().trim();
    expect(line).toStartWith("CompatError");
    // Without namespaces the plan's own refusal comes first: nothing hides /proc without landlock.
    expect(line).toMatch(/fs\.|proc\.outside-hidden/);
  });

  test("best-effort runs and the report names what is missing", async () => {
    const script = `
      const { spawn } = await import(${JSON.stringify(join(import.meta.dir, "../../lib/spawn.ts"))});
      const p = spawn(["true"], { compat: "best-effort" });
      const code = await p.exited;
      console.log(code, p.report.guarantees.filter(g => g.status !== "enforced").map(g => g.guarantee).join(","));`;
    const r = Bun.spawnSync([process.execPath, "-e", script], { env: { ...process.env, CORDON_LANDLOCK_ABI_CAP: "0" } });
    const [code, missing] = r.stdout.toString().trim().split(" ");
    expect(code).toBe("0");
    expect(missing).toContain("fs.write-confined");
  });

  test("a malformed policy is a PolicyError naming the field, and nothing runs", () => {
    expect(() => spawn(["true"], { limits: { memory: -1 } })).toThrow("limits.memory");
    expect(() => spawn(["true"], { fs: { write: ["/definitely/not/here"] } } as never)).toThrow("fs.write[0]");
    expect(CompatError).toBeDefined();
  });
});
