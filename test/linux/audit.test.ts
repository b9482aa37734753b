// `cordon audit` on this kernel: the default policy blocks every channel the
// sandbox closes (the outside canaries counting nothing), the channels that
// stay open are reported as reachable with what would close them, the
// positive twins (network granted, a write grant) are reachable and counted
// outside, nothing is left behind and every canary is removed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, constants, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditReport } from "../../lib/audit/index.ts";
import type { Policy } from "../../lib/policy/types.ts";
import { sysvKeys } from "../../lib/audit/canaries.ts";
import { hostStateChannels } from "../../lib/audit/channels-host.ts";
import { describeUnless, linuxRequirement } from "../helpers/skip.ts";
import { worldReadableCopy, type WorldReadableCopy } from "../helpers/world-readable.ts";

const python = linuxRequirement(existsSync("/usr/bin/python3") ? undefined : "no /usr/bin/python3 (both halves of the audit use it)");
const isRoot = process.getuid?.() === 0;
const hostState = new Set(hostStateChannels.map((c) => c.id));
const sysctl = (name: string): number | undefined => {
  try {
    return Number(readFileSync(`/proc/sys/${name}`, "utf8"));
  } catch {
    return undefined;
  }
};

/** Nothing of a run on the host: no SysV object with its keys, no live key, no file or socket with its nonce. */
function tracesOf(nonce: string): string[] {
  const found: string[] = [];
  const keys = Object.values(sysvKeys(nonce));
  for (const kind of ["shm", "msg", "sem"]) {
    for (const line of readFileSync(`/proc/sysvipc/${kind}`, "utf8").split("\n").slice(1)) {
      if (keys.includes(Number(line.trim().split(/\s+/)[0]))) found.push(`sysv ${kind}: ${line.trim()}`);
    }
  }
  for (const line of readFileSync("/proc/keys", "utf8").split("\n")) {
    if (line.includes(nonce) && !/[iRD]/.test(line.trim().split(/\s+/)[1] ?? "")) found.push(`key: ${line.trim()}`);
  }
  for (const dir of ["/tmp", "/var/tmp", "/dev/shm", process.env.HOME ?? "/nonexistent"]) {
    try {
      for (const e of readdirSync(dir)) if (e.includes(nonce)) found.push(join(dir, e));
    } catch {
      // not on this host
    }
  }
  for (const line of readFileSync("/proc/net/unix", "utf8").split("\n")) if (line.includes(nonce)) found.push(`socket: ${line.trim()}`);
  return found;
}

// ---- the host-state rows against the kernel ------------------------------------------
// Each row's verdict is compared with an attempt made here, independently of
// the audit's probe, under the same policy: reachable exactly when that
// attempt got through, so a row that says "blocked by X" is one whose attack
// really failed. (Which rows are blocked depends on the sandbox; the
// assertions hold either way.)

/** A Python program of test/fixtures/audit/, as text for python3 -c (the sandbox never opens the file). */
const fixture = (name: string): string => readFileSync(join(import.meta.dir, "..", "fixtures", "audit", name), "utf8");

