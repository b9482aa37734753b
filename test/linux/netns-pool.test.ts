// Network namespaces made ahead by the native pool (lib/backend/linux/netns-pool.ts)
// and joined by a spawn instead of CLONE_NEWNET: each sandbox is in a namespace
// of its own that nobody else ever joined (`net: "none"`: only lo, down, the
// host's listener unreachable; host grants: only lo, up, the relay carrying the
// granted connect), each of the kind it needs, the pool is really used, a
// process that never grants hosts holds no namespace with lo up, a record
// asking the child to join anything else is refused or fails typed with
// nothing run, nothing is left after drain, and where the pool can make
// nothing spawns keep their namespace.
import { afterAll, afterEach, expect, test } from "bun:test";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CORDON_E } from "../../ffi/status.ts";
import { OsError } from "../../ffi/errors.ts";
import { fdSet, newFds } from "../helpers/fds.ts";
import { hostListener } from "../helpers/host-listener.ts";
import { describeUnless, emulated, linuxRequirement, notLinux, testUnless } from "../helpers/skip.ts";
import { worldReadableCopy } from "../helpers/world-readable.ts";

const isRoot = process.getuid?.() === 0;
const { compile, spawn } = await import("../../lib/spawn.ts");
const pool = notLinux ? undefined : await import("../../lib/backend/linux/netns-pool.ts");
const { spawnLinux } = notLinux ? ({} as typeof import("../../lib/backend/linux/spawn.ts")) : await import("../../lib/backend/linux/spawn.ts");
const spawnFfi = notLinux ? undefined : await import("../../ffi/linux-spawn.ts");
const linuxFfi = notLinux ? undefined : await import("../../ffi/linux.ts");
const { drainSpares } = notLinux ? ({} as typeof import("../../lib/backend/linux/cgroup/pool.ts")) : await import("../../lib/backend/linux/cgroup/pool.ts");

const hostNet = notLinux ? "" : readlinkSync("/proc/self/ns/net");

/** The network namespaces this process holds fds of, but its own (the pool's): each with one fd naming it. */
function heldFds(): Map<string, string> {
  const out = new Map<string, string>();
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const link = readlinkSync(`/proc/self/fd/${fd}`);
      if (link.startsWith("net:") && link !== hostNet) out.set(link, fd);
    } catch {
      // closed since it was listed
    }
  }
  return out;
}

const heldNamespaces = () => new Set(heldFds().keys());

/** Whether lo is up in each namespace the pool holds, read from inside each (nsenter through this process's fd of it). */
function loOfHeld(): string[] {
  const flags = `import fcntl, socket, struct\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\nprint("up" if struct.unpack("16sH", fcntl.ioctl(s.fileno(), 0x8913, struct.pack("16sH", b"lo", 0)))[1] & 1 else "down")`;
  return [...heldFds().values()].map((fd) => {
    const r = Bun.spawnSync(["nsenter", `--net=/proc/${process.pid}/fd/${fd}`, "/usr/bin/python3", "-c", flags], { stderr: "pipe" });
    return r.exitCode === 0 ? r.stdout.toString().trim() : `nsenter failed: ${r.stderr.toString()}`;
  }).sort();
}

async function until(what: () => boolean, ms = 5000): Promise<boolean> {
  for (let waited = 0; !what() && waited < ms; waited += 10) await Bun.sleep(10);
  return what();
}

/** Run as the command: its namespace, the interfaces there and whether lo is up, and a connect to the host's listener. */
const inside = `
import fcntl, os, socket, struct, sys
print(os.readlink("/proc/self/ns/net"))
print(",".join(sorted(l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:])))
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)  # any socket's ioctl reaches the device
flags = struct.unpack("16sH", fcntl.ioctl(s.fileno(), 0x8913, struct.pack("16sH", b"lo", 0)))[1]  # SIOCGIFFLAGS
print("lo up" if flags & 1 else "lo down")
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3).close(); print("connect ok")
except OSError as e:
    print("connect failed")
`;

