// `cordon COMMAND --help`, `cordon help COMMAND`, `cordon --version`, and the
// "did you mean" of a misspelt flag or command.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { auditOptions } from "../../lib/cli/audit.ts";
import { runOptions } from "../../lib/cli/args.ts";
import { ABI_VERSION, platformTag } from "../../ffi/library.ts";
import pkg from "../../package.json";
import { describeUnless } from "../helpers/skip.ts";
import { cordon, noSandbox, root } from "./helpers.ts";

describe("cordon COMMAND --help", () => {
  for (const command of ["run", "audit", "probe", "plan", "version", "help"]) {
    test(`cordon ${command} --help and -h: its usage on stdout, exit 0; the same as cordon help ${command}`, async () => {
      const long = await cordon([command, "--help"]);
      expect({ code: long.code, stderr: long.stderr }).toEqual({ code: 0, stderr: "" });
      expect(long.stdout).toStartWith(`usage: cordon ${command}`);
      expect((await cordon([command, "-h"])).stdout).toBe(long.stdout);
      expect((await cordon(["help", command])).stdout).toBe(long.stdout);
    });
  }

  test("every flag of cordon run has its line in cordon run --help", async () => {
    const { stdout } = await cordon(["run", "--help"]);
    const listed = [...stdout.matchAll(/^ {4}--([\w-]+)/gm)].map((m) => m[1]);
    expect(listed).toEqual([...Object.keys(runOptions), "help"]);
    expect(stdout).not.toContain("(undocumented)");
  });

  test("every flag of cordon audit (its own and the run flags) has its line in cordon audit --help", async () => {
    const { stdout } = await cordon(["audit", "--help"]);
    const listed = [...stdout.matchAll(/^ {4}--([\w-]+)/gm)].map((m) => m[1]);
    expect(listed).toEqual([...Object.keys(auditOptions), "help", ...Object.keys(runOptions)]);
    expect(stdout).not.toContain("(undocumented)");
  });

  test("docs/cli.md documents every flag of cordon run and cordon audit", () => {
    const doc = readFileSync(join(root, "docs", "cli.md"), "utf8");
    const flags = [...Object.keys(runOptions), ...Object.keys(auditOptions)].map((k) => `\`--${k}`);
    expect(flags.filter((f) => !doc.includes(f))).toEqual([]);
  });

  test("--help wins over a bad flag beside it", async () => {
    const r = await cordon(["run", "--bogus", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith("usage: cordon run");
  });

  test("cordon help with an unknown command: 125, one line", async () => {
    const r = await cordon(["help", "frobnicate"]);
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 125, stderr: "cordon: unknown command: frobnicate (run, audit, learn, probe, plan, version, help)\n", stdout: "" });
  });
});

describeUnless(noSandbox, "--help after -- is the command's", () => {
  test("cordon run -- printf %s --help runs the command", async () => {
    const r = await cordon(["run", "--", "printf", "%s", "--help"]);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: "--help", stderr: "" });
  });
});

describe("cordon --version", () => {
  const expected = (native: string) => `cordon ${pkg.version}\n${native}\nplatform ${platformTag()}, bun ${Bun.version}\n`;

  for (const args of [["--version"], ["version"], ["-V"]]) {
    test(`cordon ${args.join(" ")}: cordon's version, the native library's version, ABI and path, the platform`, async () => {
      const r = await cordon(args);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      const native = r.stdout.split("\n")[1]!;
      expect(native).toMatch(new RegExp(`^native \\d+\\.\\d+\\.\\d+ \\(ABI ${ABI_VERSION}\\) /.+`));
      expect(r.stdout).toBe(expected(native));
    });
  }

  test("without a native library it says so and still exits 0", async () => {
    const r = await cordon(["--version"], { env: { CORDON_LIBRARY: "/no/such/libcordon.so" } });
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
      code: 0,
      stderr: "",
      stdout: expected("native library not found: CORDON_LIBRARY=/no/such/libcordon.so does not exist"),
    });
  });
});

describe("did you mean", () => {
  const cases: [string[], string][] = [
    [["run", "--alow-read=.", "--", "true"], "cordon: unknown flag --alow-read for cordon run; did you mean --allow-read? (cordon run --help lists them)"],
    [["run", "--memroy", "1G", "--", "true"], "cordon: unknown flag --memroy for cordon run; did you mean --memory?"],
    [["run", "--time-out=5", "--", "true"], "cordon: unknown flag --time-out for cordon run; did you mean --timeout?"],
    [["run", "--polcy=p.json", "--", "true"], "cordon: unknown flag --polcy for cordon run; did you mean --policy?"],
    [["audit", "--jsno"], "cordon: unknown flag --jsno for cordon audit; did you mean --json?"],
    [["audit", "--fail-onn=reachable"], "cordon: unknown flag --fail-onn for cordon audit; did you mean --fail-on?"],
    [["probe", "--jsn"], "cordon: unknown flag --jsn for cordon probe; did you mean --json?"],
    [["probe", "--compair"], "cordon: unknown flag --compair for cordon probe; did you mean --compare?"],
    [["plan", "--targt=sel4-microkit", "--", "true"], "cordon: unknown flag --targt for cordon plan; did you mean --target?"],
    [["runn", "--", "true"], "cordon: unknown command: runn; did you mean run? (run, audit, learn, probe, plan, version, help)"],
    [["aduit"], "cordon: unknown command: aduit; did you mean audit?"],
  ];
  for (const [args, line] of cases) {
    test(`cordon ${args.join(" ")}`, async () => {
      const r = await cordon(args);
      expect(r.code).toBe(125);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")).toHaveLength(2);
      expect(r.stderr).toStartWith(line);
    });
  }

  test("nothing close: no guess, only where to look", async () => {
    const r = await cordon(["run", "--frobnicate", "--", "true"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 125, stderr: "cordon: unknown flag --frobnicate for cordon run (cordon run --help lists them)\n" });
  });
});
