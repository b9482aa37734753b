// spawn()/run(): a malformed policy or argv is a PolicyError before anything
// is created or started; a platform without a backend is a CompatError; with
// a backend, run() returns status, output and report.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { CompatError, PolicyError } from "../../lib/errors.ts";
import { loadBackend } from "../../lib/backend/load.ts";
import { run, spawn } from "../../lib/spawn.ts";
import { noSandbox } from "../cli/helpers.ts";
import { emulated, testUnless } from "../helpers/skip.ts";

// This process's own (cordon-<pid>-XXXXXX): other processes' come and go meanwhile.
const sandboxDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith(`cordon-${process.pid}-`) && /^cordon-\d+-[A-Za-z0-9]{6}$/.test(d)).sort();

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("no error");
}

describe("spawn refuses before any syscall", () => {
  const cases: [string, unknown, unknown, string][] = [
    ["empty argv", [], {}, "argv"],
    ["argv not an array", "ls", {}, "argv"],
    ["non-string argument", ["ls", 3], {}, "argv[1]"],
    ["empty command", [""], {}, "argv[0]"],
    ["negative limit", ["true"], { limits: { memory: -1 } }, "limits.memory"],
    ["unknown key", ["true"], { network: "all" }, "network"],
    ["missing grant path", ["true"], { fs: { read: ["/no/such/cordon/path"] } }, "fs.read[0]"],
  ];
  for (const [name, argv, policy, field] of cases) {
    test(`${name} → PolicyError(${field}), no TMPDIR left`, () => {
      const before = sandboxDirs();
      const e = thrown(() => spawn(argv as string[], policy as object));
      expect(e).toBeInstanceOf(PolicyError);
      expect((e as PolicyError).field).toBe(field);
      expect(sandboxDirs()).toEqual(before);
    });
  }
});

test("a platform without a backend: CompatError naming it", () => {
  const e = thrown(() => loadBackend("aix"));
  expect(e).toBeInstanceOf(CompatError);
  expect((e as CompatError).missing).toEqual([{ guarantee: "sandbox", reason: "no sandbox backend for aix yet" }]);
});

testUnless(noSandbox, "this platform's backend loads and spawns", () => {
  expect(typeof loadBackend(process.platform).execute).toBe("function");
});

testUnless(noSandbox ?? emulated.sandbox, "run(): status, stdout, stderr, report; TMPDIR gone afterwards", async () => {
  const r = await run(["sh", "-c", 'echo "$TMPDIR"; echo err >&2; exit 4']);
  expect(r.status).toBe(4);
  expect(r.exitCode).toBe(4);
  expect(r.stderr).toBe("err\n");
  expect(existsSync(r.stdout.trim())).toBe(false);
  expect(r.report.guarantees.length).toBeGreaterThan(0);
});

testUnless(noSandbox ?? emulated.sandbox, "run(): input becomes stdin; timeout gives 124", async () => {
  expect((await run(["cat"], {}, { input: "piped" })).stdout).toBe("piped");
  const t = await run(["sleep", "30"], { limits: { timeoutMs: 300 } });
  expect(t.timedOut).toBe(true);
  expect(t.status).toBe(124);
}, 30_000);
