// Namespaces through the spawn spine: pid (with a fresh /proc), net (with and
// without loopback), uts, ipc, user namespaces with id maps, and the private
// root (a tmpfs holding only the view's entries).
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ViewEntry } from "../../ffi/linux-spawn.ts";
import { fdSet, newFds } from "../helpers/fds.ts";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";

const isRoot = process.getuid?.() === 0;
const { spawnLinux } = notLinux ? ({} as typeof import("../../lib/backend/linux/spawn.ts")) : await import("../../lib/backend/linux/spawn.ts");
const { CLONE_NEW } = notLinux ? ({ CLONE_NEW: {} } as never) : await import("../../ffi/linux-spawn.ts");
const { privateRootView } = notLinux ? ({} as typeof import("../../lib/backend/linux/private-root.ts")) : await import("../../lib/backend/linux/private-root.ts");

async function out(argv: string[], opts: Parameters<typeof spawnLinux>[1] = {}) {
  const p = spawnLinux(argv, { stdout: "pipe", stderr: "pipe", ...opts });
  const [o, e] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, out: o.trim(), err: e.trim() };
}

describeUnless(notLinux ?? linuxRequirement(isRoot ? undefined : "namespaces without a user namespace need root"), "namespaces (root)", () => {
  let server: Server;
  let port = 0;
  afterAll(() => server?.close());

  test("pid namespace with a fresh /proc: the command is pid 1 and sees only its own processes", async () => {
    const r = await out(["sh", "-c", "echo $$; ls /proc | grep -c '^[0-9]'"], {
      cloneNamespaces: CLONE_NEW.PID | CLONE_NEW.NS,
      mountProc: true,
    });
    expect(r.code).toBe(0);
    const [pid, count] = r.out.split("\n").map(Number);
    expect(pid).toBe(1);
    expect(count).toBeLessThanOrEqual(3); // sh, ls, grep
    // The host's /proc was not touched: it still lists this process.
    const host = await out(["sh", "-c", `test -d /proc/${process.pid} && echo visible`]);
    expect(host.out).toBe("visible");
  });

  test("net namespace: the host's loopback listener is unreachable; with loopback up, the sandbox's own is reachable", async () => {
    server = createServer((s) => s.end("hello")).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    port = (server.address() as { port: number }).port;
    const probe = `exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected || echo refused`;
    const outside = await out(["bash", "-c", probe]);
    expect(outside.out).toBe("connected");
    const inside = await out(["bash", "-c", probe], { cloneNamespaces: CLONE_NEW.NET });
    expect(inside.out).toBe("refused");
    expect(inside.err).toContain("Network is unreachable");
    const withLo = await out(["bash", "-c", probe], { cloneNamespaces: CLONE_NEW.NET, loopback: true });
    expect(withLo.out).toBe("refused");
    expect(withLo.err).toContain("Connection refused"); // lo is up, but nothing of the host listens there
  });

  test("uts namespace: a hostname change stays inside", async () => {
    const r = await out(["sh", "-c", "hostname cordon-inside && hostname"], { cloneNamespaces: CLONE_NEW.UTS });
    expect(r.out).toBe("cordon-inside");
    expect(hostname()).not.toBe("cordon-inside");
  });

  test("ipc namespace: SysV queues made inside are not visible outside", async () => {
    const inside = await out(["sh", "-c", "ipcmk -Q >/dev/null && ipcs -q | grep '^0x' | cut -d' ' -f1"], { cloneNamespaces: CLONE_NEW.IPC });
    expect(inside.code).toBe(0);
    const keys = inside.out.split("\n");
    expect(keys.length).toBe(1); // a fresh namespace holds only the queue just made
    // The host never sees that queue's key.
    const outside = await out(["sh", "-c", "ipcs -q"]);
    expect(outside.out).not.toContain(keys[0]!);
  });

  test("asking for /proc without the namespaces it needs is refused before cloning", () => {
    expect(() => spawnLinux(["true"], { mountProc: true })).toThrow("CORDON_E_INVALID_ARGUMENT");
    expect(() => spawnLinux(["true"], { loopback: true })).toThrow("CORDON_E_INVALID_ARGUMENT");
  });
});

