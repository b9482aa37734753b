// The sandbox's seccomp rules from issue 16, tried from inside a full
// sandboxed spawn (landlock, namespaces, seccomp as the report says), with the
// host checked afterwards and a positive twin for each: no set-id files in a
// write grant, no listening socket without a bind grant, netlink ROUTE only,
// and x86_64's x32 legacy numbers.
import { afterAll, expect } from "bun:test";
import { chmodSync, chownSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, linuxRequirement, testUnless } from "../helpers/skip.ts";
import { hostArch, PYTHON, seccompUnmet } from "./seccomp-fixture.ts";

const unmet = linuxRequirement(seccompUnmet());
const isRoot = process.getuid?.() === 0;
const { spawn } = await import("../../lib/spawn.ts");
const { CompatError } = await import("../../lib/errors.ts");
type Policy = Parameters<typeof spawn>[1];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function grantDir(): string {
  const d = mkdtempSync(join(tmpdir(), "cordon-seccomp-sandbox-"));
  dirs.push(d);
  return d;
}

/** Runs `argv` sandboxed; `onLine` sees stdout line by line while it runs. */
async function run(argv: string[], policy: Policy, onLine?: (line: string) => void | Promise<void>) {
  const p = spawn(argv, policy, { stdout: "pipe", stderr: "pipe" });
  const lines: string[] = [];
  const reading = (async () => {
    let rest = "";
    for await (const chunk of p.stdout as ReadableStream<Uint8Array>) {
      rest += new TextDecoder().decode(chunk);
      let nl: number;
      while ((nl = rest.indexOf("\n")) >= 0) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        lines.push(line);
        await onLine?.(line);
      }
    }
    if (rest) lines.push(rest);
  })();
  const [err, code] = await Promise.all([new Response(p.stderr as ReadableStream).text(), p.exited, reading]);
  return { code, signal: p.signalCode, lines, err: err.trim(), report: p.report };
}

const statusOf = (report: { guarantees: readonly { guarantee: string; status: string }[] }, id: string) => report.guarantees.find((g) => g.guarantee === id)?.status;

/** Files under `dir` (recursively) whose mode carries S_ISUID or S_ISGID. */
function setIdFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const st = lstatSync(join(dir, name));
    if (!st.isDirectory() && st.mode & 0o6000) out.push(`${name} ${(st.mode & 0o7777).toString(8)} uid ${st.uid}`);
  }
  return out;
}

/** Every set-id planting route; prints "<route> <errno name or ok>" per line. */
const PLANT = String.raw`
import errno, os, stat, sys
W = sys.argv[1]
def attempt(name, fn):
    try: fn(); print(name, "ok")
    except OSError as e: print(name, errno.errorcode.get(e.errno, str(e.errno)))
def copy(dst):
    with open("/bin/sh", "rb") as s, open(dst, "wb") as d: d.write(s.read())
    return dst
attempt("chmod-4755", lambda: os.chmod(copy(W + "/y"), 0o4755))
attempt("chmod-2755", lambda: os.chmod(W + "/y", 0o2755))
def fchmod():
    fd = os.open(W + "/y", os.O_RDONLY)
    try: os.fchmod(fd, 0o6755)
    finally: os.close(fd)
attempt("fchmod-6755", fchmod)
attempt("open-creat-4755", lambda: os.close(os.open(W + "/o", os.O_CREAT | os.O_WRONLY, 0o4755)))
attempt("tmpfile-4755", lambda: os.close(os.open(W, os.O_TMPFILE | os.O_RDWR, 0o4755)))
attempt("mknod-reg-4755", lambda: os.mknod(W + "/m", stat.S_IFREG | 0o4755))
caps = b"\x01\x00\x00\x02" + b"\xff\xff\xff\xff" * 2 + b"\x00" * 8
attempt("setxattr-capability", lambda: os.setxattr(W + "/y", "security.capability", caps))
attempt("setxattr-user", lambda: os.setxattr(W + "/y", "user.cordon", b"1"))
attempt("chown-root-preexisting", lambda: os.chown(W + "/pre", 0, 0))
`;

