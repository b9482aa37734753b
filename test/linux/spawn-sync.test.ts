// spawnSync() and runSync(): the sandbox spawn() builds, waited for on a
// blocked thread. Compared with Bun.spawnSync on the same commands, checked to
// enforce the same policy, to block the caller's event loop (the documented
// cost), and to rethrow the worker's typed errors as themselves.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { spawnSync, runSync } = await import("../../lib/spawn-sync.ts");
const { run } = await import("../../lib/spawn.ts");
const { OsError, PolicyError, SpawnOptionError } = await import("../../lib/errors.ts");

const outside = mkdtempSync(join(tmpdir(), "cordon-sync-outside-"));
writeFileSync(join(outside, "secret"), "top secret\n");
afterAll(() => rmSync(outside, { recursive: true, force: true }));
const unrestricted = { fs: { read: ["/"] }, net: "all" as const, compat: "best-effort" as const };

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
}

describeUnless(notLinux, "spawnSync and runSync", () => {
  const cases: [string, string[], Record<string, unknown>][] = [
    ["exit code and both outputs piped by default", ["sh", "-c", "printf out; printf err >&2; exit 4"], {}],
    ["killed by a signal: exitCode null, signalCode set", ["sh", "-c", "kill -TERM $$"], {}],
    ["timeout", ["sleep", "5"], { timeout: 100 }],
    ["maxBuffer", ["sh", "-c", "head -c 5000 /dev/zero; sleep 5"], { maxBuffer: 100 }],
    ["stdin from bytes", ["cat"], { stdin: new TextEncoder().encode("bytes in\n") }],
    ["stdin from a Blob", ["cat"], { stdin: new Blob(["blob in\n"]) }],
    ["stdout ignored", ["sh", "-c", "echo gone"], { stdout: "ignore" }],
  ];
  for (const [title, argv, options] of cases) {
    test(`as Bun.spawnSync: ${title}`, () => {
      // Output cut short by maxBuffer: how much was read before the kill depends on timing, that it passed the limit does not.
      const limit = (options as { maxBuffer?: number }).maxBuffer;
      const pick = (r: Record<string, unknown>) => ({
        exitCode: r.exitCode,
        signalCode: r.signalCode,
        success: r.success,
        stdout: limit === undefined ? r.stdout?.toString() : String(r.stdout).length > limit,
        stderr: r.stderr?.toString(),
        exitedDueToTimeout: r.exitedDueToTimeout ?? false,
        exitedDueToMaxBuffer: r.exitedDueToMaxBuffer ?? false,
        usage: typeof (r.resourceUsage as { cpuTime?: { total?: unknown } })?.cpuTime?.total,
      });
      const bun = pick(Bun.spawnSync(argv, options as never) as unknown as Record<string, unknown>);
      const cordon = pick(spawnSync(argv, unrestricted, options as never) as unknown as Record<string, unknown>);
      expect(cordon).toEqual(bun);
    });
  }

  test("the sandbox is spawn()'s: a file outside the grants cannot be read; granted, it can", () => {
    const denied = spawnSync(["cat", join(outside, "secret")], {});
    expect(denied.exitCode).not.toBe(0);
    expect(denied.stdout?.toString()).toBe("");
    const granted = spawnSync(["cat", join(outside, "secret")], { fs: { read: [outside] } });
    expect(granted.stdout?.toString()).toBe("top secret\n");
    expect(granted.report.guarantees.length).toBeGreaterThan(0);
    expect(granted.policy.fs.read).toContain(outside);
  });

  test("it blocks the caller's event loop until the tree is gone (the documented cost)", async () => {
    let fired = false;
    setTimeout(() => (fired = true), 0);
    const t0 = performance.now();
    const r = spawnSync(["sleep", "0.3"], {});
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect({ fired, exitCode: r.exitCode }).toEqual({ fired: false, exitCode: 0 });
    await Bun.sleep(1);
    expect(fired).toBe(true);
  });

  test("runSync gives run()'s result", async () => {
    const argv = ["sh", "-c", "cat; echo err >&2; exit 3"];
    const { report: _a, ...sync } = runSync(argv, {}, { input: "in\n" });
    const { report: _b, ...async } = await run(argv, {}, { input: "in\n" });
    expect(sync).toEqual(async);
    expect(sync).toMatchObject({ status: 3, stdout: "in\n", stderr: "err\n" });
  });

  test("the worker's typed errors arrive as themselves: PolicyError, OsError", () => {
    const policy = caught(() => spawnSync(["true"], { limits: { memory: -1 } }));
    expect(policy).toBeInstanceOf(PolicyError);
    expect((policy as InstanceType<typeof PolicyError>).field).toBe("limits.memory");
    const missing = caught(() => spawnSync(["cordon-no-such-command"], {}));
    expect(missing).toBeInstanceOf(OsError);
    expect((missing as InstanceType<typeof OsError>).errorName).toBe("ENOENT");
  });

  test("options a blocked caller cannot use are SpawnOptionErrors naming them", () => {
    const stream = new ReadableStream({ start: (c) => c.close() });
    for (const [options, option] of [
      [{ stdin: "pipe" }, "stdin"],
      [{ stdin: stream }, "stdin"],
      [{ stdin: new Response("x") }, "stdin"],
      [{ onExit: () => {} }, "onExit"],
      [{ lazy: true }, "lazy"],
      [{ stdio: ["ignore", "pipe", "pipe", "pipe"] }, "stdio[3]"],
      [{ timout: 5 }, "timout"],
    ] as const) {
      const e = caught(() => spawnSync(["true"], {}, options as never));
      expect({ option, name: (e as Error).name, named: (e as { option?: string }).option }).toEqual({ option, name: "SpawnOptionError", named: option });
    }
    expect(SpawnOptionError).toBeDefined();
  });
});
