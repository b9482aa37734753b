// `--policy=FILE`: the API's Policy as JSON, validated with the API's field
// paths, with the flags on top (lists add up, single values are replaced).
// The merge is checked as parsed, then as enforced: what the file grants and
// what a flag adds both work inside, what neither grants stays closed.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseRunArgs } from "../../lib/cli/args.ts";
import { PolicyError } from "../../lib/errors.ts";
import { describeUnless } from "../helpers/skip.ts";
import { cordon, noSandbox, root } from "./helpers.ts";

const scratch = realpathSync(mkdtempSync(join(tmpdir(), "cordon-policy-file-")));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** Writes `content` (an object as JSON, a string as it is) to a fresh file; returns its path. */
function file(content: unknown): string {
  const path = join(scratch, `policy-${++n}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

const parse = (...args: string[]) => parseRunArgs([...args, "--", "x"], parseArgs);

function refusal(...args: string[]): { field: string; message: string } {
  try {
    parse(...args);
  } catch (e) {
    if (e instanceof PolicyError) return { field: e.field, message: e.message };
    throw e;
  }
  throw new Error("accepted");
}

describe("--policy: the file as parsed", () => {
  test("alone: the file's policy with cordon run's defaults around it", () => {
    const p = file({ fs: { read: ["/usr"], system: false }, limits: { memory: 2 ** 30 }, inheritEnv: false });
    expect(parse(`--policy=${p}`).policy).toEqual({ fs: { read: ["/usr"], write: [], system: false }, net: "none", limits: { memory: 2 ** 30 }, inheritEnv: false, compat: "hard" });
  });

  test("flags add to the file's lists and replace its single values; what no flag says stays the file's", () => {
    const p = file({
      fs: { read: ["/a"], write: ["/w"] },
      net: { connect: [443] },
      env: { A: "file", B: "file" },
      limits: { memory: 2 ** 30, pids: 10, timeoutMs: 1000 },
      cwd: "/file",
      user: { uid: 1, gid: 2 },
    });
    const r = parse(`--policy=${p}`, "--allow-read=/b", "--allow-write=/v", "--allow-connect=80", "--allow-bind=8080", "--env=B=flag", "--env=C=flag", "--memory=2G", "--timeout=5", "--cwd=/flag", "--user=nobody", "--best-effort");
    expect(r.policy).toEqual({
      fs: { read: ["/a", "/b"], write: ["/w", "/v"] },
      net: { connect: [443, 80], bind: [8080] },
      env: { A: "file", B: "flag", C: "flag" },
      limits: { memory: 2 * 2 ** 30, pids: 10, timeoutMs: 5000 },
      cwd: "/flag",
      user: "nobody",
      compat: "best-effort",
    });
  });

  test("--allow-env adds names to the file's inheritEnv; true on either side is the whole environment; --home replaces the file's", () => {
    const listed = file({ inheritEnv: ["NPM_*"], home: "/file-home" });
    expect(parse(`--policy=${listed}`, "--allow-env=GIT_AUTHOR_NAME", "--home=/flag-home").policy).toMatchObject({ inheritEnv: ["NPM_*", "GIT_AUTHOR_NAME"], home: "/flag-home" });
    expect(parse(`--policy=${listed}`, "--allow-env").policy.inheritEnv).toBe(true);
    expect(parse(`--policy=${file({ inheritEnv: true })}`, "--allow-env=A").policy.inheritEnv).toBe(true);
    expect(parse(`--policy=${file({ inheritEnv: false })}`, "--allow-env=A").policy.inheritEnv).toEqual(["A"]);
    expect(parse(`--policy=${listed}`).policy).toMatchObject({ inheritEnv: ["NPM_*"], home: "/file-home" });
  });

  test("--allow-net replaces the file's ports; ports on top of the file's \"all\" are refused", () => {
    expect(parse(`--policy=${file({ net: { connect: [443] } })}`, "--allow-net").policy.net).toBe("all");
    expect(parse(`--policy=${file({ net: "all" })}`).policy.net).toBe("all");
    expect(refusal(`--policy=${file({ net: "all" })}`, "--allow-connect=80").message).toContain('net: "all"');
  });

  test("--allow-net=HOST,... (with --deny-net) replaces the file's net, ports, \"all\" or hosts alike; a file's host grants stay without it", () => {
    const flags = ["--allow-net=example.org:443", "--deny-net=a.example.org"];
    for (const net of [{ connect: [443] }, "all", { hosts: ["other.test"] }]) {
      expect(parse(`--policy=${file({ net })}`, ...flags).policy.net).toEqual({ hosts: ["example.org:443"], deny: ["a.example.org"] });
    }
    expect(parse(`--policy=${file({ net: { hosts: ["other.test"], deny: ["x.other.test"] } })}`).policy.net).toEqual({ hosts: ["other.test"], deny: ["x.other.test"] });
  });

  test("a $schema key is allowed and dropped; the file's compat stays without --best-effort", () => {
    const p = file({ $schema: "./node_modules/cordon/schema/policy.schema.json", compat: "best-effort" });
    expect(parse(`--policy=${p}`).policy).toEqual({ fs: { read: [], write: [] }, net: "none", limits: {}, compat: "best-effort" });
  });

  const bad: [string, unknown, string][] = [
    ["a value of the wrong type", { limits: { memory: "1G" } }, "limits.memory: expected an integer"],
    ["a value out of range", { net: { connect: [70000] } }, "net.connect[0]: must be between 1 and 65535"],
    ["a misspelt key", { fs: { raed: ["/a"] } }, `fs.raed: unknown key; did you mean "read"?`],
    ["a misspelt top-level key", { limtis: {} }, `limtis: unknown key; did you mean "limits"?`],
    ["an unknown key nothing is close to", { frobnicate: 1 }, "frobnicate: unknown key (known: "],
    ["not an object", [], "policy: expected an object, got array"],
    ["null", null, "policy: expected an object, got null"],
    ["a $schema that is not a string", { $schema: 1 }, "$schema: expected a string"],
    ["not JSON", "{ fs: }", "not JSON"],
  ];
  for (const [what, content, message] of bad) {
    test(`${what}: --policy, the file and the field path`, () => {
      const p = file(content);
      const f = refusal(`--policy=${p}`);
      expect(f.field).toBe("--policy");
      expect(f.message).toContain(`--policy: ${p}: ${message}`);
    });
  }

  test("a file that cannot be read: --policy and the reason", () => {
    expect(refusal(`--policy=${join(scratch, "none.json")}`)).toEqual({ field: "--policy", message: `--policy: cannot read ${join(scratch, "none.json")}: ENOENT` });
  });
});

describe("--policy from the command line", () => {
  test("a bad field: one cordon: line with the file and the field path, 125, the command never runs", async () => {
    const marker = join(scratch, "ran-bad-field");
    const p = file({ limits: { pids: 0 } });
    const r = await cordon(["run", `--policy=${p}`, "--", "touch", marker]);
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 125, stderr: `cordon: --policy: ${p}: limits.pids: must be between 1 and 4194304, got 0\n`, stdout: "" });
    expect(existsSync(marker)).toBe(false);
  });

  test("a path the file grants that does not exist is the file's error; one a flag adds is the flag's", async () => {
    const p = file({ fs: { read: ["/no/such/dir/from-file"] } });
    const fromFile = await cordon(["run", `--policy=${p}`, "--", "true"]);
    expect(fromFile.code).toBe(125);
    expect(fromFile.stderr).toStartWith(`cordon: --policy: ${p}: fs.read[0]: `);
    expect(fromFile.stderr).toContain("/no/such/dir/from-file");
    const q = file({ fs: { read: ["/usr"] } });
    const fromFlag = await cordon(["run", `--policy=${q}`, "--allow-read=/no/such/dir/from-flag", "--", "true"]);
    expect(fromFlag.code).toBe(125);
    expect(fromFlag.stderr).toStartWith("cordon: --allow-read: ");
    expect(fromFlag.stderr).toContain("/no/such/dir/from-flag");
  });
});

describeUnless(noSandbox, "--policy as enforced", () => {
  test("the file's write grant and a flag's both work inside; a directory neither grants stays unwritable", async () => {
    const [byFile, byFlag, neither] = ["by-file", "by-flag", "neither"].map((d) => join(scratch, d)) as [string, string, string];
    for (const d of [byFile, byFlag, neither]) mkdirSync(d);
    const p = file({ fs: { write: [byFile] } });
    const script = `for d in ${byFile} ${byFlag} ${neither}; do { echo x > "$d/f"; } 2>/dev/null && echo "$d ok" || echo "$d refused"; done`;
    const r = await cordon(["run", `--policy=${p}`, `--allow-write=${byFlag}`, "--", "sh", "-c", script]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`${byFile} ok\n${byFlag} ok\n${neither} refused\n`);
    expect([existsSync(join(byFile, "f")), existsSync(join(byFlag, "f")), existsSync(join(neither, "f"))]).toEqual([true, true, false]);
  });

  test("the file's inheritEnv pattern and an --allow-env name both pass in; a secret-looking name the pattern covers stays out", async () => {
    const p = file({ inheritEnv: ["CORDONTEST_*"] });
    const env = { CORDONTEST_A: "a", CORDONTEST_TOKEN: "secret-a", OTHER_B: "b", OTHER_C: "c" };
    const r = await cordon(["run", `--policy=${p}`, "--allow-env=OTHER_B", "--", "sh", "-c", "env | grep -E '^(CORDONTEST|OTHER)_' | sort"], { env });
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: "CORDONTEST_A=a\nOTHER_B=b\n", stderr: "" });
  });

  test("the file's timeout applies, and --timeout replaces it", async () => {
    const p = file({ limits: { timeoutMs: 300 } });
    const cut = await cordon(["run", `--policy=${p}`, "--", "sleep", "5"], { timeoutMs: 20_000 });
    expect(cut.code).toBe(124);
    const longer = await cordon(["run", `--policy=${p}`, "--timeout=20s", "--", "sleep", "1"], { timeoutMs: 20_000 });
    expect({ code: longer.code, stderr: longer.stderr }).toEqual({ code: 0, stderr: "" });
  });

  test("the shipped examples load (their grants resolved against a project with those directories)", async () => {
    const project = join(scratch, "project");
    for (const d of ["node_modules", "coverage", "build"]) mkdirSync(join(project, d), { recursive: true });
    for (const example of ["ci-job.json", "offline-build.json"]) {
      const r = await cordon(["run", `--policy=${join(root, "schema", "examples", example)}`, "--best-effort", "--", "true"], { cwd: project });
      expect({ example, code: r.code, stderr: r.stderr }).toEqual({ example, code: 0, stderr: "" });
    }
    expect(readFileSync(join(root, "schema", "examples", "ci-job.json"), "utf8")).toContain('"$schema": "../policy.schema.json"');
  });
});