describeUnless(notLinux, "user namespace", () => {
  test("the command sees uid 0 inside, mapped to the caller outside", async () => {
    const r = await out(["sh", "-c", "id -u; cat /proc/self/uid_map"], { userNamespace: { uid: 0, gid: 0 } });
    expect(r.code).toBe(0);
    const [uid, map] = r.out.split("\n");
    expect(uid).toBe("0");
    expect(map!.trim().split(/\s+/).map(Number)).toEqual([0, process.getuid!(), 1]);
  });

  test("with pid and net namespaces inside it (the unprivileged path)", async () => {
    const r = await out(["sh", "-c", "echo $$"], {
      userNamespace: { uid: 0, gid: 0 },
      cloneNamespaces: CLONE_NEW.PID | CLONE_NEW.NET | CLONE_NEW.NS,
      mountProc: true,
    });
    expect(r).toMatchObject({ code: 0, out: "1" });
  });
});

describeUnless(notLinux ?? linuxRequirement(isRoot ? undefined : "switching users needs root"), "user switch", () => {
  test("runs as the given uid/gid with no supplementary groups, and cannot get root back", async () => {
    const r = await out(["sh", "-c", "id -u; id -g; id -G; cat /proc/self/status | grep NoNewPrivs"], { user: { uid: 65534, gid: 65534 } });
    expect(r.out.split("\n")).toEqual(["65534", "65534", "65534", "NoNewPrivs:\t1"]);
    const su = await out(["sh", "-c", "su -c true root 2>&1; echo rc=$?"], { user: { uid: 65534, gid: 65534 } });
    expect(su.out).not.toContain("rc=0");
  });
});

/** The programs a shell needs, as a private root shows them (the /bin, /lib links of a merged-/usr host included). */
const system = ["/usr", "/bin", "/lib", "/lib64", "/etc/ld.so.cache"].filter((p) => existsSync(p));

