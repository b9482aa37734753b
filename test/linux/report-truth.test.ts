// The report tells the truth: for every guarantee the Linux backend reports
// "enforced", a fixture tries to break it from inside under that same policy
// and the host is checked afterwards. A guarantee reported enforced that has
// no fixture fails too, so a new guarantee cannot be claimed untested. The
// hostile-host suite runs this file again on each host it emulates
// (unprivileged, container-like, older kernels), where the report changes and
// so does what is tried.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, connect as tcpConnect, type Server } from "node:net";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { hostname, networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import type { Policy } from "../../lib/policy/types.ts";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { spawn } = await import("../../lib/spawn.ts");

const attacks = join(import.meta.dir, "..", "fixtures", "truth", "attacks.py");
const python = "/usr/bin/python3";
const MiB = 1024 * 1024;

/** What the host sets up for the attacks to aim at, and counts what arrived. */
type Host = {
  outside: string;
  readDir: string;
  writeDir: string;
  tcpPort: number;
  otherPort: number;
  bindPort: number;
  udpPort: number;
  /** An address of this host that is not loopback (127.0.0.1 when it has none). */
  hostAddress: string;
  victim: ReturnType<typeof Bun.spawn>;
  abstractName: string;
  arrived: { tcp: number; other: number; udp: number; unix: number; abstract: number };
};

type Scenario = { name: string; policy: Policy };

type Outcome = { lines: string[]; code: number; limit: string | undefined; inbound: number[]; ms: number };

type Fixture = {
  /** Attack specs for attacks.py ("name,arg,..."): every one must print BLOCKED. */
  attacks: (h: Host, s: Scenario) => string[];
  /** Granted twins, run first in the same process: every one must go through. */
  twins?: (h: Host, s: Scenario) => string[];
  /** Host-side evidence of an escape, checked after the run (empty when none). */
  host?: (h: Host, o: Outcome) => string[];
  /** How the run must end (default: exit 0). */
  ends?: (o: Outcome) => string[];
  /** argv instead of attacks.py (tree kill, timeout). */
  argv?: (h: Host) => string[];
};

const counted = (what: keyof Host["arrived"]) => (h: Host) => (h.arrived[what] > 0 ? [`${h.arrived[what]} ${what} connection(s) reached the host`] : []);
const exitedZero = (o: Outcome) => (o.code === 0 ? [] : [`exit ${o.code}`]);
const hasConnectGrant = (s: Scenario) => typeof s.policy.net === "object" && (s.policy.net.connect?.length ?? 0) > 0;
const hasBindGrant = (s: Scenario) => typeof s.policy.net === "object" && (s.policy.net.bind?.length ?? 0) > 0;
const nap = `61.${process.pid}`;

