// Namespaces through the spawn spine: pid (with a fresh /proc), net (with and
// without loopback), uts, ipc, and user namespaces with id maps.
import { afterAll, expect, test } from "bun:test";
import { createServer, type Server } from "node:net";
import { hostname } from "node:os";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";

const isRoot = process.getuid?.() === 0;
const { spawnLinux } = notLinux ? ({} as typeof import("../../lib/backend/linux/spawn.ts")) : await import("../../lib/backend/linux/spawn.ts");
const { CLONE_NEW } = notLinux ? ({ CLONE_NEW: {} } as never) : await import("../../ffi/linux-spawn.ts");

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
