// cordon's own failures: exit 125 and exactly one stderr line starting
// with "cordon:" that names the problem; the command never starts.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cordon } from "./helpers.ts";

const scratch = mkdtempSync(join(tmpdir(), "cordon-cli-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const marker = join(scratch, "ran");

function expectOneCordonLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]!.startsWith("cordon: ")).toBe(true);
  return lines[0]!;
}

describe("usage errors exit 125 with one cordon: line naming the problem", () => {
  // [args, what the message must mention]
  const cases: [string[], string][] = [
    [[], "missing command"],
    [["frobnicate"], "unknown command: frobnicate"],
    [["run"], "missing"],
    [["run", "touch", marker], "after --"],
    [["run", "--"], "missing"],
    [["run", "--bogus", "--", "touch", marker], "--bogus"],
    [["run", "--allow-net=*", "--", "touch", marker], "--allow-net"],
    [["run", "--deny-net=a.example", "--", "touch", marker], "--deny-net"],
    [["run", "--memory", "--", "touch", marker], "--memory"],
    [["run", "--memory=lots", "--", "touch", marker], "--memory"],
    [["run", "--memory=100", "--", "touch", marker], "--memory"],
    [["run", "--pids=0", "--", "touch", marker], "--pids"],
    [["run", "--pids=many", "--", "touch", marker], "--pids"],
    [["run", "--cpu=-1", "--", "touch", marker], "--cpu"],
    [["run", "--timeout=soon", "--", "touch", marker], "--timeout"],
    [["run", "--allow-connect=99999", "--", "touch", marker], "--allow-connect"],
    [["run", "--allow-bind=-1", "--", "touch", marker], "--allow-bind"],
    [["run", "--allow-net", "--allow-connect=80", "--", "touch", marker], "--allow-net"],
    [["run", "--env=NOVALUE", "--", "touch", marker], "--env"],
    [["run", "--user=no-such-user-cordon", "--", "touch", marker], "no-such-user-cordon"],
    [["run", "--cwd=/no/such/dir/cordon", "--", "touch", marker], "/no/such/dir/cordon"],
    [["run", "--allow-read=/no/such/path/cordon", "--", "touch", marker], "/no/such/path/cordon"],
    [["run", "--allow-read=/usr,/no/such/second", "--", "touch", marker], "/no/such/second"],
    [["run", "--allow-write=/no/such/write/cordon", "--", "touch", marker], "/no/such/write/cordon"],
    [["run", "--allow-read=/usr,", "--", "touch", marker], "--allow-read: must not be empty"],
    [["run", "--allow-write=", "--", "touch", marker], "--allow-write: must not be empty"],
    [["probe", "--bogus"], "--bogus"],
    [["version", "extra"], "extra"],
  ];
  for (const [args, mention] of cases) {
    test(`cordon ${args.join(" ") || "(nothing)"}`, async () => {
      const r = await cordon(args);
      expect(r.code).toBe(125);
      expect(expectOneCordonLine(r.stderr)).toContain(mention);
      expect(r.stdout).toBe("");
      expect(readdirSync(scratch)).toEqual([]);
    });
  }
});

describe("help and version", () => {
  test("help prints the contract on stdout, exit 0", async () => {
    const r = await cordon(["help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--allow-read", "--allow-write", "--allow-net", "--allow-connect", "--allow-bind", "--memory", "--pids", "--cpu", "--timeout", "--user", "--env", "--cwd", "--best-effort", "--report", "probe [--json]"]) {
      expect(r.stdout).toContain(flag);
    }
  });
  test("version names cordon's version first (the rest: test/cli/help.test.ts)", async () => {
    const r = await cordon(["version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cordon \d+\.\d+\.\d+\n/);
  });
});