/** A python3 script run inside a sandbox of `policy`; its last stdout line, parsed. */
async function inside(policy: Policy, src: string, args: unknown = {}): Promise<Record<string, unknown>> {
  const { run } = await import("../../lib/spawn.ts");
  const res = await run(["/usr/bin/python3", "-I", "-c", src, JSON.stringify(args)], policy);
  if (res.status !== 0) throw new Error(`inside script exited ${res.status}: ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

const SETID_SRC = fixture("setid.py");
const SETID_ROWS: Record<string, [string, number]> = { "fs.setid.chmod-suid": ["suid", 0o4000], "fs.setid.chmod-sgid": ["sgid", 0o2000], "fs.setid.create-suid": ["creat", 0o4000], "fs.setid.fcaps": ["fcaps", 0] };

/** A row's verdict next to what the attempt made here says it should be; the ones that differ. */
type Check = { readonly id: string; readonly verdict: string | undefined; readonly expected: string; readonly why: string };
const disagreeing = (checks: Check[]) => checks.filter((c) => c.verdict !== c.expected).map((c) => `${c.id}: audit says ${c.verdict}, the attempt here says ${c.expected} (${c.why})`);

function setidChecks(r: AuditReport, got: Record<string, unknown>): Check[] {
  return Object.entries(SETID_ROWS).map(([id, [kind, bit]]) => {
    const worked = bit === 0 ? got[kind] === true : typeof got[kind] === "number" && ((got[kind] as number) & bit) !== 0;
    return { id, verdict: r.rows.find((x) => x.channel === id)?.verdict, expected: worked ? "reachable" : "blocked", why: JSON.stringify(got[kind]) };
  });
}

const DEV_SRC = fixture("devices.py");

const OPEN_SRC = fixture("opens.py");
const NETLINK_ROWS: Record<string, number> = { kobject_uevent: 15, audit: 9, xfrm: 6, netfilter: 12, connector: 11, generic: 16 };

const LISTEN_SRC = fixture("listen.py");

/** Whether an outside connection reaches a listen() without bind() inside a sandbox of `policy`. */
async function inboundWorks(policy: Policy): Promise<boolean> {
  const { spawn } = await import("../../lib/spawn.ts");
  const { LineReader } = await import("../../lib/audit/lines.ts");
  const { connectFromOutside } = await import("../../lib/audit/host-state.ts");
  const proc = spawn(["/usr/bin/python3", "-I", "-c", LISTEN_SRC], policy, { stdin: "ignore", stdout: "pipe", stderr: "ignore" });
  const lines = new LineReader(proc.stdout as ReadableStream<Uint8Array>);
  const first = (await lines.next()) ?? "";
  if (first.startsWith("port ")) await connectFromOutside(Number(first.slice(5)), "hello");
  const rest = [];
  for (let l = await lines.next(); l !== undefined; l = await lines.next()) rest.push(l);
  await proc.exited;
  return rest.includes("accepted hello");
}

const SWAP_SRC = fixture("report-swap.py");

/** Whether `cordon run --report` in a write grant writes where the command swapped the path to. */
async function reportFollows(mode: "symlink" | "fifo"): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), "cordon-audit-report-"));
  const grant = join(dir, "grant");
  const target = join(dir, "target");
  const report = join(grant, "r.json");
  mkdirSync(grant);
  writeFileSync(target, "untouched\n");
  const bin = join(import.meta.dir, "..", "..", "bin", "cordon.ts");
  const p = Bun.spawn([process.execPath, bin, "run", `--allow-write=${grant}`, `--report=${report}`, "--", "/usr/bin/python3", "-I", "-c", SWAP_SRC, JSON.stringify({ mode, report, target })], { stdout: "ignore", stderr: "ignore" });
  let bytes = 0;
  let fd: number | undefined;
  const drain = () => {
    try {
      if (fd === undefined && lstatSync(report).isFIFO()) fd = openSync(report, constants.O_RDONLY | constants.O_NONBLOCK);
      const buf = Buffer.alloc(65536);
      for (let n = fd === undefined ? 0 : readSync(fd, buf); n > 0; n = readSync(fd!, buf)) bytes += n;
    } catch {
      // not there yet, or nothing to read yet
    }
  };
  const poll = setInterval(drain, 10);
  const killer = setTimeout(() => p.kill("SIGKILL"), 15_000);
  await p.exited;
  clearInterval(poll);
  clearTimeout(killer);
  drain();
  if (fd !== undefined) closeSync(fd);
  const changed = readFileSync(target, "utf8") !== "untouched\n";
  rmSync(dir, { recursive: true, force: true });
  return mode === "symlink" ? changed : bytes > 0 || p.signalCode === "SIGKILL";
}

describeUnless(python, `cordon audit, default policy (${isRoot ? "root" : "unprivileged"})`, () => {
  let r: AuditReport;
  const verdict = (id: string) => r.rows.find((row) => row.channel === id)?.verdict;
  beforeAll(async () => {
    const { audit } = await import("../../lib/audit/index.ts");
    r = await audit({});
  });

  test("the probe ran to its end and every row has a verdict with evidence", () => {
    expect(r.notes[0]).toBe("inside probe exited 0");
    expect(r.rows.length).toBeGreaterThan(50);
    for (const row of r.rows) {
      expect(["blocked", "reachable", "partial", "n/a", "error"]).toContain(row.verdict);
      expect(row.evidence.length).toBeGreaterThan(0);
    }
    expect(r.rows.filter((row) => row.verdict === "error")).toEqual([]);
  });

  const closed = [
    "fs.tmp", "fs.var_tmp", "fs.dev_shm", "fs.home", "fs.outside.create", "fs.outside.read",
    "fs.meta.chmod.outside", "fs.meta.utimes.outside", "fs.meta.xattr.outside", "fs.notify.inotify", "fs.notify.fanotify",
    "fs.proc.self", "fs.sys.cgroup",
    "ipc.sysv.shm", "ipc.sysv.msg", "ipc.sysv.sem", "ipc.sysv.persist", "ipc.posix.mq", "ipc.posix.mq.create", "ipc.posix.shm",
    "sock.unix.path.stream", "sock.unix.path.dgram", "sock.unix.abstract.connect",
    "net.tcp", "net.udp.send", "net.udp.bind", "net.netlink.sock_diag",
    "key.user.search", "key.user.add", "key.session",
    "proc.other.cmdline", "sig.other", "tty.tiocsti",
    "kern.io_uring", "kern.userfaultfd", "kern.perf", "kern.bpf", "kern.mount",
    "g.sysvipc", "inherit.fds",
    // Capabilities are dropped inside, root or not.
    "uts.sethostname",
  ];
  test("closed channels are blocked, each with the mechanism that blocked it", () => {
    const wrong = closed.filter((id) => verdict(id) !== "blocked").map((id) => `${id}: ${verdict(id)} (${r.rows.find((x) => x.channel === id)?.evidence})`);
    expect(wrong).toEqual([]);
    for (const id of closed) expect(r.rows.find((x) => x.channel === id)!.mechanism!.length).toBeGreaterThan(3);
  });

  test("two-sided rows: every outside canary counted nothing", () => {
    // The host-state rows are checked against the kernel below.
    const counted = r.rows.filter((row) => row.receipt !== undefined && !hostState.has(row.channel));
    expect(counted.map((row) => row.channel).sort()).toEqual(
      ["fs.dev_shm", "fs.home", "fs.outside.create", "fs.tmp", "fs.var_tmp", "ipc.posix.mq", "ipc.sysv.msg", "ipc.sysv.persist", "ipc.sysv.sem", "ipc.sysv.shm", "net.tcp", "net.udp.send", "sock.unix.abstract.connect", "sock.unix.path.dgram", "sock.unix.path.stream"].filter((id) => id !== "fs.home" || process.env.HOME),
    );
    expect(counted.filter((row) => row.receipt !== 0)).toEqual([]);
  });

  test("kernel symbol addresses read as zero without CAP_SYSLOG unless the host shows them to everyone", () => {
    const procReadable = r.report!.guarantees.find((g) => g.guarantee === "proc.outside-hidden")!.by.includes("private procfs");
    const toEveryone = procReadable && sysctl("kernel/kptr_restrict") === 0 && (sysctl("kernel/perf_event_paranoid") ?? 2) <= 1;
    expect(verdict("kern.kallsyms")).toBe(toEveryone ? "reachable" : "blocked");
  });

  test("the seccomp-closed channels are blocked by seccomp, not by chance", () => {
    for (const id of ["ipc.sysv.shm", "ipc.posix.mq", "key.user.add", "kern.io_uring", "kern.bpf", "tty.tiocsti", "net.netlink.sock_diag"]) {
      expect(`${id}: ${r.rows.find((x) => x.channel === id)!.mechanism}`).toContain("seccomp");
    }
  });

  test("known open channels are reported reachable, each saying what would close it", () => {
    const open = ["fs.flock.read-granted"];
    const meta = ["fs.meta.chmod.read-granted", "fs.meta.utimes.read-granted"];
    // xattr writes are refused by seccomp everywhere (no file capabilities or ACLs from inside).
    for (const id of ["fs.meta.xattr.read-granted", "fs.meta.xattr.outside"]) expect(`${id}: ${verdict(id)}`).toBe(`${id}: blocked`);
    // With a private root and /proc (namespaces here), /proc is readable and AF_UNIX sockets are allowed inside;
    // read grants are read-only mounts there, so metadata changes fail with EROFS.
    const privateRoot = r.report!.guarantees.find((g) => g.guarantee === "proc.outside-hidden")!.by.includes("private procfs");
    // net none in an empty network namespace: /proc/net/unix lists only the sandbox's own sockets.
    const netNs = r.report!.guarantees.find((g) => g.guarantee === "net.none")?.by.some((b) => b.startsWith("network namespace"));
    if (netNs) expect(verdict("g.net.unix")).toBe("blocked");
    if (privateRoot) {
      open.push("g.loadavg", "g.key-users", ...(netNs ? [] : ["g.net.unix"]), "sock.unix.abstract.bind");
      for (const id of meta) expect(`${id}: ${verdict(id)}`).toBe(`${id}: blocked`);
    } else open.push(...meta);
    if ((sysctl("vm/memfd_noexec") ?? 0) < 2) open.push("mem.memfd.exec");
    const wrong = open.filter((id) => verdict(id) !== "reachable").map((id) => `${id}: ${verdict(id)}`);
    expect(wrong).toEqual([]);
    for (const id of open) expect(r.rows.find((x) => x.channel === id)!.mechanism!.length).toBeGreaterThan(5);
    // New user namespaces are refused inside by seccomp (clone/unshare CLONE_NEWUSER, clone3 ENOSYS).
    expect(verdict("kern.userns")).toBe("blocked");
  });

  test("set-id planting without a write grant is tried in the private TMPDIR: reachable exactly when a set-id file can be made there", async () => {
    expect(disagreeing(setidChecks(r, await inside({}, SETID_SRC, { dir: null })))).toEqual([]);
    for (const id of Object.keys(SETID_ROWS)) expect(r.rows.find((x) => x.channel === id)!.evidence).toContain("private TMPDIR");
  });

  test("by design: the private TMPDIR, socketpair and route queries are granted; no write grant means n/a", () => {
    for (const id of ["fs.tmpdir.private", "sock.unix.pair", "net.netlink.route"]) {
      expect(r.rows.find((x) => x.channel === id)).toMatchObject({ verdict: "reachable", byDesign: true });
    }
    expect(verdict("fs.write-grant")).toBe("n/a");
  });

  test("nothing is left behind and every canary is gone", () => {
    expect(r.leftovers).toEqual([]);
    expect(r.teardown.remaining).toEqual([]);
    expect(r.teardown.removed).toEqual(expect.arrayContaining(["sysv-shm", "sysv-msg", "sysv-sem", "posix-mq", "posix-shm", "key"]));
    expect(tracesOf(r.nonce)).toEqual([]);
  });
});

describeUnless(python, "cordon audit, positive twins", () => {
  let r: AuditReport;
  let granted: string;
  beforeAll(async () => {
    const { audit } = await import("../../lib/audit/index.ts");
    granted = mkdtempSync(join(tmpdir(), "cordon-audit-grant-"));
    try {
      r = await audit({ net: "all", fs: { write: [granted] } });
    } finally {
      // The audit removes its file; the directory is the test's.
      expect(readdirSync(granted)).toEqual([]);
      rmSync(granted, { recursive: true, force: true });
    }
  });

  test("with the network granted, TCP and UDP to the outside canaries are reachable and counted there", () => {
    for (const id of ["net.tcp", "net.udp.send"]) {
      const row = r.rows.find((x) => x.channel === id)!;
      expect(row.verdict).toBe("reachable");
      expect(row.receipt).toBeGreaterThan(0);
    }
    expect(r.rows.find((x) => x.channel === "net.udp.bind")!.verdict).toBe("reachable");
  });

  test("with the network granted, inbound through listen() is reachable, confirmed outside and granted by design", () => {
    expect(r.rows.find((x) => x.channel === "net.tcp.listen")).toMatchObject({ verdict: "reachable", receipt: 1, byDesign: true });
  });

  test("with a write grant, creating a file there is reachable and confirmed outside", () => {
    expect(r.rows.find((x) => x.channel === "fs.write-grant")).toMatchObject({ verdict: "reachable", receipt: 1, byDesign: true });
  });

  test("grants open nothing else: IPC, keys, unix sockets and files outside stay blocked", () => {
    for (const id of ["ipc.sysv.shm", "ipc.posix.mq", "key.user.search", "sock.unix.path.stream", "sock.unix.abstract.connect", "fs.tmp", "fs.outside.read"]) {
      expect(`${id}: ${r.rows.find((x) => x.channel === id)!.verdict}`).toBe(`${id}: blocked`);
    }
  });

  test("nothing is left behind and every canary is gone", () => {
    expect(r.leftovers).toEqual([]);
    expect(r.teardown.remaining).toEqual([]);
    expect(tracesOf(r.nonce)).toEqual([]);
  });
});

const asNobody = isRoot ? (Bun.which("setpriv") ? undefined : "setpriv(1) not installed") : "switching to another uid needs root";

describeUnless(python ?? asNobody, "cordon audit as an unprivileged user (uid 65534)", () => {
  let r: AuditReport;
  let world: WorldReadableCopy | undefined;
  afterAll(() => world?.remove());
  beforeAll(async () => {
    // From a copy uid 65534 can reach: the checkout may sit under a directory only root enters.
    world = worldReadableCopy(["ffi", "lib", "bin"]);
    const p = Bun.spawn(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", world.bun, join(world.dir, "bin", "cordon.ts"), "audit", "--json"], {
      cwd: tmpdir(),
      env: { ...process.env, HOME: tmpdir() },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    if (p.exitCode !== 0) throw new Error(`cordon audit as uid 65534 exited ${p.exitCode}: ${err}`);
    r = JSON.parse(out) as AuditReport;
  });
  const verdict = (id: string) => r.rows.find((row) => row.channel === id)?.verdict;

  test("the seccomp-closed channels stay blocked and the canaries count nothing", () => {
    const closed = [
      "fs.tmp", "fs.var_tmp", "fs.dev_shm", "fs.outside.create", "fs.outside.read",
      "ipc.sysv.shm", "ipc.sysv.msg", "ipc.sysv.sem", "ipc.sysv.persist", "ipc.posix.mq", "ipc.posix.mq.create",
      "sock.unix.path.stream", "sock.unix.path.dgram", "sock.unix.abstract.connect", "net.tcp", "net.udp.send", "net.netlink.sock_diag",
      "key.user.search", "key.user.add", "key.session", "sig.other", "tty.tiocsti", "kern.io_uring", "kern.bpf", "kern.mount", "uts.sethostname",
    ];
    expect(closed.filter((id) => verdict(id) !== "blocked").map((id) => `${id}: ${verdict(id)}`)).toEqual([]);
    expect(r.rows.filter((row) => row.receipt !== undefined && row.receipt !== 0 && !hostState.has(row.channel))).toEqual([]);
    expect(r.rows.filter((row) => row.verdict === "error")).toEqual([]);
    for (const c of hostStateChannels) expect(`${c.id}: ${r.rows.some((row) => row.channel === c.id)}`).toBe(`${c.id}: true`);
  });

  test("without a private root, metadata changes and watches outside every grant are reported reachable", () => {
    const privateRoot = r.report!.guarantees.find((g) => g.guarantee === "proc.outside-hidden")!.by.includes("private procfs");
    const rows = ["fs.meta.chmod.outside", "fs.meta.utimes.outside", "fs.notify.inotify"];
    for (const id of rows) expect(`${id}: ${verdict(id)}`).toBe(`${id}: ${privateRoot ? "blocked" : "reachable"}`);
  });

  test("nothing is left behind and every canary is gone", () => {
    expect(r.leftovers).toEqual([]);
    expect(r.teardown.remaining).toEqual([]);
    expect(tracesOf(r.nonce).filter((t) => !t.startsWith("key:"))).toEqual([]);
  });
});

describeUnless(python, "cordon audit, host-state rows against the kernel (a connect grant and a write grant, no bind grant)", () => {
  let r: AuditReport;
  let granted: string;
  const policy = (): Policy => ({ net: { connect: [9] }, fs: { write: [granted] } });
  const row = (id: string) => r.rows.find((x) => x.channel === id)!;
  beforeAll(async () => {
    const { audit } = await import("../../lib/audit/index.ts");
    granted = mkdtempSync(join(tmpdir(), "cordon-audit-grant-"));
    r = await audit(policy());
  });

  test("every host-state row is there with a verdict and evidence, none an error", () => {
    for (const c of hostStateChannels) {
      const x = r.rows.find((y) => y.channel === c.id);
      expect(`${c.id}: ${x ? x.verdict : "missing"}`).toMatch(new RegExp(`^${c.id.replace(/\./g, "\\.")}: (blocked|reachable|partial|n/a)$`));
      expect(x!.evidence.length).toBeGreaterThan(10);
    }
  });

  test("set-id planting in the write grant: reachable exactly when a set-id file could be made there; the host saw it", async () => {
    const got = await inside(policy(), SETID_SRC, { dir: realpathSync(granted) });
    expect(disagreeing(setidChecks(r, got))).toEqual([]);
    for (const id of Object.keys(SETID_ROWS)) if (row(id).verdict === "reachable") expect(row(id).receipt).toBe(1);
    // The audit removed its files; the grant is the test's.
    expect(readdirSync(granted)).toEqual([]);
  });

  test("device-node metadata: reachable exactly when the change reached the host's own node, which is unchanged afterwards", async () => {
    const { hostFacts, snapshotDevices } = await import("../../lib/audit/host-state.ts");
    const devices = hostFacts(undefined).devices;
    const before = snapshotDevices(devices);
    const got = (await inside(policy(), DEV_SRC, { devices })) as Record<string, Record<string, string>>;
    const checks = ["chmod", "chown", "utimes"].map((op) => {
      const worked = Object.entries(got[op]!).some(([p, id]) => before.get(p)?.id === id);
      return { id: `dev.meta.${op}`, verdict: row(`dev.meta.${op}`).verdict, expected: worked ? "reachable" : "blocked", why: JSON.stringify(got[op]) };
    });
    expect(disagreeing(checks)).toEqual([]);
    const after = snapshotDevices(devices);
    for (const [p, was] of before) expect(`${p} ${after.get(p)?.mode.toString(8)} ${after.get(p)?.uid}`).toBe(`${p} ${was.mode.toString(8)} ${was.uid}`);
    expect(r.leftovers.filter((l) => l.kind === "device")).toEqual([]);
  });

  test("inbound through listen() without bind(): reachable exactly when an outside connection arrives", async () => {
    const works = await inboundWorks(policy());
    expect(`net.tcp.listen: ${row("net.tcp.listen").verdict}`).toBe(`net.tcp.listen: ${works ? "reachable" : "blocked"}`);
    if (!works) expect(row("net.tcp.listen").mechanism!.length).toBeGreaterThan(5);
  });

  test("key files, root-only /proc files and netlink families: reachable exactly when opening them works", async () => {
    const { hostFacts } = await import("../../lib/audit/host-state.ts");
    const facts = hostFacts(process.env.HOME);
    const groups = { "fs.keys.tls": facts.keys.tls, "fs.keys.ssh-host": facts.keys.sshHost, "fs.keys.ssh-user": facts.keys.sshUser };
    const args = { files: Object.values(groups).flatMap((g) => g.files), dirs: Object.values(groups).flatMap((g) => g.dirs), proc: facts.rootOnlyProc, netlink: Object.values(NETLINK_ROWS) };
    const got = (await inside(policy(), OPEN_SRC, args)) as Record<string, Record<string, boolean>>;
    const checks: Check[] = [];
    for (const [id, g] of Object.entries(groups)) {
      const opened = g.files.some((f) => got.files![f]);
      const listed = g.dirs.some((d) => got.dirs![d]);
      const expected = opened ? "reachable" : g.files.length === 0 && listed ? "partial" : g.files.length + g.dirs.length === 0 ? "n/a" : "blocked";
      checks.push({ id, verdict: row(id).verdict, expected, why: `${g.files.length} files, ${g.dirs.length} directories the caller can read` });
    }
    for (const p of ["/proc/slabinfo", "/proc/timer_list", "/proc/vmallocinfo", "/proc/pagetypeinfo"]) {
      const id = `proc.root.${p.slice(6)}`;
      checks.push({ id, verdict: row(id).verdict, expected: !facts.rootOnlyProc.includes(p) ? "n/a" : got.proc![p] ? "reachable" : "blocked", why: `read ${p}` });
    }
    for (const [name, proto] of Object.entries(NETLINK_ROWS)) {
      const id = `net.netlink.${name}`;
      // Opened in a private network namespace, a family is partial: its state is the sandbox's own.
      const verdict = row(id).verdict === "partial" ? "reachable" : row(id).verdict;
      checks.push({ id, verdict, expected: got.netlink![String(proto)] ? "reachable" : "blocked", why: `socket(AF_NETLINK, ${proto})` });
    }
    expect(disagreeing(checks)).toEqual([]);
  });

  test("the report file: reachable exactly when cordon run writes through a planted symlink or into a planted FIFO", async () => {
    const [symlink, fifo] = await Promise.all([reportFollows("symlink"), reportFollows("fifo")]);
    expect(`report.symlink: ${row("report.symlink").verdict}`).toBe(`report.symlink: ${symlink ? "reachable" : "blocked"}`);
    expect(`report.fifo: ${row("report.fifo").verdict}`).toBe(`report.fifo: ${fifo ? "reachable" : "blocked"}`);
  });

  test("nothing is left behind and every canary is gone", () => {
    expect(r.leftovers).toEqual([]);
    expect(r.teardown.remaining).toEqual([]);
    expect(tracesOf(r.nonce)).toEqual([]);
    rmSync(granted, { recursive: true, force: true });
  });
});
