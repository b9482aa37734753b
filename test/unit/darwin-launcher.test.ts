// cordon-exec's OS-neutral steps, run for real on Linux with a musl build of
// the same source (zig-out/test-launcher/): argument handling, setsid,
// rlimits, uid, execve and its error reporting. Seatbelt and pledge are
// refused off their OS; their behaviour is tested in test/darwin/.
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describeUnless, emulated, notLinux, testUnless } from "../helpers/skip.ts";

const launcher = join(import.meta.dir, "..", "..", "zig-out", "test-launcher", "cordon-exec");
/** Linux's RLIMIT_NOFILE (macOS and the BSDs use 8). */
const RLIMIT_NOFILE = 7;

async function run(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn([launcher, ...args], { stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin", ...env } });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, stdout, stderr };
}

/** Field 6 of /proc/<pid>/stat: the session id. */
const session = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[3]);

describeUnless(notLinux, "cordon-exec on the Linux host", () => {
  test("the test build exists (zig build makes it on Linux)", () => {
    expect(existsSync(launcher)).toBe(true);
  });

  test("execs the program with its arguments and the caller's environment", async () => {
    const r = await run(["--", "/bin/sh", "-c", 'echo "$0 $1 $MARK"', "zero", "one"], { MARK: "kept" });
    expect(r).toEqual({ code: 0, stdout: "zero one kept\n", stderr: "" });
  });

  testUnless(emulated.procStat, "--setsid makes the program lead a new session; without it the session is inherited", async () => {
    const own = await run(["--setsid", "--", "/bin/sh", "-c", "cut -d' ' -f6 /proc/$$/stat; echo $$"]);
    const [sid, pid] = own.stdout.trim().split("\n");
    expect(sid).toBe(pid);
    const inherited = await run(["--", "/bin/sh", "-c", "cut -d' ' -f6 /proc/$$/stat"]);
    expect(Number(inherited.stdout.trim())).toBe(session(process.pid));
  });

  test("--rlimit applies before exec, soft and hard", async () => {
    const r = await run(["--rlimit", String(RLIMIT_NOFILE), "48", "64", "--", "/bin/sh", "-c", "ulimit -Sn; ulimit -Hn"]);
    expect(r.stdout).toBe("48\n64\n");
  });

  test("a limit the kernel refuses stops the launch with exit 125", async () => {
    const r = await run(["--rlimit", String(RLIMIT_NOFILE), "64", "32", "--", "/bin/true"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toStartWith("cordon-exec: setrlimit: errno 22");
  });

  testUnless(process.getuid?.() === 0 ? undefined : "setuid needs root", "--user drops groups, gid and uid before exec", async () => {
    const r = await run(["--user", "65534", "65534", "--", "/bin/sh", "-c", "id -u; id -g; id -G"]);
    expect(r.stdout).toBe("65534\n65534\n65534\n");
  });

  test("refusals: relative program, missing program, unknown flag, other OSes' mechanisms", async () => {
    const cases: [string[], string][] = [
      [["--", "true"], "the program must be an absolute path"],
      [["--", "/nonexistent/program"], "execve: errno 2"],
      [["--frobnicate", "--", "/bin/true"], "arguments: --frobnicate"],
      [["/bin/true"], "arguments: /bin/true"],
      [["--profile", "(version 1)", "--", "/bin/true"], "Seatbelt exists only on macOS"],
      [["--param", "K", "V", "--", "/bin/true"], "not a mechanism of this OS"],
      [["--unveil", "/", "r", "--", "/bin/true"], "not a mechanism of this OS"],
      [["--pledge", "stdio", "stdio", "--", "/bin/true"], "pledge exists only on OpenBSD"],
      [["--rlimit", "7", "1", "--", "/bin/true"], "--rlimit"],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect({ args, code: r.code, says: r.stderr.includes(message) }).toEqual({ args, code: 125, says: true });
    }
  });
});