/** One fixture per guarantee id the Linux backend can report. */
const FIXTURES: Record<string, Fixture> = {
  "fs.read-confined": {
    attacks: (h) => [`read,${h.outside}/secret`],
    twins: (h) => [`read,${h.readDir}/file`],
  },
  "fs.write-confined": {
    attacks: (h) => [`write,${h.outside}/new`, `write,${h.readDir}/new`],
    twins: (h) => [`write,${h.writeDir}/ok`],
    host: (h) => [join(h.outside, "new"), join(h.readDir, "new")].filter((p) => existsSync(p)).map((p) => `${p} was created`),
  },
  "fs.exec-confined": {
    attacks: (h) => [`execute,${h.outside}/prog`],
    twins: () => ["execute,/bin/true"],
  },
  "fs.ioctl-dev-confined": {
    // /dev/urandom is in the read set: read, yes; device ioctls, no.
    attacks: () => ["ioctl_dev,/dev/urandom"],
    twins: () => ["read,/dev/urandom"],
  },
  "fs.outside-invisible": {
    attacks: (h) => [`invisible,${h.outside}`],
    twins: (h) => [`read,${h.readDir}/file`],
  },
  "net.none": {
    attacks: (h) => [`tcp_connect,127.0.0.1,${h.tcpPort}`, `udp_send,127.0.0.1,${h.udpPort}`],
    host: (h) => [...counted("tcp")(h), ...counted("udp")(h)],
  },
  "net.hosts-only": {
    // Host grants name localhost:tcpPort only: the other port on this host's loopback (as it is and IPv4-mapped),
    // any UDP and the socket families a network namespace does not hold stay out.
    attacks: (h) => [
      `tcp_connect,127.0.0.1,${h.otherPort}`,
      `tcp_connect,::ffff:127.0.0.1,${h.otherPort}`,
      `udp_send,${h.hostAddress},${h.udpPort}`,
      "socket_family,40,1",
      "socket_family,17,3",
    ],
    twins: (h) => [`tcp_connect,127.0.0.1,${h.tcpPort}`],
    host: (h) => [...counted("other")(h), ...counted("udp")(h)],
  },
  "net.udp-closed": {
    attacks: (h) => [`udp_send,127.0.0.1,${h.udpPort}`],
    host: counted("udp"),
  },
  "net.tcp-connect-confined": {
    attacks: (h) => [`tcp_connect,127.0.0.1,${h.otherPort}`],
    twins: (h, s) => (hasConnectGrant(s) ? [`tcp_connect,127.0.0.1,${h.tcpPort}`] : []),
    host: counted("other"),
  },
  "net.tcp-bind-confined": {
    // bind() to an ungranted port; listen() on an unbound socket is net.tcp-listen-confined's.
    attacks: (h) => [`tcp_listen,${h.otherPort + 1}`],
    twins: (h, s) => (hasBindGrant(s) ? [`tcp_listen,${h.bindPort}`] : []),
    host: (h, o) => {
      const ungranted = o.inbound.filter((port) => port !== h.bindPort);
      return ungranted.length ? [`the host reached listeners inside on ${ungranted.join(", ")}`] : [];
    },
  },
  "net.tcp-listen-confined": {
    // listen() on an unbound socket: the kernel would bind an ephemeral port without asking landlock.
    attacks: () => ["tcp_listen,0"],
    host: (h, o) => {
      const ungranted = o.inbound.filter((port) => port !== h.bindPort);
      return ungranted.length ? [`the host reached a listener inside on ${ungranted.join(", ")}`] : [];
    },
  },
  "net.netlink-route-only": {
    // KOBJECT_UEVENT with a group bind, AUDIT, XFRM, NETFILTER, CONNECTOR, GENERIC; ROUTE is the twin.
    attacks: () => ["netlink,15,1", "netlink,9", "netlink,6", "netlink,12", "netlink,11", "netlink,16"],
    twins: () => ["netlink,0"],
  },
  "fs.no-setid-files": {
    attacks: (h) => [`setid,${h.writeDir}/suid,0o4755`, `setid,${h.writeDir}/sgid,0o2755`, `setid_create,${h.writeDir}/created,0o4755`, `xattr,${h.writeDir}/plain`],
    twins: (h) => [`setid,${h.writeDir}/plain,0o755`],
    host: (h) =>
      readdirSync(h.writeDir)
        .filter((f) => (statSync(join(h.writeDir, f)).mode & 0o6000) !== 0)
        .map((f) => `${f} carries a set-id bit on the host`),
  },
  "fs.deny-confined": {
    // Beneath grants: a denied read in the read grant, a denied write two levels into the write grant (its parent pinned).
    attacks: (h) => [`read,${h.readDir}/denied/secret`, `listdir,${h.readDir}/denied`, `write,${h.writeDir}/sub/kept/file`, `write,${h.writeDir}/sub/kept/new`, `rename,${h.writeDir}/sub,${h.writeDir}/moved`, `rename,${h.writeDir}/sub/kept,${h.writeDir}/sub/moved`],
    twins: (h) => [`read,${h.readDir}/file`, `read,${h.writeDir}/sub/kept/file`, `write,${h.writeDir}/sub/ok`],
    host: (h) => [
      ...(contentOf(join(h.writeDir, "sub", "kept", "file")) === "kept" ? [] : ["the denied file was rewritten"]),
      ...[join(h.writeDir, "moved"), join(h.writeDir, "sub", "moved"), join(h.writeDir, "sub", "kept", "new")].filter((p) => existsSync(p)).map((p) => `${p} exists`),
    ],
  },
  "fs.protected-paths": {
    // The write grant holds a repository: its hooks and config stay read-only, .git itself stays put.
    attacks: (h) => [`write,${h.writeDir}/.git/hooks/pre-commit`, `write,${h.writeDir}/.git/config`, `rename,${h.writeDir}/.git/hooks,${h.writeDir}/.git/h2`, `rename,${h.writeDir}/.git,${h.writeDir}/.git2`],
    twins: (h) => [`write,${h.writeDir}/.git/objects-file`],
    host: (h) => [
      ...(contentOf(join(h.writeDir, ".git", "config")) === "[core]\n" ? [] : [".git/config was rewritten"]),
      ...[join(h.writeDir, ".git", "hooks", "pre-commit"), join(h.writeDir, ".git", "h2"), join(h.writeDir, ".git2")].filter((p) => existsSync(p)).map((p) => `${p} exists`),
    ],
  },
  "ipc.sysv-closed": {
    attacks: () => ["sysv,0x436f7264"],
    host: () => (readFileSync("/proc/sysvipc/shm", "utf8").split("\n").some((l) => l.trim().split(/\s+/)[0] === String(0x436f7264)) ? ["the host sees the segment"] : []),
  },
  "ipc.unix-outside-closed": {
    attacks: (h) => [`unix_connect,${h.outside}/daemon.sock`],
    host: counted("unix"),
  },
  "ipc.unix-path-confined": {
    attacks: (h) => [`unix_connect,${h.outside}/daemon.sock`],
    host: counted("unix"),
  },
  "net.udp-bind-confined": {
    attacks: (h) => [`udp_bind,${h.otherPort + 2}`],
  },
  "net.udp-send-confined": {
    attacks: (h) => [`udp_send,127.0.0.1,${h.udpPort}`],
    host: counted("udp"),
  },
  "ipc.abstract-unix-scoped": {
    attacks: (h) => [`unix_connect,@${h.abstractName}`],
    host: counted("abstract"),
  },
  "ipc.signal-scoped": {
    attacks: (h) => [`signal,${h.victim.pid}`],
    host: (h) => (h.victim.exitCode !== null || h.victim.signalCode !== null ? ["the victim outside was signalled"] : []),
  },
  "ipc.keyring-closed": { attacks: () => ["keyring"] },
  "tty.injection-closed": { attacks: () => ["tiocsti"] },
  "kernel.surface-reduced": { attacks: () => ["kernel_surface"] },
  "kernel.no-user-namespaces": { attacks: () => ["user_namespace"] },
  "proc.outside-hidden": { attacks: () => [`read,/proc/${process.pid}/cmdline`, `read,/proc/${process.pid}/environ`] },
  "privileges.no-new-privs": { attacks: () => ["no_new_privs"] },
  "privileges.no-capabilities": {
    attacks: () => ["capabilities,cordon-evil"],
    host: () => (hostname() === "cordon-evil" ? ["the host was renamed"] : []),
  },
  "tree.kill": {
    // A daemon that leaves its session: it must be gone once the command is.
    argv: () => ["/bin/sh", "-c", `setsid sleep ${nap} </dev/null >/dev/null 2>&1 & sleep 0.1`],
    attacks: () => [],
    host: () => (sleepers().length ? [`a daemon survived: ${sleepers().join(", ")}`] : []),
  },
  "limits.memory": {
    twins: () => [`memory,${4 * MiB}`],
    attacks: () => [`memory,${512 * MiB}`],
    ends: (o) => (o.code === 137 && o.limit === "memory limit exceeded" ? [] : [`ended ${o.code} (${o.limit}), not by the memory limit`]),
  },
  "limits.pids": {
    attacks: () => ["pids,64"],
    ends: exitedZero,
  },
  "limits.cpuSeconds": {
    attacks: () => ["spin"],
    // SIGXCPU (152) from RLIMIT_CPU, or the tree's total seen by the supervisor; well before the wall clock.
    ends: (o) => ((o.code === 152 || o.limit === "cpu limit exceeded") && o.ms < 10_000 ? [] : [`ended ${o.code} (${o.limit}) after ${o.ms} ms, not by the cpu limit`]),
  },
  "limits.timeoutMs": {
    argv: () => ["/bin/sh", "-c", `sleep ${nap} & sleep ${nap}`],
    attacks: () => [],
    ends: (o) => (o.code === 124 ? [] : [`ended ${o.code}, not by the timeout`]),
    host: () => (sleepers().length ? [`a sleeper survived the timeout: ${sleepers().join(", ")}`] : []),
  },
  "limits.openFiles": { attacks: () => ["open_files,200"], twins: () => ["open_files,8"] },
  "limits.fileSize": {
    attacks: (h) => [`file_size,${h.writeDir}/big,${2 * MiB}`],
    twins: (h) => [`file_size,${h.writeDir}/small,1024`],
    host: (h) => (existsSync(join(h.writeDir, "big")) && statSync(join(h.writeDir, "big")).size > MiB ? ["a file over the limit was written"] : []),
  },
};

