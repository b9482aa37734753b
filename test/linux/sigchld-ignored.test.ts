// A Bun started with SIGCHLD ignored (a parent's SIG_IGN survives execve)
// has every child reaped by the kernel at its exit, so waitid finds nothing.
// From Linux 6.15 the status is still there for the pidfd (PIDFD_INFO_EXIT):
// cordon reports it; before, such an exit reads 255 with no exit code.
import { expect } from "bun:test";
import { release } from "node:os";
import { join } from "node:path";
import { notLinux, testUnless } from "../helpers/skip.ts";

const [major = 0, minor = 0] = release().split(".").map(Number);
const exitInfo = major > 6 || (major === 6 && minor >= 15);
const root = join(import.meta.dir, "..", "..");

const fixture = `
const { spawnLinux } = await import(${JSON.stringify(join(root, "lib/backend/linux/spawn.ts"))});
const { spawn } = await import(${JSON.stringify(join(root, "lib/spawn.ts"))});
const ignored = (BigInt("0x" + require("fs").readFileSync("/proc/self/status", "utf8").match(/^SigIgn:\\s*(\\S+)/m)[1]) >> 16n) & 1n;
const out = { ignored: Number(ignored) };
out.spine = [await spawnLinux(["sh", "-c", "exit 7"]).exited, await spawnLinux(["sh", "-c", "kill -9 $$"]).exited];
const p = spawnLinux(["sh", "-c", "exit 3"]);
await p.exited;
out.codes = [p.exitCode, p.signalCode];
out.sandbox = await spawn(["sh", "-c", "exit 7"], {}).exited;
try { spawn(["/nonexistent/cmd"], {}); } catch (e) { out.missing = e.name + " " + e.errorName; }
console.log(JSON.stringify(out));
`;

testUnless(notLinux, `with SIGCHLD ignored, exit statuses ${exitInfo ? "still arrive (PIDFD_INFO_EXIT)" : "read 255 (no PIDFD_INFO_EXIT before Linux 6.15)"}, and a failed spawn keeps its own error`, async () => {
  // python3 sets SIG_IGN and execs Bun: the disposition is inherited.
  const launcher = "import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])";
  const p = Bun.spawn(["python3", "-c", launcher, process.execPath, "-e", fixture], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  expect({ code: await p.exited, err }).toEqual({ code: 0, err: "" });
  const r = JSON.parse(out);
  expect(r.ignored).toBe(1);
  expect(r).toEqual(
    exitInfo
      ? { ignored: 1, spine: [7, 137], codes: [3, null], sandbox: 7, missing: "OsError ENOENT" }
      : { ignored: 1, spine: [255, 255], codes: [null, null], sandbox: 255, missing: "OsError ENOENT" },
  );
}, 30_000);
