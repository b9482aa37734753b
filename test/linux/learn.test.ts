// cordon learn on real jobs: a Python script importing a package of the
// project, make + cc, and a bun test project. The learned policy must run the
// job a second time, be narrower than the outer bound it was learned in (no
// "/", no home, no network), hold no secret value, and still deny a probe
// outside what the job used.
import { afterAll, beforeAll, expect } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cordon } from "../cli/helpers.ts";
import { describeUnless, linuxRequirement, testUnless } from "../helpers/skip.ts";

const python = Bun.which("python3", { PATH: "/usr/bin:/bin" });
const cc = Bun.which("cc", { PATH: "/usr/bin:/bin" });
const make = Bun.which("make", { PATH: "/usr/bin:/bin" });
const unmet = linuxRequirement(undefined);
const SECRET = "learn-secret-value-7f3a";

let top = "";
beforeAll(() => {
  if (unmet) return;
  top = mkdtempSync(join(tmpdir(), "cordon-learn-"));
  chmodSync(top, 0o755);
  writeFileSync(join(top, "secret.txt"), "outside\n");
});
afterAll(() => {
  if (top) rmSync(top, { recursive: true, force: true });
});

type Learned = { fs: { read: string[]; write: string[] }; net: unknown; limits: { memory?: number }; cwd: string; $notes: Record<string, string> };

/** Learns `argv` in `cwd` (outer bound: the caller's view), then runs it again under the learned policy. */
async function learnAndRerun(cwd: string, argv: string[], reset: () => void) {
  const out = join(top, `${argv[0]!.split("/").pop()}-${Math.random().toString(36).slice(2)}.json`);
  const learned = await cordon(["learn", `--output=${out}`, "--", ...argv], { cwd, env: { LEARN_TOKEN: SECRET }, timeoutMs: 120_000 });
  expect({ code: learned.code, stderr: learned.stderr.split("\n").filter((l) => l.startsWith("cordon:") && !l.startsWith("cordon: explain")) }).toEqual({ code: 0, stderr: [] });
  const text = readFileSync(out, "utf8");
  const policy = JSON.parse(text) as Learned;
  reset();
  const again = await cordon(["run", `--policy=${out}`, "--", ...argv], { cwd, timeoutMs: 120_000 });
  const probe = await cordon(["run", "--explain", `--policy=${out}`, "--", "/bin/cat", join(top, "secret.txt")], { cwd, timeoutMs: 60_000 });
  return { text, policy, again, probe, learnedStdout: learned.stdout };
}

/** What every learned policy must be: inside its bound, no secrets, the probe outside refused. */
function narrow(r: Awaited<ReturnType<typeof learnAndRerun>>) {
  const grants = [...r.policy.fs.read, ...r.policy.fs.write];
  expect(grants).not.toContain("/");
  expect(grants.filter((g) => g === process.env.HOME || g === tmpdir() || g === top)).toEqual([]);
  expect(r.text).not.toContain(SECRET);
  expect(r.policy.$notes.env).toContain("not learned");
  // The probe outside: refused, and told.
  expect(r.probe.code).not.toBe(0);
  expect(r.probe.stdout).toBe("");
  expect(r.probe.stderr).toContain(`read ${join(top, "secret.txt")} → --allow-read=`);
}

describeUnless(unmet, "cordon learn", () => {
  testUnless(python ? undefined : "needs python3 in /usr/bin or /bin", "a Python script importing a package of its project: the learned policy runs it again, grants the project, denies a probe outside, has no network", async () => {
    const proj = join(top, "py");
    mkdirSync(join(proj, "pkg"), { recursive: true });
    writeFileSync(join(proj, "pkg", "__init__.py"), 'def hi():\n    return "hi from pkg"\n');
    writeFileSync(join(proj, "main.py"), 'import os, pkg\nassert os.environ.get("LEARN_TOKEN") is None\nprint(pkg.hi())\nopen("out.txt", "w").write("done")\n');
    const r = await learnAndRerun(proj, [python!, "main.py"], () => rmSync(join(proj, "out.txt"), { force: true }));
    expect(r.again.code).toBe(0);
    expect(r.again.stdout).toBe("hi from pkg\n");
    expect(readFileSync(join(proj, "out.txt"), "utf8")).toBe("done");
    expect(r.policy.fs.write).toEqual([proj]);
    expect(r.policy.net).toBe("none");
    expect(r.policy.$notes[`fs.write ${proj}`]).toContain("create");
    narrow(r);
  }, 180_000);

  testUnless(cc && make ? undefined : "needs cc and make in /usr/bin or /bin", "make + cc: the learned policy builds it again from clean (the output's directory, not the file that did not exist yet)", async () => {
    const proj = join(top, "c");
    mkdirSync(proj);
    writeFileSync(join(proj, "hello.c"), '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n');
    writeFileSync(join(proj, "Makefile"), "hello: hello.c\n\tcc -o hello hello.c\n");
    const r = await learnAndRerun(proj, [make!], () => rmSync(join(proj, "hello"), { force: true }));
    expect(r.again.code).toBe(0);
    expect(existsSync(join(proj, "hello"))).toBe(true);
    expect(r.policy.fs.write).toEqual([proj]);
    narrow(r);
  }, 180_000);

  testUnless(undefined, "a bun test project: the learned policy runs the tests again and holds bun itself", async () => {
    const proj = join(top, "bun");
    mkdirSync(proj);
    writeFileSync(join(proj, "add.ts"), "export const add = (a: number, b: number) => a + b;\n");
    writeFileSync(join(proj, "add.test.ts"), 'import { expect, test } from "bun:test";\nimport { add } from "./add.ts";\ntest("adds", () => expect(add(1, 2)).toBe(3));\n');
    const r = await learnAndRerun(proj, [process.execPath, "test"], () => {});
    expect(r.again.code).toBe(0);
    expect(r.again.stderr).toContain("1 pass");
    expect(r.policy.fs.read.some((p) => p === process.execPath || process.execPath.startsWith(p + "/"))).toBe(true);
    expect(r.policy.net).toBe("none");
    narrow(r);
  }, 180_000);

  testUnless(undefined, "learn refuses what is cordon run's alone, and an outer bound the job needs more than is kept: nothing outside it is learned", async () => {
    const bad = await cordon(["learn", "--report=x.json", "--", "/bin/true"]);
    expect(bad.code).toBe(125);
    const proj = join(top, "bounded");
    mkdirSync(proj);
    writeFileSync(join(proj, "in.txt"), "in\n");
    const out = join(top, "bounded.json");
    // The bound grants the project only: the read outside is refused, and not learned.
    const r = await cordon(["learn", `--output=${out}`, `--allow-read=${proj}`, "--", "/bin/sh", "-c", `cat ${proj}/in.txt; cat ${top}/secret.txt`], { cwd: proj, timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    const policy = JSON.parse(readFileSync(out, "utf8")) as Learned;
    expect(policy.fs.read).toEqual([join(proj, "in.txt")]);
    expect(policy.$notes.denied).toContain(`${top}/secret.txt`);
    expect(policy.$notes.status).toContain("exited");
  }, 60_000);
});