describeUnless(notLinux ?? emulated.sandbox ?? linuxRequirement(isRoot ? undefined : "a network namespace without a user namespace needs root"), "network namespaces from the pool (root)", () => {
  const host = hostListener();
  afterEach(() => pool!.drainNetnsPool());

  const probe = (net: "none" | "all" | "hosts") =>
    spawn(["/usr/bin/python3", "-c", inside, String(host.port())], { net: net === "hosts" ? { hosts: [`localhost:${host.port()}`] } : net, fs: { read: ["/usr/lib/python3"] } }, { stdout: "pipe", stderr: "pipe" });
  async function result(p: ReturnType<typeof probe>) {
    const [out, err] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text()]);
    expect({ code: await p.exited, err }).toEqual({ code: 0, err: "" });
    return out.trim().split("\n");
  }
  const taken = () => ({ plain: pool!.netnsTaken("plain"), up: pool!.netnsTaken("loopbackUp") });
  /** Two probes spawned before either is awaited (two takes in a row): each joined a different namespace of `made`, not this process's, no longer held, and printed `expected`. */
  async function twoFrom(made: Set<string>, net: "none" | "hosts", expected: string[]) {
    const [a, b] = [probe(net), probe(net)];
    const [outA, outB] = [await result(a), await result(b)];
    for (const out of [outA, outB]) {
      expect(made.has(out[0]!)).toBe(true);
      expect(out.slice(1)).toEqual(expected);
    }
    expect(outA[0]).not.toBe(outB[0]);
    expect(outA[0]).not.toBe(hostNet);
    // The fds of the namespaces they joined are closed: no second sandbox can get them.
    expect(heldNamespaces().has(outA[0]!) || heldNamespaces().has(outB[0]!)).toBe(false);
  }

  test("two sandboxes spawned back to back each join a namespace the pool made, a different one, fresh: only lo, down, the host's listener unreachable; net all (the twin) reaches it", async () => {
    // The first spawn that needs a namespace starts the pool (it may be served by clone3 itself).
    await spawn(["/bin/true"], {}, { stdin: "ignore", stdout: "ignore", stderr: "ignore" }).exited;
    expect(await until(() => heldNamespaces().size >= 4)).toBe(true);
    const made = heldNamespaces();
    const before = { accepted: host.accepted(), taken: pool!.netnsTaken("plain") };
    await twoFrom(made, "none", ["lo", "lo down", "connect failed"]);
    expect(pool!.netnsTaken("plain")).toBe(before.taken + 2);
    await Bun.sleep(50);
    expect(host.accepted()).toBe(before.accepted);
    // The twin: the whole network granted, no namespace, none taken.
    const all = await result(probe("all"));
    expect(all[0]).toBe(hostNet);
    expect(all.at(-1)).toBe("connect ok");
    expect(pool!.netnsTaken("plain")).toBe(before.taken + 2);
    expect(await until(() => host.accepted() === before.accepted + 1)).toBe(true);
  });

  test("two host-grant sandboxes spawned back to back each join a loopback-up namespace the pool made, a different one: only lo, up (the child did not bring it up), and the relay carries the connect to the granted localhost:PORT to this host's service", async () => {
    // The first host-grant spawn starts that kind (it may be served by clone3 itself, lo brought up by its child).
    expect((await result(probe("hosts"))).slice(1)).toEqual(["lo", "lo up", "connect ok"]);
    expect(await until(() => heldNamespaces().size >= pool!.NETNS_POOL_TARGET.loopbackUp)).toBe(true);
    const made = heldNamespaces();
    const [accepted, before] = [host.accepted(), taken()];
    await twoFrom(made, "hosts", ["lo", "lo up", "connect ok"]);
    expect(taken()).toEqual({ plain: before.plain, up: before.up + 2 });
    // Each connect went through its relay to this host's listener.
    expect(await until(() => host.accepted() === accepted + 2)).toBe(true);
  });

  test("a none sandbox right after host-grant sandboxes filled the loopback-up kind still joins a plain namespace: only lo, down, the host's listener unreachable", async () => {
    await spawn(["/bin/true"], {}, { stdin: "ignore", stdout: "ignore", stderr: "ignore" }).exited;
    await result(probe("hosts"));
    // Both kinds held: 4 plain, 2 with lo up.
    const both = pool!.NETNS_POOL_TARGET.plain + pool!.NETNS_POOL_TARGET.loopbackUp;
    expect(await until(() => heldNamespaces().size >= both)).toBe(true);
    const made = heldNamespaces();
    const [accepted, before] = [host.accepted(), taken()];
    await twoFrom(made, "none", ["lo", "lo down", "connect failed"]);
    expect(taken()).toEqual({ plain: before.plain + 2, up: before.up });
    await Bun.sleep(50);
    expect(host.accepted()).toBe(accepted);
  });

  test("a process that runs only none sandboxes holds no namespace with lo up (each held one read from inside: lo down); once a host-grant sandbox ran, the loopback-up ones are held beside them (the twin: lo up read so)", async () => {
    const none = () => spawn(["/bin/true"], {}, { stdin: "ignore", stdout: "ignore", stderr: "ignore" }).exited;
    for (let i = 0; i < 3; i++) await none();
    const { plain, loopbackUp } = pool!.NETNS_POOL_TARGET;
    expect(await until(() => heldNamespaces().size >= plain)).toBe(true);
    await Bun.sleep(100); // a loopback-up one being made would be held by now
    expect(loOfHeld()).toEqual(Array(plain).fill("down"));
    // The twin: one host-grant sandbox, then both kinds are held.
    await spawn(["/bin/true"], { net: { hosts: [`localhost:${host.port()}`] } }, { stdin: "ignore", stdout: "ignore", stderr: "ignore" }).exited;
    expect(await until(() => heldNamespaces().size >= plain + loopbackUp)).toBe(true);
    expect(loOfHeld()).toEqual([...Array(plain).fill("down"), ...Array(loopbackUp).fill("up")]);
  });

  test("a warm sandbox joins a pooled namespace too", async () => {
    await spawn(["/bin/true"], {}, { stdin: "ignore", stdout: "ignore", stderr: "ignore" }).exited;
    expect(await until(() => heldNamespaces().size >= 4)).toBe(true);
    const made = heldNamespaces();
    const box = compile({ fs: { read: ["/usr/lib/python3"] } }, { warm: 1 });
    try {
      await box.warmed();
      const p = box.spawn(["/usr/bin/python3", "-c", inside, String(host.port())], { stdout: "pipe", stderr: "pipe" });
      const out = await result(p as never);
      expect(made.has(out[0]!)).toBe(true);
      expect(out.slice(1)).toEqual(["lo", "lo down", "connect failed"]);
    } finally {
      await box.close();
    }
  });

  test("nothing is left behind: after 40 spawns of both kinds (none and host grants; some failing after the namespace was taken) and drain, this process holds the same fds and threads as before", async () => {
    // cordon's native threads keep the process's name; Bun's own (GC helpers, JIT workers) come and go by name.
    const own = readFileSync("/proc/self/comm", "utf8");
    const threads = () => readdirSync("/proc/self/task").filter((t) => { try { return readFileSync(`/proc/self/task/${t}/comm`, "utf8") === own; } catch { return false; } }).length;
    const quiet = { stdin: "ignore", stdout: "ignore", stderr: "ignore" } as const;
    const hosts = { net: { hosts: [`localhost:${host.port()}`] } };
    const once = (i: number) => spawn(["/bin/true"], i % 2 ? hosts : {}, quiet).exited;
    await once(0);
    await once(1);
    await Bun.sleep(100);
    pool!.drainNetnsPool();
    drainSpares(); // the cgroup sets kept for the next spawns are not this test's
    const before = { fds: fdSet(), threads: threads(), plain: pool!.netnsTaken("plain"), up: pool!.netnsTaken("loopbackUp") };
    for (let i = 0; i < 40; i++) {
      await once(i);
      // Refused at execve, in the child, after it joined its namespace: the fd is closed all the same.
      if (i % 10 === 5) expect(() => spawn(["/nonexistent/command"], i % 20 === 5 ? hosts : {}, quiet)).toThrow("command not found");
    }
    expect(pool!.netnsTaken("plain")).toBeGreaterThan(before.plain + 10);
    expect(pool!.netnsTaken("loopbackUp")).toBeGreaterThan(before.up + 10);
    pool!.drainNetnsPool();
    drainSpares();
    expect(heldNamespaces()).toEqual(new Set());
    expect(await newFds(before.fds)).toEqual([]);
    expect(await until(() => threads() <= before.threads)).toBe(true);
  }, 60_000);
});