describeUnless(unmet, `sandbox seccomp rules from inside (${isRoot ? "root" : "unprivileged"} caller)`, () => {
  testUnless(undefined, "set-id planting in a write grant fails by every route (chmod, fchmod, creating open, O_TMPFILE, mknod, file capabilities); the host finds no set-id file", async () => {
    const w = grantDir();
    // A set-id file that was there before the run (owned by nobody when the caller can arrange it).
    writeFileSync(join(w, "pre"), "#!/bin/sh\n");
    chmodSync(join(w, "pre"), 0o4755);
    if (isRoot) chownSync(join(w, "pre"), 65534, 65534);
    chmodSync(join(w, "pre"), 0o4755); // chown clears the bits; set them again
    const r = await run([PYTHON, "-c", PLANT, w], { fs: { write: [w] } });
    expect(r.err).toBe("");
    const got = Object.fromEntries(r.lines.map((l) => l.split(" ") as [string, string]));
    expect(got).toEqual({
      "chmod-4755": "EPERM",
      "chmod-2755": "EPERM",
      "fchmod-6755": "EPERM",
      "open-creat-4755": "EPERM",
      "tmpfile-4755": "EPERM",
      "mknod-reg-4755": "EPERM",
      "setxattr-capability": "ENOTSUP",
      "setxattr-user": "ENOTSUP",
      // No CAP_CHOWN inside; and a chown clears set-id bits in any case.
      "chown-root-preexisting": "EPERM",
    });
    // The host: the copied shell is there, but nothing new carries a set-id bit, and the old file did not become root's.
    expect(setIdFiles(w).filter((f) => !f.startsWith("pre "))).toEqual([]);
    expect(lstatSync(join(w, "y")).mode & 0o7777).toBe(0o644 & ~process.umask());
    if (isRoot) expect(lstatSync(join(w, "pre")).uid).toBe(65534);
    expect(statusOf(r.report, "fs.no-setid-files")).toBe("enforced");
  }, 30_000);

  testUnless(undefined, "own files keep their ordinary modes: chmod 755 and 600, mkdir -m 700, install -m 755, cp -p, in the write grant and in TMPDIR", async () => {
    const w = grantDir();
    writeFileSync(join(w, "src"), "data\n");
    chmodSync(join(w, "src"), 0o640);
    const script = `set -e
      for d in "$W" "$TMPDIR"; do
        cp /bin/sh "$d/run" && chmod 755 "$d/run" && "$d/run" -c true
        echo secret > "$d/key" && chmod 600 "$d/key"
        mkdir -m 700 "$d/private"
        install -m 755 /bin/sh "$d/installed"
        cp -p "$W/src" "$d/copy"
        stat -c '%n %a' "$d/run" "$d/key" "$d/private" "$d/installed" "$d/copy" | sed "s|^$d/||"
      done`;
    const r = await run(["bash", "-c", script], { fs: { write: [w] }, env: { W: w } });
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: "" });
    const modes = ["run 755", "key 600", "private 700", "installed 755", "copy 640"];
    expect(r.lines).toEqual([...modes, ...modes]);
    for (const m of modes) {
      const [name, mode] = m.split(" ");
      expect(`${name} ${(lstatSync(join(w, name!)).mode & 0o7777).toString(8)}`).toBe(`${name} ${mode}`);
    }
  }, 30_000);

  testUnless(isRoot ? undefined : "needs root to run the command as another user", "a non-root user inside (--user nobody) cannot plant a set-id file for others either", async () => {
    const w = grantDir();
    chmodSync(w, 0o777);
    const r = await run(["sh", "-c", `cp /bin/sh "$W/y" && chmod 4755 "$W/y"; echo "chmod=$?"; chmod 2755 "$W/y"; echo "chmod=$?"; stat -c %U "$W/y"`], {
      fs: { write: [w] },
      env: { W: w },
      user: 65534,
    });
    expect(r.lines).toEqual(["chmod=1", "chmod=1", "nobody"]);
    expect(setIdFiles(w)).toEqual([]);
  }, 30_000);

  testUnless(undefined, "--allow-connect without a bind grant: listen() on an unbound TCP socket fails inside (and a unix socket's too); the host gets no inbound connection", async () => {
    const script = String.raw`
import errno, os, socket
def attempt(name, make):
    try:
        s = make(); s.listen(1)
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, str(e.errno)), flush=True); return
    print(name, "port", s.getsockname()[1] if s.family != socket.AF_UNIX else 0, flush=True)
    s.settimeout(5)
    try: c, _ = s.accept(); c.sendall(b"inbound"); c.close(); print(name, "accepted", flush=True)
    except OSError: print(name, "nobody came", flush=True)
attempt("tcp4", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
attempt("tcp6", lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM))
def unix():
    s = socket.socket(socket.AF_UNIX); s.bind(os.environ["TMPDIR"] + "/l.sock"); return s
attempt("unix", unix)
`;
    let inbound = "";
    const r = await run([PYTHON, "-c", script], { net: { connect: [9], bind: [] } }, async (line) => {
      const m = /^tcp\d port (\d+)$/.exec(line);
      if (!m) return;
      // What an outside client would do: connect to the port the sandbox listens on.
      inbound += await new Promise<string>((resolve) => {
        const c = connect(Number(m[1]), "127.0.0.1");
        let data = "";
        c.on("data", (d) => (data += d));
        c.on("close", () => resolve(data));
        c.on("error", (e) => resolve(`error ${e.message}`));
      });
    });
    expect(r.err).toBe("");
    expect(inbound).toBe("");
    // AF_UNIX sockets open only under a private root (else socket() itself is refused): either way, no listener.
    expect(r.lines).toEqual(["tcp4 EACCES", "tcp6 EACCES", "unix EACCES"]);
    expect(statusOf(r.report, "net.tcp-listen-confined")).toBe("enforced");
  }, 30_000);

  testUnless(undefined, "a bind grant: binding and listening on the granted port works and the host connects (best-effort: the report names the unbound-listen gap as partial, and hard mode refuses it)", async () => {
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = probe.port;
    probe.stop(true);
    const policy: Policy = { net: { connect: [], bind: [port] }, compat: "best-effort" };
    const script = String.raw`
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); print("listening", flush=True)
s.settimeout(10); c, _ = s.accept(); c.sendall(b"hello from inside"); c.close(); print("served", flush=True)
`;
    let got = "";
    const r = await run([PYTHON, "-c", script, String(port)], policy, async (line) => {
      if (line !== "listening") return;
      got = await new Promise<string>((resolve) => {
        const c = connect(port, "127.0.0.1");
        let data = "";
        c.on("data", (d) => (data += d));
        c.on("close", () => resolve(data));
        c.on("error", (e) => resolve(`error ${e.message}`));
      });
    });
    expect({ code: r.code, err: r.err, lines: r.lines }).toEqual({ code: 0, err: "", lines: ["listening", "served"] });
    expect(got).toBe("hello from inside");
    expect(statusOf(r.report, "net.tcp-listen-confined")).toBe("partial");
    let refused: unknown;
    try {
      spawn(["true"], { net: { connect: [], bind: [port] } });
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(CompatError);
    expect((refused as InstanceType<typeof CompatError>).missing.map((m) => m.guarantee)).toContain("net.tcp-listen-confined");
  }, 30_000);

  testUnless(undefined, "netlink other than ROUTE fails inside (uevent with a group bind, audit, xfrm, netfilter, connector, generic, sock_diag); route lists the interfaces", async () => {
    const script = String.raw`
import errno, socket
for name, proto, groups in [("uevent", 15, 1), ("audit", 9, 0), ("xfrm", 6, 0), ("netfilter", 12, 0), ("connector", 11, 0), ("generic", 16, 0), ("sock_diag", 4, 0), ("route", 0, 0)]:
    try:
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto); s.bind((0, groups)); s.close(); print(name, "ok")
    except OSError as e: print(name, errno.errorcode.get(e.errno, str(e.errno)))
print("interfaces", "lo" in [n for _, n in socket.if_nameindex()])
`;
    const r = await run([PYTHON, "-c", script], {});
    expect(r.err).toBe("");
    expect(r.lines).toEqual([
      "uevent EACCES", "audit EACCES", "xfrm EACCES", "netfilter EACCES", "connector EACCES", "generic EACCES", "sock_diag EACCES",
      "route ok", "interfaces True",
    ]);
    expect(statusOf(r.report, "net.netlink-route-only")).toBe("enforced");
  }, 30_000);

  testUnless(hostArch === "x86_64" ? undefined : "x32 exists only on x86_64", "x86_64 numbers 514 (x32 ioctl) and 521 (x32 ptrace) end the command with SIGSYS", async () => {
    for (const nr of [514, 521]) {
      const script = `import ctypes; ctypes.CDLL(None).syscall(${nr}, 0, 0, 0); print("survived")`;
      const r = await run([PYTHON, "-c", script], {});
      expect({ nr, lines: r.lines, killed: r.signal === "SIGSYS" || r.code === 128 + 31 }).toEqual({ nr, lines: [], killed: true });
    }
  }, 30_000);
});
