// The procctl reaper on FreeBSD: a daemonized (double-forked, setsid)
// descendant stays in the sandbox's subtree and dies with it; kqueue
// NOTE_TRACK follows forks; rctl refusals are reported, not hidden.
import { expect, test } from "bun:test";
import { closeSync, readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kqueue, NOTE, procDrain, procWatchStatus, racctProbe, reapPids } from "../../ffi/freebsd.ts";
import { statusName } from "../../ffi/status.ts";
import { sandboxSpawn } from "../../lib/backend/freebsd/sandbox.ts";
import { resolvePolicy } from "../../lib/resolve-policy.ts";
import { describeUnless } from "../helpers/skip.ts";

const notFreebsd = process.platform === "freebsd" ? undefined : `needs FreeBSD, this is ${process.platform}`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function eventually(cond: () => boolean, tries = 200): Promise<boolean> {
  for (let i = 0; i < tries && !cond(); i++) await Bun.sleep(25);
  return cond();
}

describeUnless(notFreebsd, "freebsd reaper", () => {
  test("a daemonized descendant stays in the subtree and is killed with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cordon-reap-"));
    const pidfile = join(dir, "pid");
    const { policy, cleanup } = resolvePolicy({ compat: "best-effort", fs: { write: [dir] } });
    try {
      const { proc } = sandboxSpawn(["/bin/sh", "-c", `daemon -p '${pidfile}' /bin/sleep 60; exec /bin/sleep 60`], policy);
      expect(await eventually(() => readFileSafe(pidfile) !== "")).toBe(true);
      const daemonized = Number(readFileSafe(pidfile));
      // It left the session and its parent, but not the reaper's subtree.
      expect(reapPids().find((p) => p.pid === daemonized)?.subtree).toBe(proc.pid);
      proc.kill();
      await proc.exited;
      expect(await eventually(() => !alive(daemonized))).toBe(true);
    } finally {
      cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("NOTE_TRACK attaches the watch to forked children (NOTE_CHILD)", async () => {
    const kq = kqueue();
    try {
      const sh = Bun.spawn(["/bin/sh", "-c", "read x; /bin/sleep 0"], { stdin: "pipe" });
      expect(procWatchStatus(kq, sh.pid, NOTE.EXIT | NOTE.FORK | NOTE.TRACK)).toBe(0);
      sh.stdin.end();
      await sh.exited;
      const events: { pid: number; fflags: number; data: number }[] = [];
      await eventually(() => (events.push(...procDrain(kq)), events.some((e) => (e.fflags & NOTE.CHILD) !== 0 && e.data === sh.pid)));
      expect(events.some((e) => (e.fflags & NOTE.CHILD) !== 0 && e.data === sh.pid)).toBe(true);
    } finally {
      closeSync(kq);
    }
  });

  test("without racct the memory limit is reported partial with the reason", () => {
    const probe = racctProbe();
    const { policy, cleanup } = resolvePolicy({ compat: "best-effort", limits: { memory: 256 * 1024 * 1024 } });
    try {
      const { proc, report } = sandboxSpawn(["/usr/bin/true"], policy);
      const memory = report.guarantees.find((g) => g.guarantee === "limits.memory")!;
      if (probe === 0) expect(memory.status === "enforced" || memory.reason?.includes("rctl")).toBe(true);
      else {
        expect(["ENOSYS", "EPERM"]).toContain(statusName("errno", probe));
        expect(memory.status).toBe("partial");
        expect(memory.reason).toContain("racct");
      }
      return proc.exited;
    } finally {
      cleanup();
    }
  });
});

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}
