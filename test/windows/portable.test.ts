// The portable API on Windows: spawn() and run() from lib/spawn.ts and the
// CLI, through lib/backend/windows/sandbox.ts. What Wine reproduces
// faithfully — spawn, exit status, stdio, timeout, tree kill through the job,
// kill-on-close when cordon's process dies — is asserted here under Wine and
// on Windows alike. The security rows are asserted as this host gives them:
// enforced on Windows, not enforced under Wine with Wine's measured reason
// (test/windows/wine.test.ts), and refused in hard mode.
import { expect } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { closeHandle } from "../../ffi/windows.ts";
import { exitCode, openProcess, terminateProcess, waitProcess } from "../../ffi/windows-spawn.ts";
import { KILLED_EXIT_CODE } from "../../lib/backend/windows/index.ts";
import { CompatError, OsError } from "../../lib/errors.ts";
import type { Policy } from "../../lib/policy/types.ts";
import type { Report } from "../../lib/report.ts";
import { run, spawn } from "../../lib/spawn.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { bunCommand, bunExe, cleanupAfterEach, foreverScript, lacking, notWindows, readLine, spawnPiped, wine } from "./support.ts";

const T = 60_000;
const root = join(import.meta.dir, "..", "..");
const cleanup = cleanupAfterEach();

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "cordon-portable-"));
  cleanup.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Best-effort policy that can run bun.exe: its directory granted, a granted working directory. */
function policy(extra: Policy = {}): Policy {
  const cwd = tempDir();
  return { compat: "best-effort", ...extra, cwd, fs: { read: [dirname(bunExe), cwd, ...(extra.fs?.read ?? [])], write: extra.fs?.write ?? [] } };
}

/** Rows Wine accepts without enforcing (each with its mechanism's reason); on Windows they are enforced. */
const securityRows = ["fs.read-confined", "fs.write-confined", "fs.exec-confined", "net.none", "proc.mitigations", "ui.confined"];
const lifetimeRows = ["tree.kill", "tree.exit", "handles.listed-only"];

function expectHostReport(report: Report) {
  const row = (id: string) => report.guarantees.find((g) => g.guarantee === id);
  expect(report.platform).toBe(`win32-${process.arch}`);
  for (const id of lifetimeRows) expect({ id, status: row(id)?.status }).toEqual({ id, status: "enforced" });
  for (const id of securityRows) {
    if (wine) expect({ id, ...row(id) }).toMatchObject({ id, status: "not-enforced", reason: expect.stringContaining(`Wine ${wine}`) });
    else expect({ id, status: row(id)?.status }).toEqual({ id, status: "enforced" });
  }
}

/** A command that starts a detached grandchild (outside Bun's own job: only cordon's can end it) and prints its pid. */
const leaveGrandchild = (then: string) =>
  `const g = Bun.spawn([process.execPath, "-e", ${JSON.stringify(foreverScript)}], { stdin: "ignore", stdout: "pipe", detached: true }); ` +
  `await g.stdout.getReader().read(); console.log(g.pid); ${then}`;

/** Reads the first line of a stream. */
async function firstLine(s: unknown): Promise<string> {
  const reader = (s as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const r = await reader.read();
    if (r.done) break;
    text += new TextDecoder().decode(r.value);
  }
  reader.releaseLock();
  return text.split("\n")[0]!.trim();
}

/** A handle on process `pid`, closed after the test. */
function watch(pid: number): bigint {
  const h = openProcess(pid);
  cleanup.push(() => closeHandle(h));
  return h;
}

