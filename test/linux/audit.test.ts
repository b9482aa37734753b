// `cordon audit` on this kernel: the default policy blocks every channel the
// sandbox closes (the outside canaries counting nothing), the channels that
// stay open are reported as reachable with what would close them, the
// positive twins (network granted, a write grant) are reachable and counted
// outside, nothing is left behind and every canary is removed.
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditReport } from "../../lib/audit/index.ts";
import { sysvKeys } from "../../lib/audit/canaries.ts";
import { describeUnless, linuxRequirement } from "../helpers/skip.ts";

const python = linuxRequirement(existsSync("/usr/bin/python3") ? undefined : "no /usr/bin/python3 (both halves of the audit use it)");
const isRoot = process.getuid?.() === 0;
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
    const counted = r.rows.filter((row) => row.receipt !== undefined);
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
    const meta = ["fs.meta.chmod.read-granted", "fs.meta.utimes.read-granted", "fs.meta.xattr.read-granted"];
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
  beforeAll(async () => {
    const bin = join(import.meta.dir, "..", "..", "bin", "cordon.ts");
    const p = Bun.spawn(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, bin, "audit", "--json"], {
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
    expect(r.rows.filter((row) => row.receipt !== undefined && row.receipt !== 0)).toEqual([]);
    expect(r.rows.filter((row) => row.verdict === "error")).toEqual([]);
  });

  test("without a private root, metadata changes and watches outside every grant are reported reachable", () => {
    const privateRoot = r.report!.guarantees.find((g) => g.guarantee === "proc.outside-hidden")!.by.includes("private procfs");
    const rows = ["fs.meta.chmod.outside", "fs.meta.utimes.outside", "fs.meta.xattr.outside", "fs.notify.inotify"];
    for (const id of rows) expect(`${id}: ${verdict(id)}`).toBe(`${id}: ${privateRoot ? "blocked" : "reachable"}`);
  });

  test("nothing is left behind and every canary is gone", () => {
    expect(r.leftovers).toEqual([]);
    expect(r.teardown.remaining).toEqual([]);
    expect(tracesOf(r.nonce).filter((t) => !t.startsWith("key:"))).toEqual([]);
  });
});