/** The write grant's carve-outs, made afresh for each fixture: a denied write two levels in, and a repository's protected paths. */
function writeGrantSetUp(h: Host): void {
  mkdirSync(join(h.writeDir, "sub", "kept"), { recursive: true });
  writeFileSync(join(h.writeDir, "sub", "kept", "file"), "kept");
  mkdirSync(join(h.writeDir, ".git", "hooks"), { recursive: true });
  writeFileSync(join(h.writeDir, ".git", "HEAD"), "ref: refs/heads/main\n");
  writeFileSync(join(h.writeDir, ".git", "config"), "[core]\n");
}

/** A file's text, or undefined when it is gone. */
function contentOf(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function sleepers(): string[] {
  return readdirSync("/proc").filter((d) => {
    if (!/^\d+$/.test(d)) return false;
    try {
      return readFileSync(`/proc/${d}/cmdline`, "utf8") === `sleep\u0000${nap}\u0000`;
    } catch {
      return false;
    }
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function listen(count: () => void, where: { port?: number; path?: string }): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer((c) => {
      count();
      c.destroy();
    });
    s.listen(where.path !== undefined ? { path: where.path } : { port: where.port ?? 0, host: "127.0.0.1" }, () => resolve(s));
  });
}

/** Whether the host can open a connection to 127.0.0.1:port (a listener inside reachable from outside). */
function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = tcpConnect({ port, host: "127.0.0.1" });
    const done = (ok: boolean) => {
      c.destroy();
      resolve(ok);
    };
    c.once("connect", () => done(true));
    c.once("error", () => done(false));
    setTimeout(() => done(false), 500);
  });
}

