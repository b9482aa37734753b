// The wall-clock limit ends a tree as timeout(1) does: its signal (SIGTERM
// unless the policy names another) to every process of the tree, so each can
// flush and clean up, then SIGKILL killAfterMs later for whatever is left;
// the status is 124 either way. Each test runs real trees and reads what
// their signal handlers left on disk.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { spawn, run } = await import("../../lib/spawn.ts");

const dir = mkdtempSync(join(tmpdir(), "cordon-graceful-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = join(import.meta.dir, "..", "..", "bin", "cordon.ts");

let n = 0;
function scratch(): string {
  const d = join(dir, String(n++));
  mkdirSync(d);
  return d;
}

/** Host processes whose command line is exactly `sleep <nap>`. */
function sleepers(nap: string): string[] {
  return readdirSync("/proc").filter((p) => {
    if (!/^\d+$/.test(p)) return false;
    try {
      return readFileSync(`/proc/${p}/cmdline`, "utf8") === `sleep\0${nap}\0`;
    } catch {
      return false;
    }
  });
}

describeUnless(notLinux, "graceful timeout", () => {
  test("a timeout sends SIGTERM to the whole tree first: the command's trap and a setsid'd grandchild's trap both flush, and the status is 124", async () => {
    const d = scratch();
    // The grandchild's line appears whole (written, then renamed): the command's trap waits for it, and the tree is killed once the command exits.
    const script = `setsid sh -c 'trap "echo grandchild > ${d}/grandchild.part && mv ${d}/grandchild.part ${d}/grandchild; exit 0" TERM; echo > ${d}/trapped; while :; do sleep 0.05; done' &
trap "while [ ! -e ${d}/grandchild ]; do sleep 0.01; done; echo command > ${d}/command; exit 0" TERM
while [ ! -e ${d}/trapped ]; do sleep 0.01; done; echo ready; while :; do sleep 0.05; done`;
    const t0 = performance.now();
    const r = await run(["sh", "-c", script], { fs: { write: [d] }, limits: { timeoutMs: 400, killAfterMs: 10_000 } });
    const ms = performance.now() - t0;
    expect(r.stdout).toBe("ready\n");
    expect(readFileSync(join(d, "command"), "utf8")).toBe("command\n");
    expect(readFileSync(join(d, "grandchild"), "utf8")).toBe("grandchild\n");
    expect({ status: r.status, timedOut: r.timedOut, exitCode: r.exitCode, signalCode: r.signalCode }).toEqual({ status: 124, timedOut: true, exitCode: 0, signalCode: null });
    // Ended by the trap, not by the SIGKILL ten seconds later.
    expect(ms).toBeLessThan(5000);
  });

  test("a tree that ignores SIGTERM is SIGKILLed killAfterMs later, with status 124", async () => {
    const t0 = performance.now();
    const r = await run(["sh", "-c", "trap '' TERM; echo ready; sleep 30"], { limits: { timeoutMs: 200, killAfterMs: 700 } });
    const ms = performance.now() - t0;
    expect(r.stdout).toBe("ready\n");
    expect({ status: r.status, timedOut: r.timedOut, exitCode: r.exitCode, signalCode: r.signalCode }).toEqual({ status: 124, timedOut: true, exitCode: null, signalCode: "SIGKILL" });
    expect(ms).toBeGreaterThanOrEqual(850);
    expect(ms).toBeLessThan(10_000);
  });

  test("killAfterMs 0 kills at once: the SIGTERM trap never runs", async () => {
    const d = scratch();
    const t0 = performance.now();
    const r = await run(["sh", "-c", `trap "echo flushed > ${d}/flushed; exit 0" TERM; echo ready; while :; do sleep 0.05; done`], {
      fs: { write: [d] },
      limits: { timeoutMs: 200, killAfterMs: 0 },
    });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(existsSync(join(d, "flushed"))).toBe(false);
    expect({ status: r.status, signalCode: r.signalCode }).toEqual({ status: 124, signalCode: "SIGKILL" });
  });

  test("limits.killSignal chooses the first signal: SIGINT reaches the trap, SIGTERM's trap stays silent", async () => {
    const d = scratch();
    const r = await run(["sh", "-c", `trap "echo int > ${d}/int; exit 0" INT; trap "echo term > ${d}/term; exit 0" TERM; while :; do sleep 0.05; done`], {
      fs: { write: [d] },
      limits: { timeoutMs: 200, killSignal: "SIGINT", killAfterMs: 10_000 },
    });
    expect(r.status).toBe(124);
    expect(existsSync(join(d, "int"))).toBe(true);
    expect(existsSync(join(d, "term"))).toBe(false);
  });

  test("nothing of the tree outlives it: a setsid'd child that ignores SIGTERM is killed when the command ends", async () => {
    const nap = `63.${process.pid}`;
    const t0 = performance.now();
    const p = spawn(["sh", "-c", `setsid sh -c "trap '' TERM; sleep ${nap}" & trap "exit 0" TERM; while :; do sleep 0.05; done`], { limits: { timeoutMs: 300, killAfterMs: 20_000 } }, { stderr: "ignore" });
    expect(await p.exited).toBe(124);
    // The command's exit ended the rest at once, long before the SIGKILL step.
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(sleepers(nap)).toEqual([]);
  });

  test("cordon run --timeout --signal=INT --kill-after=0.5: the trap runs, cordon says timeout and exits 124; --kill-after without --timeout is refused", async () => {
    const d = scratch();
    const p = Bun.spawn([process.execPath, cli, "run", `--allow-write=${d}`, "--timeout=0.3", "--signal=INT", "--kill-after=0.5", "--", "sh", "-c", `trap "echo int > ${d}/int; exit 0" INT; while :; do sleep 0.05; done`], {
      stderr: "pipe",
    });
    expect(await p.exited).toBe(124);
    expect(await new Response(p.stderr).text()).toBe("cordon: timeout\n");
    expect(readFileSync(join(d, "int"), "utf8")).toBe("int\n");
    const bad = Bun.spawn([process.execPath, cli, "run", "--kill-after=1", "--", "true"], { stderr: "pipe" });
    expect(await bad.exited).toBe(125);
    expect(await new Response(bad.stderr).text()).toContain("cordon: --kill-after: takes effect only with a timeout");
  });
});