describeUnless(notWindows, "portable run() and spawn() on Windows", () => {
  testUnless(undefined, "run: cmd /c echo hi prints hi and exits 0; the report gives each row as this host enforces it", async () => {
    const r = await run(["cmd", "/c", "echo", "hi"], policy());
    expect(r.stdout.trim()).toBe("hi");
    expect(r.status).toBe(0);
    expectHostReport(r.report);
  }, T);

  testUnless(undefined, "run: the command's own exit status comes back", async () => {
    expect((await run(["cmd", "/c", "exit", "7"], policy())).status).toBe(7);
    expect((await run([bunExe, "-e", "process.exit(0)"], policy())).status).toBe(0);
  }, T);

  testUnless(undefined, "run: input becomes stdin; stdout and stderr arrive apart", async () => {
    const r = await run([bunExe, "-e", `const t = await Bun.stdin.text(); console.log("out:" + t); console.error("err:" + t)`], policy(), { input: "abc" });
    expect(r.stdout.trim()).toBe("out:abc");
    expect(r.stderr).toContain("err:abc");
    expect(r.stderr).not.toContain("out:");
    expect(r.status).toBe(0);
  }, T);

  testUnless(undefined, "run: a command that never ends is ended by the timeout with status 124", async () => {
    const start = Date.now();
    const r = await run([bunExe, "-e", foreverScript], policy({ limits: { timeoutMs: 1500 } }));
    expect(r.status).toBe(124);
    expect(r.timedOut).toBe(true);
    expect(Date.now() - start).toBeLessThan(30_000);
    expect(r.report.guarantees.find((g) => g.guarantee === "limits.timeoutMs")?.status).toBe("enforced");
  }, T);

  testUnless(undefined, "spawn: what the command leaves behind dies with it (tree kill through the job)", async () => {
    const p = spawn([bunExe, "-e", leaveGrandchild("await Bun.stdin.text(); process.exit(3)")], policy(), { stdin: "pipe", stdout: "pipe", stderr: "ignore" });
    const grand = watch(Number(await firstLine(p.stdout)));
    expect(waitProcess(grand, 0)).toBe(false); // alive while the command runs
    (p.stdin as { end(): void }).end();
    expect(await p.exited).toBe(3);
    expect(p.exitCode).toBe(3);
    expect(waitProcess(grand, T)).toBe(true);
    expect(exitCode(grand)).toBe(KILLED_EXIT_CODE);
  }, T);

  testUnless(undefined, "spawn: kill() ends the whole tree and the status is 137 (SIGKILL)", async () => {
    const p = spawn([bunExe, "-e", leaveGrandchild("setInterval(() => {}, 1000)")], policy(), { stdin: "ignore", stdout: "pipe", stderr: "ignore" });
    const grand = watch(Number(await firstLine(p.stdout)));
    const command = watch(p.pid);
    p.kill();
    expect(await p.exited).toBe(137);
    expect(p.signalCode).toBe("SIGKILL");
    expect(p.exitCode).toBeNull();
    for (const h of [command, grand]) expect(waitProcess(h, T)).toBe(true);
  }, T);

  testUnless(undefined, "spawn: the private TMPDIR is TMP and TEMP inside, writable there, and gone afterwards", async () => {
    const script = `const e = process.env; require("node:fs").writeFileSync(require("node:path").join(e.TEMP, "x.txt"), "x"); console.log(JSON.stringify([e.TMPDIR, e.TMP, e.TEMP, require("node:os").tmpdir()]))`;
    const p = spawn([bunExe, "-e", script], policy(), { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const tmp = p.policy.tmpDir!;
    const out = await new Response(p.stdout as ReadableStream).text();
    expect(await p.exited).toBe(0);
    expect(JSON.parse(out)).toEqual([tmp, tmp, tmp, tmp]);
    // The run's directory (TMPDIR and HOME beneath it) is the write grant, and it goes with the run.
    const runDir = p.policy.runDir ?? tmp;
    expect(tmp.startsWith(runDir)).toBe(true);
    expect(p.policy.fs.write).toContain(runDir);
    expect(existsSync(runDir)).toBe(false);
  }, T);

  testUnless(undefined, "spawn: stdio 'ignore' gives no streams and the command still runs", async () => {
    const dir = tempDir();
    const p = spawn([bunExe, "-e", `console.log("dropped"); require("node:fs").writeFileSync(${JSON.stringify(join(dir, "ran"))}, "1")`], policy({ fs: { write: [dir] } }), { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
    expect(p.stdout).toBeUndefined();
    expect(await p.exited).toBe(0);
    expect(readFileSync(join(dir, "ran"), "utf8")).toBe("1");
  }, T);

  testUnless(undefined, "spawn: a file descriptor other than 0, 1, 2 is refused before anything runs", () => {
    expect(() => spawn(["cmd", "/c", "exit", "0"], policy(), { stdout: 7 })).toThrow("only");
  });

  testUnless(undefined, "spawn: a command not in the sandbox's PATH is ENOENT, a batch file ENOEXEC", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "tool.cmd"), "@echo off\r\necho hi\r\n");
    const err = (argv: string[]) => {
      try {
        spawn(argv, policy({ fs: { read: [dir] } }));
      } catch (e) {
        return e as OsError;
      }
      throw new Error("expected an error");
    };
    expect(err([`cordon-no-such-command-${process.pid}`])).toMatchObject({ op: "execve", errorName: "ENOENT" });
    expect(err([join(dir, "tool.cmd")])).toMatchObject({ op: "execve", errorName: "ENOEXEC" });
    expect(err([join(dir, "tool.cmd")])).toBeInstanceOf(OsError);
  });

  testUnless(undefined, "the tree dies when the process running cordon dies (KILL_ON_JOB_CLOSE)", () => {
    const spawnTs = join(root, "lib", "spawn.ts");
    const cwd = tempDir();
    const runner = spawnPiped({
      commandLine: bunCommand(
        `const { spawn } = await import(${JSON.stringify(spawnTs)}); ` +
          `const p = spawn([process.execPath, "-e", ${JSON.stringify(leaveGrandchild("setInterval(() => {}, 1000)"))}], ` +
          `{ compat: "best-effort", cwd: ${JSON.stringify(cwd)}, fs: { read: [${JSON.stringify(dirname(bunExe))}, ${JSON.stringify(cwd)}] } }, { stdin: "ignore", stdout: "pipe", stderr: "ignore" }); ` +
          `const r = p.stdout.getReader(); let t = ""; while (!t.includes("\\n")) t += new TextDecoder().decode((await r.read()).value); ` +
          `console.log(p.pid + " " + t.trim()); setInterval(() => {}, 1000)`,
      ),
    });
    cleanup.push(() => closeHandle(runner.stdinWrite), () => closeHandle(runner.out), () => closeHandle(runner.process), () => closeHandle(runner.thread));
    const [command, grand] = readLine(runner.out).split(" ").map(Number).map(watch);
    expect(waitProcess(command!, 0)).toBe(false);
    expect(waitProcess(grand!, 0)).toBe(false);
    terminateProcess(runner.process, 1);
    expect(waitProcess(runner.process, T)).toBe(true);
    expect(waitProcess(command!, T)).toBe(true);
    expect(waitProcess(grand!, T)).toBe(true);
  }, T);
});

describeUnless(notWindows, "cordon run on Windows", () => {
  const cli = (...args: string[]) => {
    const r = Bun.spawnSync([bunExe, join(root, "bin", "cordon.ts"), "run", ...args], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
  };

  testUnless(undefined, "cordon run --best-effort -- cmd /c echo hi prints hi through the inherited stdout and exits 0", () => {
    expect(cli("--best-effort", "--", "cmd", "/c", "echo", "hi")).toMatchObject({ code: 0, out: expect.stringMatching(/^hi\s*$/) });
  }, T);

  testUnless(undefined, "cordon run: exit status, timeout 124, not found 127", () => {
    expect(cli("--best-effort", "--", "cmd", "/c", "exit", "5").code).toBe(5);
    expect(cli("--best-effort", `--allow-read=${dirname(bunExe)}`, "--timeout=1", "--", bunExe, "-e", foreverScript)).toMatchObject({ code: 124, err: expect.stringContaining("timeout") });
    expect(cli("--best-effort", "--", `cordon-no-such-command-${process.pid}`)).toMatchObject({ code: 127, err: expect.stringContaining("command not found") });
  }, T);

  const wineRefuses = ["fs.exec-confined", "fs.read-confined", "fs.write-confined", "net.none", "proc.mitigations", "ui.confined"];

  testUnless(notWindows ?? (wine ? undefined : "Wine's refusal; on Windows hard mode runs (next test)"), "hard mode under Wine: spawn() throws a CompatError naming each guarantee Wine does not enforce, and cordon run exits 125", () => {
    let error: unknown;
    try {
      spawn(["cmd", "/c", "echo", "hi"], { ...policy(), compat: "hard" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompatError);
    const missing = (error as CompatError).missing;
    expect(missing.map((m) => m.guarantee).sort()).toEqual(wineRefuses);
    for (const m of missing) expect(m.reason).toContain(`Wine ${wine}`);
    const r = cli("--", "cmd", "/c", "echo", "hi");
    expect(r.code).toBe(125);
    expect(r.out).toBe("");
    for (const id of wineRefuses) expect(r.err).toContain(id);
  }, T);

  testUnless(notWindows ?? (wine ? "Wine enforces none of the security rows, so hard mode refuses there (previous test)" : undefined), "hard mode on Windows runs the default policy: everything it reports is enforced", async () => {
    const r = await run(["cmd", "/c", "echo", "hi"], { ...policy(), compat: "hard" });
    expect(r.stdout.trim()).toBe("hi");
    expect(r.report.guarantees.filter((g) => g.status !== "enforced")).toEqual([]);
  }, T);
});

// What the policy confines, through the portable API. Each runs on Windows and
// skips under Wine with what Wine does with the mechanism behind it.
describeUnless(notWindows, "portable policies on Windows (enforced on Windows)", () => {
  testUnless(lacking("appcontainer", "acl"), "fs: the command reads and writes its grants and nothing beside them", async () => {
    const top = tempDir();
    const readable = join(top, "readable");
    const writable = join(top, "writable");
    const other = join(top, "other");
    for (const d of [readable, writable, other]) mkdirSync(d);
    writeFileSync(join(readable, "ok.txt"), "granted-content");
    writeFileSync(join(other, "secret.txt"), "secret-content");
    const cmd = (...args: string[]) => run(["cmd", "/d", "/c", ...args], policy({ fs: { read: [readable], write: [writable] } }));
    expect((await cmd("type", join(readable, "ok.txt"))).stdout).toContain("granted-content");
    const secret = await cmd("type", join(other, "secret.txt"));
    expect(secret.stdout).not.toContain("secret-content");
    expect(secret.status).not.toBe(0);
    expect((await cmd("echo", "x", ">", join(writable, "w.txt"))).status).toBe(0);
    expect(existsSync(join(writable, "w.txt"))).toBe(true);
    await cmd("echo", "x", ">", join(other, "w.txt"));
    expect(existsSync(join(other, "w.txt"))).toBe(false);
    await cmd("echo", "x", ">", join(readable, "w.txt"));
    expect(existsSync(join(readable, "w.txt"))).toBe(false);
  }, T);

  testUnless(lacking("job-memory"), "limits.memory: an allocation past the tree's limit fails and the run says so; a smaller one succeeds", async () => {
    const alloc = (mib: number) => [bunExe, "-e", `const a = new Uint8Array(${mib} * 2 ** 20); a.fill(1); console.log("allocated")`];
    const limits = { memory: 384 * 2 ** 20 };
    const over = spawn(alloc(768), policy({ limits }), { stdin: "ignore", stdout: "pipe", stderr: "ignore" });
    const out = await new Response(over.stdout as ReadableStream).text();
    await over.exited;
    expect(out).not.toContain("allocated");
    expect(over.limit).toBe("memory limit exceeded");
    const under = await run(alloc(16), policy({ limits }));
    expect(under).toMatchObject({ status: 0, stdout: expect.stringContaining("allocated") });
  }, T);

  testUnless(lacking("job-processes"), "limits.pids: a command limited to one process cannot start a second; limited to two it can", async () => {
    const nested = (pids: number) => run(["cmd", "/d", "/c", "cmd", "/d", "/c", "echo", "nested"], policy({ limits: { pids } }));
    expect((await nested(1)).stdout).not.toContain("nested");
    expect((await nested(2)).stdout).toContain("nested");
  }, T);

  testUnless(lacking("job-time", "job-accounting"), "limits.cpuSeconds: a spin past the tree's CPU time is ended and the run says so; a short one is not", async () => {
    const spin = (ms: number) => [bunExe, "-e", `const t = Date.now(); while (Date.now() - t < ${ms}) {} console.log("spun")`];
    const long = spawn(spin(20_000), policy({ limits: { cpuSeconds: 1 } }), { stdin: "ignore", stdout: "pipe", stderr: "ignore" });
    const out = await new Response(long.stdout as ReadableStream).text();
    expect(await long.exited).toBe(137);
    expect(out).not.toContain("spun");
    expect(long.limit).toBe("cpu limit exceeded");
    expect(await run(spin(100), policy({ limits: { cpuSeconds: 5 } }))).toMatchObject({ status: 0, stdout: expect.stringContaining("spun") });
  }, T);
});

describeUnless(notWindows, "spawn options the Windows backend cannot pass", () => {
  testUnless(undefined, "extra fds (stdio[3]) and argv0 are refused with a SpawnOptionError before anything runs", async () => {
    const { SpawnOptionError } = await import("../../lib/errors.ts");
    expect(() => spawn(["cmd", "/d", "/c", "exit 0"], { compat: "best-effort" }, { stdio: ["ignore", "ignore", "ignore", "pipe"] } as never)).toThrow(SpawnOptionError);
    expect(() => spawn(["cmd", "/d", "/c", "exit 0"], { compat: "best-effort" }, { argv0: "other" } as never)).toThrow(SpawnOptionError);
  });
});
