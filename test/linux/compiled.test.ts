// A compiled sandbox: compile(policy) once, spawn many times. Each spawn is
// enforced as a one-shot spawn() of the same policy is (a forbidden write
// fails, the granted one works, tried from inside and checked on the host),
// each has its own TMPDIR and HOME the others cannot see, and a closed
// sandbox or an unknown option is a typed error before anything runs.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { compile, spawn } = await import("../../lib/spawn.ts");
const { CompatError, PolicyError, SandboxClosedError, SpawnOptionError } = await import("../../lib/errors.ts");

const outside = mkdtempSync(join(tmpdir(), "cordon-compiled-outside-"));
const granted = mkdtempSync(join(tmpdir(), "cordon-compiled-granted-"));
afterAll(() => {
  rmSync(outside, { recursive: true, force: true });
  rmSync(granted, { recursive: true, force: true });
});

const policy = { fs: { write: [granted] } };

/** Tries both writes from inside; reports what the command saw. */
const writes = (i: number) =>
  `echo ${i} > ${outside}/f-${i} 2>/dev/null && echo outside-written || echo outside-refused; echo ${i} > ${granted}/f-${i} && echo granted-written; echo "tmp=$TMPDIR home=$HOME"`;

describeUnless(notLinux, "compiled sandbox", () => {
  test("spawns many times with the enforcement of a one-shot spawn: forbidden write fails, granted write works, in each", async () => {
    const box = compile(policy);
    try {
      const oneShot = spawn(["sh", "-c", writes(0)], policy, { stdout: "pipe", stderr: "ignore" });
      const oneShotOut = await new Response(oneShot.stdout as ReadableStream).text();
      expect(oneShotOut).toContain("outside-refused");
      for (let i = 1; i <= 3; i++) {
        const r = await box.run(["sh", "-c", `{ ${writes(i)}; } 2>&1`]);
        expect(r.status).toBe(0);
        expect(r.stdout).toContain("outside-refused");
        expect(r.stdout).toContain("granted-written");
        expect(existsSync(join(outside, `f-${i}`))).toBe(false);
        expect(readFileSync(join(granted, `f-${i}`), "utf8").trim()).toBe(String(i));
        // The same guarantees, enforced by the same mechanisms, as the one-shot form.
        expect(r.report.guarantees.map((g) => [g.guarantee, g.status])).toEqual(oneShot.report.guarantees.map((g) => [g.guarantee, g.status]));
      }
    } finally {
      box.close();
    }
  });

  test("each spawn has its own TMPDIR and HOME, which another spawn of the same sandbox cannot see", async () => {
    const box = compile({});
    try {
      const a = box.spawn(["sh", "-c", 'echo "$TMPDIR $HOME"; echo mine > "$TMPDIR/a"; echo home > "$HOME/h"; read line'], { stdin: "pipe", stdout: "pipe" });
      const reader = (a.stdout as ReadableStream<Uint8Array>).getReader();
      const first = new TextDecoder().decode((await reader.read()).value).trim();
      const [tmpA, homeA] = first.split(" ");
      expect(tmpA).toBeTruthy();
      // While the first still runs (it waits on stdin), a second tries to read and write its TMPDIR and HOME.
      const b = await box.run(["sh", "-c", `echo "$TMPDIR $HOME"; cat ${tmpA}/a 2>/dev/null && echo read-other; echo x > ${tmpA}/b 2>/dev/null && echo wrote-other; cat ${homeA}/h 2>/dev/null && echo read-other-home; true`]);
      const [tmpB, homeB] = b.stdout.split("\n")[0]!.split(" ");
      expect(tmpB).not.toBe(tmpA);
      expect(homeB).not.toBe(homeA);
      expect(b.stdout).not.toContain("read-other");
      expect(b.stdout).not.toContain("wrote-other");
      // Positive twin: the first spawn's own files are there for it.
      expect(readFileSync(join(tmpA!, "a"), "utf8").trim()).toBe("mine");
      expect(existsSync(join(tmpA!, "b"))).toBe(false);
      const sink = a.stdin as { write(d: string): unknown; end(): unknown };
      sink.write("\n");
      sink.end();
      reader.releaseLock();
      await a.exited;
      // Each spawn's private directories go with it.
      expect(existsSync(tmpA!)).toBe(false);
      expect(existsSync(tmpB!)).toBe(false);
    } finally {
      box.close();
    }
  });

  test("close() then spawn is a SandboxClosedError; nothing runs", async () => {
    const box = compile(policy);
    box.close();
    expect(box.closed).toBe(true);
    const marker = join(granted, "after-close");
    expect(() => box.spawn(["sh", "-c", `touch ${marker}`])).toThrow(SandboxClosedError);
    expect(existsSync(marker)).toBe(false);
    box.close(); // idempotent
  });

  test("unknown spawn options and policy keys are typed errors; a hard-mode gap refuses at compile", () => {
    const box = compile(policy);
    try {
      expect(() => box.spawn(["true"], { bogus: 1 } as never)).toThrow(SpawnOptionError);
      expect(() => box.spawn([])).toThrow(PolicyError);
    } finally {
      box.close();
    }
    expect(() => compile({ bogus: 1 } as never)).toThrow(PolicyError);
    // A listen() guard no host enforces with a bind grant: partial, which hard mode refuses before anything runs.
    expect(() => compile({ net: { connect: [], bind: [8080] } })).toThrow(CompatError);
  });

  test("what a compiled sandbox keeps is keyed by the policy's shape: one plan per shape, shared by its spawns", async () => {
    const { LinuxState, linuxBackend } = await import("../../lib/backend/linux/sandbox.ts");
    const { resolvePolicy } = await import("../../lib/resolve-policy.ts");
    const state = new LinuxState();
    const a = resolvePolicy({ fs: { write: [granted] } });
    const b = resolvePolicy({ fs: { write: [granted] } });
    const c = resolvePolicy({ net: "all" });
    try {
      const host = linuxBackend.host(a.policy);
      const pa = linuxBackend.plan(a.policy, host, state).plan;
      const pb = linuxBackend.plan(b.policy, host, state).plan;
      const pc = linuxBackend.plan(c.policy, host, state).plan;
      // Two resolutions (two private TMPDIRs) of one policy: one shape plan, two landlock plans naming each TMPDIR.
      expect(pb.shape).toBe(pa.shape);
      expect(a.policy.tmpDir).not.toBe(b.policy.tmpDir);
      expect(pa.landlock.rules.some((r) => r.path === a.policy.runDir)).toBe(true);
      expect(pb.landlock.rules.some((r) => r.path === a.policy.runDir)).toBe(false);
      // Another network mode is another shape.
      expect(pc.shape).not.toBe(pa.shape);
      expect(pc.shape.sandbox.net).toBe("all");
    } finally {
      a.cleanup();
      b.cleanup();
      c.cleanup();
    }
  });
});
