// `cordon run` end to end: exit codes, stdio passing through, the private
// TMPDIR, flags that reach the command, and the report file.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless } from "../helpers/skip.ts";
import { cordon, noSandbox, root } from "./helpers.ts";

const scratch = realpathSync(mkdtempSync(join(tmpdir(), "cordon-run-test-")));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describeUnless(noSandbox, "cordon run exit codes", () => {
  test("0: the command's success, stdout passes straight through", async () => {
    const r = await cordon(["run", "--", "sh", "-c", "echo hello from inside"]);
    expect(r).toEqual({ code: 0, stdout: "hello from inside\n", stderr: "" });
  });

  test("N: the command's own exit code, stderr passes through", async () => {
    const r = await cordon(["run", "--", "sh", "-c", "echo oops >&2; exit 7"]);
    expect(r.code).toBe(7);
    expect(r.stderr).toBe("oops\n");
  });

  test("128+N when the command dies of signal N: a fault the kernel raises (SIGSEGV, 139)", async () => {
    // perl reads through a pointer to address 1.
    const r = await cordon(["run", "--", "perl", "-e", 'unpack("p", pack("Q", 1))']);
    expect(r.code).toBe(128 + 11);
  });

  /** Starts `cordon run -- sh -c SCRIPT`, resolved once the command printed "ready". */
  async function started(script: string) {
    const p = Bun.spawn([process.execPath, join(root, "bin", "cordon.ts"), "run", "--", "sh", "-c", script], { stdout: "pipe", stderr: "pipe" });
    const first = await p.stdout.getReader().read();
    expect(new TextDecoder().decode(first.value)).toBe("ready\n");
    return p;
  }

  test("128+N: SIGTERM to cordon reaches the command, which dies of it (143); cordon itself exits normally", async () => {
    const p = await started("echo ready; sleep 60");
    p.kill("SIGTERM");
    expect(await p.exited).toBe(143);
    expect(p.signalCode).toBeNull();
  }, 30_000);

  test("a command that ignores the signal: a second signal to cordon kills the tree (137)", async () => {
    const p = await started("trap '' TERM; echo ready; sleep 60");
    p.kill("SIGTERM");
    p.kill("SIGINT"); // a different signal: two pending SIGTERMs would merge into one
    expect(await p.exited).toBe(137);
    expect(p.signalCode).toBeNull();
  }, 30_000);

  test("124 when the wall clock runs out, even with a background child holding on", async () => {
    const r = await cordon(["run", "--timeout=0.5", "--", "sh", "-c", "sleep 60 & sleep 60"]);
    expect(r.code).toBe(124);
  }, 30_000);

  test("the limit that ended the tree is named on one cordon: line (timeout 124, memory 137)", async () => {
    const t = await cordon(["run", "--timeout=0.3", "--", "sleep", "30"]);
    expect({ code: t.code, stderr: t.stderr.trim() }).toEqual({ code: 124, stderr: "cordon: timeout" });
    const { cgroupHost } = await import("../../lib/backend/linux/cgroup/probe.ts");
    const h = cgroupHost();
    if (!(h.v1.memory || h.v2?.controllers.includes("memory"))) return; // refused in hard mode instead: covered by the 125 tests
    const m = await cordon(["run", "--memory=64M", "--", "/usr/bin/python3", "-c", "b = bytearray(300 << 20)"]);
    expect({ code: m.code, last: m.stderr.trim().split("\n").at(-1) }).toEqual({ code: 137, last: "cordon: memory limit exceeded" });
  }, 30_000);

  test("127 when the command is not found, named on one cordon: line", async () => {
    const r = await cordon(["run", "--", "no-such-command-cordon"]);
    expect(r.code).toBe(127);
    expect(r.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^cordon: no-such-command-cordon: /)]);
  });

  test("126 when the command is found but not executable", async () => {
    const dir = join(scratch, "noexec");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "script"), "#!/bin/sh\necho no\n");
    chmodSync(join(dir, "script"), 0o644);
    const r = await cordon(["run", `--allow-read=${dir}`, "--", join(dir, "script")]);
    expect(r.code).toBe(126);
    expect(r.stderr).toMatch(/^cordon: /);
  });
});