/** Runs the fixture's process under the scenario's policy, reading its lines as they come. */
async function attack(h: Host, s: Scenario, f: Fixture): Promise<Outcome> {
  const specs = [...(f.twins?.(h, s) ?? []), ...f.attacks(h, s)];
  const argv = f.argv?.(h) ?? [python, attacks, ...specs];
  const start = performance.now();
  const p = spawn(argv, s.policy, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const lines: string[] = [];
  const inbound: number[] = [];
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of p.stdout as ReadableStream<Uint8Array>) {
    rest += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = rest.indexOf("\n")) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      const port = line.match(/^PORT (\d+)$/);
      if (port && (await reachable(Number(port[1])))) inbound.push(Number(port[1]));
      else if (!port) lines.push(line);
    }
  }
  await new Response(p.stderr as ReadableStream).text();
  const code = await p.exited;
  return { lines, code, limit: p.limit, inbound, ms: performance.now() - start };
}

/** What went wrong in one fixture's run: escapes inside, refused twins, host evidence, a wrong ending. */
function verdict(h: Host, s: Scenario, f: Fixture, o: Outcome): string[] {
  const nTwins = f.twins?.(h, s).length ?? 0;
  const nAttacks = f.attacks(h, s).length;
  const twins = o.lines.slice(0, nTwins);
  const attacked = o.lines.slice(nTwins);
  const problems: string[] = [];
  for (const t of twins) if (!t.startsWith("ESCAPED")) problems.push(`granted twin refused: ${t}`);
  for (const a of attacked) if (!a.startsWith("BLOCKED")) problems.push(`attack went through: ${a}`);
  // A process killed by its limit prints nothing for the attack: that is the limit holding.
  if (!f.ends && attacked.length < nAttacks) problems.push(`only ${attacked.length} of ${nAttacks} attacks answered: ${o.lines.join(" | ")}`);
  problems.push(...(f.host?.(h, o) ?? []), ...(f.ends ?? exitedZero)(o));
  return problems;
}