describeUnless(notLinux, "private root", () => {
  // Unprivileged: the mount namespace inside a user namespace (where the host's mount flags are locked).
  const ns = isRoot ? {} : { userNamespace: { uid: process.getuid!(), gid: process.getgid!() } };
  const base = mkdtempSync(join(tmpdir(), "cordon-root-"));
  const ro = join(base, "ro");
  const rw = join(base, "rw");
  const inner = join(ro, "inner");
  const hidden = join(base, "hidden");
  for (const d of [ro, rw, inner, hidden]) mkdirSync(d, { recursive: true });
  writeFileSync(join(ro, "f"), "host");
  writeFileSync(join(base, "file-ro"), "host");
  writeFileSync(join(base, "file-rw"), "host");
  writeFileSync(join(hidden, "secret"), "host");
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const inRoot = (script: string, view: ViewEntry[]) => out(["/bin/sh", "-c", script], { ...ns, cloneNamespaces: CLONE_NEW.NS, privateRoot: view, searchPath: false });
  const view = (read: string[], write: string[]) => privateRootView([...system, ...read], write, base, false);

  test("only the entries exist; read-only binds refuse writes and metadata changes; writable binds, even beneath a read-only one, accept them", async () => {
    const v = view([ro, join(base, "file-ro")], [rw, inner, join(base, "file-rw")]);
    const script = [
      `ls ${base}`,
      `test -e ${hidden} && echo hidden-visible || echo hidden-absent`,
      `echo x > ${ro}/f 2>/dev/null && echo ro-written || echo ro-refused`,
      `chmod 600 ${ro}/f 2>/dev/null && echo ro-chmod || echo ro-chmod-refused`,
      `echo x > ${base}/file-ro 2>/dev/null && echo file-ro-written || echo file-ro-refused`,
      `touch ${ro}/new 2>/dev/null && echo ro-created || echo ro-create-refused`,
      `echo in > ${rw}/x && echo rw-written`,
      `echo in > ${inner}/x && echo inner-written`,
      `echo in > ${base}/file-rw && echo file-rw-written`,
      `touch ${ro}/f 2>&1 | grep -c 'Read-only file system'`,
    ].join("; ");
    const r = await inRoot(script, v);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")).toEqual([
      "file-ro",
      "file-rw",
      "ro",
      "rw",
      "hidden-absent",
      "ro-refused",
      "ro-chmod-refused",
      "file-ro-refused",
      "ro-create-refused",
      "rw-written",
      "inner-written",
      "file-rw-written",
      "1",
    ]);
    expect(readFileSync(join(ro, "f"), "utf8")).toBe("host");
    expect(statSync(join(ro, "f")).mode & 0o777).not.toBe(0o600);
    expect(existsSync(join(ro, "new"))).toBe(false);
    expect(readFileSync(join(rw, "x"), "utf8")).toBe("in\n");
    expect(readFileSync(join(inner, "x"), "utf8")).toBe("in\n");
    expect(readFileSync(join(base, "file-rw"), "utf8")).toBe("in\n");
  });

  test("a view with more writable binds than the detached copies take is built by remounting, with the same protections", async () => {
    const many = Array.from({ length: 40 }, (_, i) => join(base, `w${i}`));
    for (const p of many) writeFileSync(p, "");
    const r = await inRoot(`echo x > ${ro}/f 2>/dev/null && echo ro-written || echo ro-refused; echo y > ${many[39]} && echo rw-written; ls ${base} | wc -l`, view([ro], many));
    expect(r.out.split("\n")).toEqual(["ro-refused", "rw-written", "41"]);
    expect(readFileSync(join(ro, "f"), "utf8")).toBe("host");
    expect(readFileSync(many[39]!, "utf8")).toBe("y\n");
    for (const p of many) rmSync(p);
  });

  test("a bind source swapped for a symlink after the view was made: read-only entries stay read-only wherever it leads, writable ones resolve as on the host", async () => {
    // The view is resolved before the spawn; a symlink swapped in before the
    // child looks the source up (after pivot_root) must not lead onto what the
    // new root holds: a writable bind, the tmpfs, or the old root's new name.
    const swap = join(base, "swap");
    const target = join(swap, "a"); // sorts before the links: placed first
    mkdirSync(target, { recursive: true });
    const abs = join(swap, "l-abs"); // -> the writable entry, absolute
    const up = join(swap, "l-up"); // -> the writable entry, with more ".." than the host path has
    const top = join(swap, "l-top"); // -> "/"
    const old = join(swap, "l-old"); // -> the old root under its name inside the new root
    symlinkSync(target, abs);
    symlinkSync(`${"../".repeat(12)}${target.slice(1)}`, up);
    symlinkSync("/", top);
    symlinkSync(`/.cordon-oldroot${hidden}`, old);
    const many = Array.from({ length: 40 }, (_, i) => join(swap, `w${i}`));
    for (const p of many) mkdirSync(p);
    const sorted = (v: ViewEntry[]) => v.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    const readOnly = [abs, up].map((path) => ({ kind: "dir-ro", path }) as const);
    const script = [
      ...[abs, up].flatMap((p) => [
        `touch ${p}/new 2>&1 | grep -c 'Read-only file system'`,
        `chmod 700 ${p} 2>&1 | grep -c 'Read-only file system'`,
      ]),
      `echo in > ${target}/rw && echo rw-written`,
    ].join("; ");
    try {
      for (const extra of [[], many]) {
        // Fast path (the detached copies), then the remount path (more writable binds than it takes).
        const v = sorted([...view([], [target, ...extra]), ...readOnly]);
        const r = await inRoot(script, v);
        expect(r.out.split("\n")).toEqual(["1", "1", "1", "1", "rw-written"]);
        expect(readdirSync(target)).toEqual(["rw"]);
        expect(statSync(target).mode & 0o777).toBe(0o755);
        rmSync(join(target, "rw"));
        const stops = (entry: ViewEntry) => expect(() => spawnLinux(["/bin/true"], { ...ns, cloneNamespaces: CLONE_NEW.NS, privateRoot: sorted([...view([], extra), entry]), searchPath: false }));
        // A writable source is looked up as the host would: there is no /.cordon-oldroot there.
        stops({ kind: "dir", path: old }).toThrow("ENOENT");
        // The new root's "/" holds the old root's mount point: a copy of it keeps that busy.
        stops({ kind: "dir-ro", path: top }).toThrow("EBUSY");
      }
      expect(readdirSync(hidden)).toEqual(["secret"]);
    } finally {
      rmSync(swap, { recursive: true, force: true });
    }
  });

  test("nothing is created beneath a bind: an entry missing there stops the spawn and the host stays untouched", () => {
    const grant = view([], [rw]);
    for (const extra of [
      { kind: "symlink", path: join(rw, "link"), target: "/usr" },
      { kind: "mkdir", path: join(rw, "made") },
      { kind: "file", path: join(rw, "mount-point") },
      { kind: "dir-ro", path: join(rw, "sub", "dir") },
    ] as const) {
      expect(() => spawnLinux(["/bin/true"], { ...ns, cloneNamespaces: CLONE_NEW.NS, privateRoot: [...grant, extra], searchPath: false })).toThrow();
    }
    expect(readdirSync(rw).filter((n) => n !== "x")).toEqual([]);
  });

  test("entry paths spelled another way (.., ., //) are refused", () => {
    for (const path of [`${base}/../${base.split("/").pop()}/hidden`, `${base}/./hidden`, `${base}//hidden`, `${base}/hidden/`]) {
      expect(() => spawnLinux(["/bin/true"], { ...ns, cloneNamespaces: CLONE_NEW.NS, privateRoot: [...view([], []), { kind: "dir-ro", path }], searchPath: false })).toThrow("EINVAL");
    }
  });
});