describeUnless(noSandbox, "cordon run flags reach the command", () => {
  test("a private TMPDIR, writable, removed afterwards", async () => {
    const r = await cordon(["run", "--", "sh", "-c", 'echo "$TMPDIR"; touch "$TMPDIR/x" && ls -A "$TMPDIR"']);
    expect(r.code).toBe(0);
    const [dir, listing] = r.stdout.trimEnd().split("\n");
    expect(dir).toMatch(/cordon-/);
    expect(listing).toBe("x");
    expect(existsSync(dir!)).toBe(false);
  });

  test("--env sets a variable; the caller's passes only when --allow-env names it", async () => {
    const script = 'echo "$GREETING/$FROM_CALLER"';
    const r = await cordon(["run", "--env=GREETING=hi there", "--", "sh", "-c", script], { env: { FROM_CALLER: "yes" } });
    expect(r.stdout).toBe("hi there/\n");
    const named = await cordon(["run", "--env=GREETING=hi there", "--allow-env=FROM_CALLER", "--", "sh", "-c", script], { env: { FROM_CALLER: "yes" } });
    expect(named.stdout).toBe("hi there/yes\n");
  });

  test("--cwd sets the working directory", async () => {
    // A --cwd must be granted (an ungranted one is refused: test/linux/inside-sandbox.test.ts).
    const r = await cordon(["run", `--cwd=${scratch}`, `--allow-read=${scratch}`, "--", "sh", "-c", "pwd"]);
    expect(r.stdout).toBe(`${scratch}\n`);
  });

  test("--allow-write grants a directory; writing elsewhere is denied", async () => {
    const granted = join(scratch, "granted");
    const other = join(scratch, "other");
    mkdirSync(granted, { recursive: true });
    mkdirSync(other, { recursive: true });
    const ok = await cordon(["run", `--allow-write=${granted}`, "--", "sh", "-c", `echo data > ${granted}/f`]);
    expect(ok.code).toBe(0);
    expect(readFileSync(join(granted, "f"), "utf8")).toBe("data\n");
    const denied = await cordon(["run", `--allow-write=${granted}`, "--", "sh", "-c", `echo data > ${other}/f`]);
    expect(denied.code).not.toBe(0);
    expect(existsSync(join(other, "f"))).toBe(false);
  });

  test("--allow-read grants reading; a file outside every grant stays unreadable", async () => {
    const dir = join(scratch, "readable");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "secret"), "s3cret");
    expect((await cordon(["run", `--allow-read=${dir}`, "--", "cat", join(dir, "secret")])).stdout).toBe("s3cret");
    expect((await cordon(["run", "--", "cat", join(dir, "secret")])).code).not.toBe(0);
  });

  test("--report writes the enforcement report and the outcome as JSON", async () => {
    const file = join(scratch, "report.json");
    const r = await cordon(["run", `--report=${file}`, "--", "sh", "-c", "exit 3"]);
    expect(r.code).toBe(3);
    const report = JSON.parse(readFileSync(file, "utf8"));
    expect(report.platform).toBeString();
    expect(report.compat).toBe("hard");
    expect(report.guarantees.length).toBeGreaterThan(0);
    for (const g of report.guarantees) expect(["enforced", "partial", "not-enforced"]).toContain(g.status);
    expect(report.outcome).toMatchObject({ status: 3, exitCode: 3, timedOut: false });
  });

  test("--report that cannot be written: 125, named, and the command never runs", async () => {
    const marker = join(scratch, "report-unwritable-ran");
    for (const file of [join(scratch, "missing-dir", "r.json"), scratch]) {
      const r = await cordon(["run", `--report=${file}`, `--allow-write=${scratch}`, "--", "touch", marker]);
      expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 125, stderr: expect.stringMatching(new RegExp(`^cordon: --report: cannot write ${file}: (ENOENT|EISDIR)$`)) });
      expect(existsSync(marker)).toBe(false);
    }
  });

  test("--best-effort is recorded in the report", async () => {
    const file = join(scratch, "best-effort.json");
    await cordon(["run", "--best-effort", `--report=${file}`, "--", "true"]);
    expect(JSON.parse(readFileSync(file, "utf8")).compat).toBe("best-effort");
  });
});