describeUnless(notLinux, "report truth: every guarantee reported enforced holds against an attack from inside", () => {
  const h = {} as Host;
  const servers: Server[] = [];
  let udp: UdpSocket;
  beforeAll(async () => {
    h.outside = mkdtempSync(join(tmpdir(), "cordon-truth-outside-"));
    h.readDir = mkdtempSync(join(tmpdir(), "cordon-truth-read-"));
    h.writeDir = mkdtempSync(join(tmpdir(), "cordon-truth-write-"));
    writeFileSync(join(h.outside, "secret"), "secret");
    writeFileSync(join(h.readDir, "file"), "granted");
    // Carve-outs: a denied read beneath the read grant; the write grant's are made by writeGrantSetUp.
    mkdirSync(join(h.readDir, "denied"));
    writeFileSync(join(h.readDir, "denied", "secret"), "secret");
    writeGrantSetUp(h);
    copyFileSync("/bin/true", join(h.outside, "prog"));
    chmodSync(join(h.outside, "prog"), 0o755);
    for (const d of [h.outside, h.readDir, h.writeDir]) chmodSync(d, 0o777);
    h.arrived = { tcp: 0, other: 0, udp: 0, unix: 0, abstract: 0 };
    h.abstractName = `cordon-truth-${process.pid}`;
    const tcp = await listen(() => h.arrived.tcp++, {});
    const other = await listen(() => h.arrived.other++, {});
    servers.push(tcp, other);
    servers.push(await listen(() => h.arrived.unix++, { path: join(h.outside, "daemon.sock") }));
    servers.push(await listen(() => h.arrived.abstract++, { path: `\0${h.abstractName}` }));
    h.tcpPort = (tcp.address() as { port: number }).port;
    h.otherPort = (other.address() as { port: number }).port;
    h.bindPort = await freePort();
    udp = createSocket("udp4");
    udp.on("message", () => h.arrived.udp++);
    await new Promise<void>((r) => udp.bind(0, "127.0.0.1", r));
    h.udpPort = udp.address().port;
    h.hostAddress = Object.values(networkInterfaces()).flat().find((i) => i && i.family === "IPv4" && !i.internal)?.address ?? "127.0.0.1";
    h.victim = Bun.spawn(["sleep", "600"]);
  });
  afterAll(() => {
    for (const s of servers) s.close();
    udp?.close();
    h.victim?.kill();
    for (const d of [h.outside, h.readDir, h.writeDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  const fs = () => ({ read: [join(import.meta.dir, "..", "fixtures", "truth"), h.readDir], write: [h.writeDir], denyRead: [join(h.readDir, "denied")], denyWrite: [join(h.writeDir, "sub", "kept")] });

  const scenarios = (): Scenario[] => [
    { name: "no network", policy: { fs: fs(), net: "none", compat: "best-effort" } },
    { name: "TCP ports", policy: { fs: fs(), net: { connect: [h.tcpPort], bind: [h.bindPort] }, compat: "best-effort" } },
    { name: "a TCP connect port only", policy: { fs: fs(), net: { connect: [h.tcpPort] }, compat: "best-effort" } },
    { name: "host grants", policy: { fs: fs(), net: { hosts: [`localhost:${h.tcpPort}`] }, compat: "best-effort" } },
    { name: "limits", policy: { fs: fs(), limits: { memory: 64 * MiB, pids: 16, cpuSeconds: 1, openFiles: 32, fileSize: MiB, timeoutMs: 30_000 }, compat: "best-effort" } },
    { name: "a short timeout", policy: { fs: fs(), limits: { timeoutMs: 400 }, compat: "best-effort" } },
  ];

  for (const name of ["no network", "TCP ports", "a TCP connect port only", "host grants", "limits", "a short timeout"]) {
    test(`${name}: each enforced guarantee survives its attack, and the host shows nothing got out`, async () => {
      const s = scenarios().find((x) => x.name === name)!;
      const probe = spawn(["/bin/true"], s.policy, { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
      await probe.exited;
      const enforced = probe.report.guarantees.filter((g) => g.status === "enforced").map((g) => g.guarantee);
      // "a short timeout" exists for the timeout fixture; the others ran in the scenarios above.
      const ids = name === "a short timeout" ? ["limits.timeoutMs"] : enforced.filter((id) => id !== "limits.timeoutMs");
      expect(ids.filter((id) => !FIXTURES[id])).toEqual([]); // a guarantee reported enforced without a fixture
      const failures: Record<string, string[]> = {};
      for (const id of ids) {
        const f = FIXTURES[id]!;
        for (const k of Object.keys(h.arrived) as (keyof Host["arrived"])[]) h.arrived[k] = 0;
        const o = await attack(h, s, f);
        const problems = verdict(h, s, f, o);
        if (problems.length) failures[id] = problems;
        for (const d of readdirSync(h.writeDir)) rmSync(join(h.writeDir, d), { recursive: true, force: true });
        writeGrantSetUp(h);
      }
      expect(failures).toEqual({});
      expect(enforced.length).toBeGreaterThan(0);
    }, 120_000);
  }
});

describe("report truth fixtures", () => {
  test("the fixture table names only guarantees some Linux plan can report", () => {
    // Every id in the table appears in the Linux planners' sources (a renamed guarantee leaves no stale fixture).
    const sources = ["lib/plan/linux/sandbox.ts", "lib/plan/linux/egress.ts", "lib/plan/linux/containment.ts", "lib/plan/linux/landlock/guarantees.ts", "lib/plan/carve.ts"]
      .map((f) => readFileSync(join(import.meta.dir, "..", "..", f), "utf8"))
      .join("\n");
    expect(Object.keys(FIXTURES).filter((id) => !sources.includes(`"${id}"`))).toEqual([]);
  });
});