describeUnless(notLinux ?? emulated.sandbox ?? linuxRequirement(isRoot ? undefined : "joining a network namespace of the init user namespace needs root"), "JOIN_NETNS in the spawn record", () => {
  const call = (buf: Uint8Array) => linuxFfi!.linux().cordon_linux_spawn(buf, buf);
  const record = (cloneFlags: number, netnsFd: number, flags: number = spawnFfi!.SPAWN_FLAGS.JOIN_NETNS) =>
    spawnFfi!.encodeSpawnRecord({
      path: "/bin/true", argv: ["true"], envp: [], flags, pdeathSignal: 0, cloneFlags, cgroupFd: -1,
      landlockFd: -1, landlockFlags: 0, fds: [], procsFds: [], rlimits: [], uid: 0, gid: 0, netnsFd,
    });
  const scratch = notLinux ? "" : mkdtempSync(join(tmpdir(), "cordon-netns-"));
  afterAll(() => scratch && rmSync(scratch, { recursive: true, force: true }));

  test("refused before anything is cloned: with CLONE_NEWNET as well, with CLONE_NEWUSER, with a negative fd, an fd without the flag; accepted with a namespace and nothing else", async () => {
    const ns = openSync("/proc/self/ns/net", "r");
    try {
      const C = spawnFfi!.CLONE_NEW;
      expect(call(record(C.NET, ns))).toBe(CORDON_E.INVALID_ARGUMENT);
      expect(call(record(C.USER, ns))).toBe(CORDON_E.INVALID_ARGUMENT);
      expect(call(record(C.USER | C.PID, ns))).toBe(CORDON_E.INVALID_ARGUMENT);
      const negative = record(0, ns);
      new DataView(negative.buffer, negative.byteOffset).setInt32(spawnFfi!.SPEC_SIZE - 8, -3, true); // netns_fd
      expect(call(negative)).toBe(CORDON_E.INVALID_ARGUMENT);
      expect(call(record(0, ns, 0))).toBe(CORDON_E.INVALID_ARGUMENT);
      // The same record, well formed, with a new namespace (a helper's, made by unshare -n): it runs.
      const holder = Bun.spawn(["unshare", "--net", "sleep", "30"], { stdio: ["ignore", "ignore", "inherit"] });
      try {
        const own = readlinkSync("/proc/self/ns/net");
        for (let i = 0; i < 200 && readlinkSync(`/proc/${holder.pid}/ns/net`) === own; i++) await Bun.sleep(5);
        const fresh = openSync(`/proc/${holder.pid}/ns/net`, "r");
        try {
          const ok = spawnFfi!.spawnRecord(record(C.PID, fresh), "true");
          spawnFfi!.reapNow(ok.pidfd);
        } finally {
          closeSync(fresh);
        }
      } finally {
        holder.kill(9);
      }
      // The wrappers refuse it too (TypeError before the record).
      expect(() => spawnLinux(["true"], { joinNetns: -1 })).toThrow(TypeError);
    } finally {
      closeSync(ns);
    }
  });

  test("an fd that is no new network namespace (a file, another kind of namespace, the caller's own network namespace): the child refuses it, the spawn fails typed at setns with EINVAL, and nothing runs", () => {
    const marker = join(scratch, "ran");
    const file = openSync(join(scratch, "plain"), "w");
    const uts = openSync("/proc/self/ns/uts", "r");
    const own = openSync("/proc/self/ns/net", "r");
    try {
      for (const fd of [file, uts, own]) {
        let err: unknown;
        try {
          spawnLinux(["sh", "-c", `touch ${marker}`], { joinNetns: fd, cloneNamespaces: spawnFfi!.CLONE_NEW.PID | spawnFfi!.CLONE_NEW.NS });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(OsError);
        expect({ op: (err as OsError).op, name: (err as OsError).errorName }).toEqual({ op: "setns (joining the network namespace)", name: "EINVAL" });
        expect(existsSync(marker)).toBe(false);
      }
    } finally {
      closeSync(file);
      closeSync(uts);
      closeSync(own);
    }
  });
});

describeUnless(notLinux ?? emulated.childBun ?? linuxRequirement(isRoot ? undefined : "running a child Bun as uid 65534 needs root"), "where the pool can make nothing", () => {
  const world = notLinux || emulated.childBun ? undefined : worldReadableCopy(["ffi", "lib"]);
  afterAll(() => world?.remove());
  /** The child's imports: the binding, the lib's pool, spawn. */
  const imports = `
      const ffi = await import("./ffi/linux-netns-pool.ts");
      const pool = await import("./lib/backend/linux/netns-pool.ts");
      const { spawn } = await import("./lib/spawn.ts");`;
  /** Runs `script` in a child Bun (`argv`: a prefix, then Bun) in `cwd`: its JSON line, once it exited 0 with nothing on stderr. */
  async function childJson(argv: string[], script: string, cwd: string, home = tmpdir()): Promise<unknown> {
    const p = Bun.spawn([...argv, "-e", imports + script], { cwd, env: { PATH: "/usr/bin:/bin", HOME: home, TMPDIR: tmpdir() }, stdout: "pipe", stderr: "pipe" });
    const [out, err] = [await new Response(p.stdout).text(), await new Response(p.stderr).text()];
    expect({ code: await p.exited, err }).toEqual({ code: 0, err: "" });
    return JSON.parse(out);
  }

  test("unprivileged (uid 65534): the pool makes nothing (EPERM, kept), and a sandbox still gets a new network namespace, through clone3", async () => {
    const script = `
      const { readlinkSync } = await import("node:fs");
      const fill = ffi.netnsPoolFill("plain", 4);
      await Bun.sleep(200);
      const take = ffi.netnsPoolTake("plain");
      const p = spawn(["/bin/sh", "-c", "readlink /proc/self/ns/net"], {}, { stdout: "pipe" });
      const inner = (await new Response(p.stdout).text()).trim();
      await p.exited;
      console.log(JSON.stringify({ fill, take, refill: ffi.netnsPoolFill("plain", 4), up: [ffi.netnsPoolFill("loopbackUp", 2), ffi.netnsPoolTake("loopbackUp")], taken: pool.netnsTaken(), fresh: inner.startsWith("net:") && inner !== readlinkSync("/proc/self/ns/net") }));`;
    const out = await childJson(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", world!.bun], script, world!.dir, world!.dir);
    const EPERM = -1;
    // fill starts the thread (0); its unshare is refused and kept for both kinds: take and every later fill say so.
    expect(out).toEqual({ fill: 0, take: EPERM, refill: EPERM, up: [EPERM, EPERM], taken: 0, fresh: true });
  }, 30_000);

  testUnless(isRoot ? undefined : "a network namespace without a user namespace needs root", "a host without CAP_NET_ADMIN (lo cannot be brought up): the loopback-up kind fails and is kept so (EPERM), plain namespaces are still made and joined", async () => {
    const script = `
      const upFill = ffi.netnsPoolFill("loopbackUp", 2);
      await Bun.sleep(300);
      const upTake = ffi.netnsPoolTake("loopbackUp");
      for (let i = 0; i < 3; i++) {
        await spawn(["/bin/true"], {}, { stdin: "ignore", stdout: "ignore", stderr: "ignore" }).exited;
        await Bun.sleep(100);
      }
      console.log(JSON.stringify({ upFill, upTake, upRefill: ffi.netnsPoolFill("loopbackUp", 2), plain: pool.netnsTaken("plain") > 0 }));`;
    const out = await childJson(["setpriv", "--bounding-set=-net_admin", process.execPath], script, join(import.meta.dir, "..", ".."));
    const EPERM = -1;
    expect(out).toEqual({ upFill: 0, upTake: EPERM, upRefill: EPERM, plain: true });
  }, 30_000);

  testUnless(isRoot ? undefined : "a network namespace without a user namespace needs root", "a host that lets the pool's thread leave its namespace but not come back (setns refused): it makes nothing more, holds nothing, and spawns get new namespaces through clone3", async () => {
    const { compileSeccomp } = await import("../../lib/plan/linux/seccomp/index.ts");
    const profile = compileSeccomp({ defaultAction: "allow", rules: [{ syscall: "setns", action: { errno: "EPERM" } }] }, process.arch === "arm64" ? "aarch64" : "x86_64");
    const script = `
      const { readdirSync, readlinkSync } = await import("node:fs");
      const own = readlinkSync("/proc/self/ns/net");
      const held = () => readdirSync("/proc/self/fd").filter((fd) => { try { const l = readlinkSync("/proc/self/fd/" + fd); return l.startsWith("net:") && l !== own; } catch { return false; } }).length;
      const fill = ffi.netnsPoolFill("plain", 4);
      await Bun.sleep(300);
      const take = ffi.netnsPoolTake("plain");
      const inner = [];
      for (let i = 0; i < 3; i++) {
        const p = spawn(["/bin/sh", "-c", "readlink /proc/self/ns/net"], {}, { stdout: "pipe" });
        inner.push((await new Response(p.stdout).text()).trim());
        await p.exited;
      }
      const fresh = new Set(inner).size === 3 && inner.every((n) => n.startsWith("net:") && n !== own);
      console.log(JSON.stringify({ fill, take, held: held(), taken: pool.netnsTaken(), fresh, home: readlinkSync("/proc/self/ns/net") === own }));`;
    const p = spawnLinux([process.execPath, "-e", imports + script], {
      cwd: join(import.meta.dir, "..", ".."),
      env: { PATH: "/usr/bin:/bin", HOME: tmpdir(), TMPDIR: tmpdir() },
      stdout: "pipe",
      stderr: "pipe",
      seccomp: { filter: profile.filter, flags: 0 },
    });
    const [out, err] = [await new Response(p.stdout).text(), await new Response(p.stderr).text()];
    expect({ code: await p.exited, err }).toEqual({ code: 0, err: "" });
    // The thread's unshare worked; its way back was refused: it ended at once, its one namespace closed, and the failure is kept.
    expect(JSON.parse(out)).toEqual({ fill: 0, take: -1, held: 0, taken: 0, fresh: true, home: true });
  }, 30_000);
});