/** A listener outside the sandbox on 127.0.0.1; answers "pong". */
function listener() {
  return Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void s.end("pong"), data() {} } });
}

/** perl (perl-base, on every Debian-like system) as the network client inside the sandbox: exit 3 when refused. */
const perl = Bun.which("perl");
const connectArgv = (port: number) => ["perl", "-MIO::Socket::INET", "-e", `IO::Socket::INET->new(PeerAddr => "127.0.0.1:${port}", Proto => "tcp") or do { print STDERR "$!\\n"; exit 3 }; print "connected\\n"`];
const bindArgv = (port: number) => ["perl", "-MIO::Socket::INET", "-e", `IO::Socket::INET->new(LocalAddr => "127.0.0.1:${port}", Proto => "tcp", Listen => 1, ReuseAddr => 1) or do { print STDERR "$!\\n"; exit 3 }; print "bound\\n"`];

describeUnless(noSandbox ?? (perl ? undefined : "needs perl(1) as a network client"), "cordon run network flags", () => {
  test("default: no network, a listener outside is unreachable", async () => {
    const server = listener();
    try {
      const r = await cordon(["run", "--", ...connectArgv(server.port)]);
      expect(r.code).toBe(3);
    } finally {
      server.stop(true);
    }
  });

  test("--allow-net: the listener is reachable", async () => {
    const server = listener();
    try {
      const r = await cordon(["run", "--allow-net", "--", ...connectArgv(server.port)]);
      expect(r.stdout).toBe("connected\n");
    } finally {
      server.stop(true);
    }
  });

  test("--allow-connect=PORT: that port only", async () => {
    const [a, b] = [listener(), listener()];
    try {
      const ok = await cordon(["run", `--allow-connect=${a.port}`, "--", ...connectArgv(a.port)]);
      expect(ok.stdout).toBe("connected\n");
      const denied = await cordon(["run", `--allow-connect=${a.port}`, "--", ...connectArgv(b.port)]);
      expect(denied.code).toBe(3);
    } finally {
      a.stop(true);
      b.stop(true);
    }
  });

  test("--allow-bind=PORT: that port only", async () => {
    const probe = listener();
    const port = probe.port;
    probe.stop(true);
    // A bind grant also allows listen(), whose auto-bind no host confines: hard mode refuses it, best-effort runs.
    const ok = await cordon(["run", "--best-effort", `--allow-bind=${port}`, "--", ...bindArgv(port)]);
    expect(ok.stdout).toBe("bound\n");
    const denied = await cordon(["run", "--best-effort", `--allow-bind=${port}`, "--", ...bindArgv(port === 65535 ? port - 1 : port + 1)]);
    expect(denied.code).toBe(3);
  });
});

