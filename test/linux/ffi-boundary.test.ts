// The Linux FFI boundary under hostile input: malformed spawn records, fds
// that could block a child step, seccomp flags that make execve wait for a
// supervisor that does not exist, fd arguments that bun:ffi would coerce
// (2^32 + 5 → 5, NaN → 0), a closed exit-watcher epoll fd, and values that
// are not numbers. Each case that could crash or hang runs in a child Bun
// process with a deadline, so a crash or a hang fails the test, not the run.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, linuxRequirement, notLinux, testUnless } from "../helpers/skip.ts";

const root = join(import.meta.dir, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "cordon-ffi-boundary-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `body` (top-level await allowed) in a fresh Bun; `mod(x)` imports a repository file. */
async function inChild(body: string, timeoutMs = 15_000): Promise<{ out: string; err: string; code: number | null; signal: string | null; ms: number }> {
  const file = join(scratch, `case-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, `const mod = (p) => import(${JSON.stringify(root + "/")} + p);\n${body}`);
  const started = Date.now();
  const p = Bun.spawn([process.execPath, file], { stdout: "pipe", stderr: "pipe", timeout: timeoutMs, killSignal: "SIGKILL" });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  await p.exited;
  return { out: out.trim(), err, code: p.exitCode, signal: p.signalCode, ms: Date.now() - started };
}

/** Lines "key value" printed by a child case, as a map. */
const lines = (out: string) => Object.fromEntries(out.split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]));

const isRoot = process.getuid?.() === 0;

describeUnless(notLinux, "spawn record: empty tables", () => {
  test("an empty fds, rlimits, view or procs table at an unaligned offset is never dereferenced: the record spawns", async () => {
    const r = await inChild(`
      const { encodeSpawnRecord, reapNow } = await mod("ffi/linux-spawn.ts");
      const { linux } = await mod("ffi/linux.ts");
      // fds_off 72, procs_off 80, rlimits_off 88, view_off 120; each count stays 0.
      for (const [name, at] of [["fds", 72], ["procs", 80], ["rlimits", 88], ["view", 120]]) {
        for (const off of [153, 0xfffffffd]) {
          const rec = encodeSpawnRecord({ path: "/bin/true", argv: ["true"], envp: [], flags: 0, pdeathSignal: 0, cloneFlags: 0, cgroupFd: -1,
            landlockFd: -1, landlockFlags: 0, fds: [], procsFds: [], rlimits: [], uid: 0, gid: 0 });
          new DataView(rec.buffer).setUint32(at, off, true);
          const rc = linux().cordon_linux_spawn(rec, rec);
          if (rc > 0) reapNow(new DataView(rec.buffer).getInt32(140, true));
          console.log(name + "@" + off, rc > 0 ? "spawned" : rc);
        }
      }`);
    expect(r.signal).toBeNull();
    expect(lines(r.out)).toEqual({
      "fds@153": "spawned", "fds@4294967293": "spawned",
      "procs@153": "spawned", "procs@4294967293": "spawned",
      "rlimits@153": "spawned", "rlimits@4294967293": "spawned",
      "view@153": "spawned", "view@4294967293": "spawned",
    });
  }, 30_000);
});