const initPath = notLinux ? "" : join(dirname((await import("../../ffi/index.ts")).findLibrary()), "cordon-init");

// cordon-init only ever runs inside a fresh pid namespace here: its kill(-1)
// must never reach the host even if its pid-1 guard were broken.
describeUnless(notLinux ?? linuxRequirement(existsSync(initPath) ? undefined : "cordon-init is not built"), "cordon-init", () => {
  const ns = isRoot ? {} : { userNamespace: { uid: process.getuid!(), gid: process.getgid!() } };
  const pidNs = { ...ns, cloneNamespaces: CLONE_NEW.PID | CLONE_NEW.NS, mountProc: true };

  test("as pid 1 it runs the command and exits with its status; anywhere else it refuses", async () => {
    expect(await out(["sh", "-c", "echo $$; exit 7"], { ...pidNs, init: initPath })).toMatchObject({ code: 7, out: "2" });
    // pid 2 of a fresh namespace (its kill(-1) could only reach that namespace).
    const r = await out(["sh", "-c", `${initPath} --adopt 1; echo rc=$?`], pidNs);
    expect(r.out).toBe("rc=125");
    expect(r.err).toContain("must be pid 1");
  });

  test("an execve failure is reported as the spawn's error", () => {
    expect(() => spawnLinux(["/nonexistent/cmd"], { ...pidNs, init: initPath, searchPath: false })).toThrow("ENOENT");
    expect(() => spawnLinux([tmpdir()], { ...pidNs, init: initPath, searchPath: false })).toThrow("EACCES");
  });

  test("the command's exact status, also when it ends before cordon-init has started, and 128+N for a signal death", async () => {
    for (let i = 0; i < 10; i++) {
      expect(await spawnLinux(["/bin/true"], { ...pidNs, init: initPath, searchPath: false }).exited).toBe(0);
      expect(await spawnLinux(["/bin/false"], { ...pidNs, init: initPath, searchPath: false }).exited).toBe(1);
    }
    expect(await spawnLinux(["sh", "-c", "kill -9 $$"], { ...pidNs, init: initPath }).exited).toBe(137);
  });

  test("a signal sent as soon as the spawn returns (before cordon-init has its handlers) reaches the command", async () => {
    // The spawn returns once cordon-init was exec'd, with every signal still
    // blocked: a blocked signal stays pending even for a namespace's pid 1,
    // which would drop it at its default disposition.
    for (let i = 0; i < 20; i++) {
      const p = spawnLinux(["sleep", "5"], { ...pidNs, init: initPath });
      p.kill("SIGTERM");
      expect(await p.exited).toBe(143);
    }
  });

  test("a cordon-init that cannot be exec'd fails the spawn, and the command already started dies with the namespace", () => {
    const nap = `96.${process.pid}`; // a duration nothing else on the host sleeps for
    expect(() => spawnLinux(["sleep", nap], { ...pidNs, init: "/nonexistent/cordon-init" })).toThrow(/execve \(cordon-init\).*ENOENT|ENOENT.*cordon-init/);
    const left = readdirSync("/proc").filter((d) => /^\d+$/.test(d) && (() => { try { return readFileSync(`/proc/${d}/cmdline`, "utf8").includes(nap); } catch { return false; } })());
    expect(left).toEqual([]);
  });

  /** This process's fds that hold mount namespace `ns` ("mnt:[inode]"), with their fdinfo flags. */
  const mntHandles = (ns: string) =>
    readdirSync("/proc/self/fd").flatMap((fd) => {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`) !== ns) return [];
        return [{ fd: Number(fd), flags: parseInt(/^flags:\s*(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))![1]!, 8) }];
      } catch {
        return []; // closed meanwhile
      }
    });
  /** Waits until the waiter thread has closed every mount namespace handle
   * of children already reported: it closes them just after writing the exit
   * record, so `exited` can settle a moment before the fd is gone. */
  const heldSettled = async () => {
    const own = readlinkSync("/proc/self/ns/mnt");
    const foreign = () =>
      readdirSync("/proc/self/fd").some((fd) => {
        try {
          const link = readlinkSync(`/proc/self/fd/${fd}`);
          return link.startsWith("mnt:") && link !== own;
        } catch {
          return false;
        }
      });
    for (let i = 0; i < 100 && foreign(); i++) await Bun.sleep(5);
    expect(foreign()).toBe(false);
  };

  test("the child's mount namespace is held by the parent (close-on-exec, never in a child) until its exit is reported, then released", async () => {
    await spawnLinux(["true"], { ...pidNs, init: initPath }).exited;
    await heldSettled();
    const before = fdSet();
    const p = spawnLinux(["sleep", "30"], { ...pidNs, init: initPath });
    const ns = readlinkSync(`/proc/${p.pid}/ns/mnt`);
    expect(ns).not.toBe(readlinkSync("/proc/self/ns/mnt"));
    const held = mntHandles(ns);
    expect(held).toHaveLength(1);
    expect(held[0]!.flags & 0o2000000).toBe(0o2000000); // O_CLOEXEC
    // A sibling spawned meanwhile sees no mount namespace among its fds.
    const sib = await out(["sh", "-c", "for f in /proc/self/fd/*; do readlink $f; done"], { ...pidNs, init: initPath });
    expect(sib.out).not.toContain("mnt:");
    p.kill("SIGKILL");
    await p.exited;
    // Released by the exit watcher right after the record: allow it that moment.
    for (let i = 0; i < 100 && mntHandles(ns).length > 0; i++) await Bun.sleep(5);
    expect(mntHandles(ns)).toEqual([]);
    expect(await newFds(before)).toEqual([]);
  });

  test("no mount namespace handle outlives a spawn that failed after clone3", async () => {
    await spawnLinux(["true"], { ...pidNs, init: initPath }).exited;
    await heldSettled();
    const before = fdSet();
    for (let i = 0; i < 20; i++) {
      // cordon-init reports the execve failure: the spawn reaps init itself.
      expect(() => spawnLinux(["/nonexistent/cmd"], { ...pidNs, init: initPath, searchPath: false })).toThrow("ENOENT");
      // A child step fails before execve: nothing was held.
      expect(() => spawnLinux(["true"], { ...pidNs, cwd: "/nonexistent/dir" })).toThrow("chdir");
    }
    expect(await newFds(before)).toEqual([]);
  });

  test("orphans are reaped, signals reach the command, and what the command leaves behind dies with it", async () => {
    const nap = `97.${process.pid}`; // a duration nothing else on the host sleeps for
    const p = spawnLinux(["sh", "-c", `(sleep 0.01 &); (sleep 0.01 &); sleep 0.3; ps -eo stat= | grep -c Z; sleep ${nap} & setsid sleep ${nap} & sleep 30`], { ...pidNs, init: initPath, stdout: "pipe" });
    await Bun.sleep(600);
    p.kill("SIGTERM"); // sh has no handler: the default action ends it
    expect(await p.exited).toBe(143);
    expect((await new Response(p.stdout).text()).trim()).toBe("0");
    const left = readdirSync("/proc").filter((d) => /^\d+$/.test(d) && (() => { try { return readFileSync(`/proc/${d}/cmdline`, "utf8").includes(nap); } catch { return false; } })());
    expect(left).toEqual([]);
  });
});