describeUnless(noSandbox, "cordon run limits", () => {
  test("--memory: the tree is OOM-killed (137) past the limit", async () => {
    const r = await cordon(["run", "--memory=32M", "--", "sh", "-c", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived"]);
    expect(r.stdout).not.toContain("survived");
    expect(r.code).toBe(137);
  }, 60_000);

  test("--pids: forks past the limit fail", async () => {
    const r = await cordon(["run", "--pids=4", "--", "sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait"]);
    expect(r.stderr).toMatch(/fork|resource temporarily unavailable/i);
  }, 30_000);

  test("--cpu: a busy loop is stopped by the CPU-time limit (SIGXCPU or SIGKILL)", async () => {
    const r = await cordon(["run", "--cpu=1", "--", "sh", "-c", "while :; do :; done"]);
    expect([128 + 24, 128 + 9]).toContain(r.code);
  }, 60_000);

  test("--file-size=1.5K: a write of 1536 bytes succeeds, one byte more is stopped (SIGXFSZ/EFBIG); nothing past it on disk", async () => {
    const out = join(scratch, "fsize");
    mkdirSync(out);
    const write = (n: number) => `head -c ${n} /dev/zero > ${out}/f${n} 2>/dev/null; echo "${n} $?"`;
    const r = await cordon(["run", "--file-size=1.5K", `--allow-write=${out}`, "--", "sh", "-c", `trap '' XFSZ; ${write(1536)}; ${write(1537)}`]);
    expect(r.code).toBe(0);
    const [ok, cut] = r.stdout.trim().split("\n");
    expect(ok).toBe("1536 0");
    expect(cut).not.toBe("1537 0");
    expect(readFileSync(join(out, "f1536")).length).toBe(1536);
    expect(readFileSync(join(out, "f1537")).length).toBe(1536);
  });

  test("--cpu and --timeout take durations: --cpu=1m is RLIMIT_CPU 60 s inside; --timeout=300ms cuts sleep 5 (124)", async () => {
    const cpu = await cordon(["run", "--cpu=1m", "--", "sh", "-c", "ulimit -t"]);
    expect({ code: cpu.code, stdout: cpu.stdout }).toEqual({ code: 0, stdout: "60\n" });
    const started = performance.now();
    const cut = await cordon(["run", "--timeout=300ms", "--", "sleep", "5"], { timeoutMs: 20_000 });
    expect(cut.code).toBe(124);
    expect(performance.now() - started).toBeLessThan(4500);
  });

  describeUnless(process.getuid?.() === 0 ? undefined : "switching users needs root", "--user", () => {
    test("--user=65534:65534 runs the command as that uid and gid", async () => {
      const r = await cordon(["run", "--user=65534:65534", "--", "sh", "-c", "id -u; id -g"]);
      expect(r.stdout).toBe("65534\n65534\n");
    });
  });
});

/** The landlock backend plans for at most this ABI (its debug and test option), so a refusal can be provoked on a newer kernel. */
const capBelowHost = async (): Promise<string | undefined> => {
  if (noSandbox) return noSandbox;
  const { landlockAbiVersion } = await import("../../ffi/linux.ts");
  return landlockAbiVersion() >= 6 ? undefined : `needs landlock ABI >= 6 to plan for 3, this kernel has ${landlockAbiVersion()}`;
};
const compatReason = await capBelowHost();

describeUnless(compatReason, "hard and best-effort", () => {
  const capped = { CORDON_LANDLOCK_ABI_CAP: "3" };

  test("hard (default): a guarantee this host cannot enforce → 125, named, nothing runs, the refusal is reported", async () => {
    const marker = join(scratch, "hard-ran");
    const file = join(scratch, "refused.json");
    const r = await cordon(["run", `--report=${file}`, `--allow-write=${scratch}`, "--allow-connect=80", "--", "touch", marker], { env: capped });
    expect(r.code).toBe(125);
    expect(r.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^cordon: cannot enforce on this host: .*net\.connect_tcp/)]);
    expect(existsSync(marker)).toBe(false);
    const report = JSON.parse(readFileSync(file, "utf8"));
    expect(report.compat).toBe("hard");
    expect(report.refused.map((m: { guarantee: string }) => m.guarantee)).toContain("landlock net.connect_tcp");
  });

  test("--best-effort: runs anyway and the report says what is missing", async () => {
    const marker = join(scratch, "best-effort-ran");
    const file = join(scratch, "partial.json");
    const r = await cordon(["run", "--best-effort", `--report=${file}`, `--allow-write=${scratch}`, "--allow-connect=80", "--", "touch", marker], { env: capped });
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    const report = JSON.parse(readFileSync(file, "utf8"));
    expect(report.compat).toBe("best-effort");
    const gaps = report.guarantees.filter((g: { status: string }) => g.status !== "enforced");
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) expect(g.reason).toBeString();
  });
});
