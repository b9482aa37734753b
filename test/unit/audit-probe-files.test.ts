// The audit's Python programs live in lib/audit/probes/*.py, read by
// lib/audit/probe-source.ts, and nowhere else: no TypeScript file that ships
// holds Python program text in a string (where no linter, compiler or editor
// sees it); the audit's behaviour tests keep theirs in test/fixtures/audit/. The detector is checked against every probe file pasted into a
// string, and the programs the audit runs are compiled with python3.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { canaryKeeperProgram, hasFcapsProgram, insideParts, insideProgram, probeFiles, reportSwapProgram } from "../../lib/audit/probe-source.ts";
import { testUnless } from "../helpers/skip.ts";

const root = join(import.meta.dir, "..", "..");
const probesDir = join(root, "lib", "audit", "probes");

/** Python that TypeScript never contains: statements on lines of their own, Python-only names, one-line programs. */
const PYTHON: readonly RegExp[] = [
  /^[ \t]*def [A-Za-z_]\w*\(.*\):[ \t]*(#.*)?$/m,
  /^[ \t]*import [A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*$/m,
  /^[ \t]*from [A-Za-z_][\w.]* import [\w, *()]+$/m,
  /^[ \t]*(?:elif .*|else|try|finally|except(?: .*)?):[ \t]*$/m,
  /["'`][ \t]*(?:import [A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*|from [\w.]+ import [\w, ]+)[ \t]*(?:;|\\n)/,
  /\b(?:json\.dumps|json\.loads|sys\.argv|sys\.stdin|os\.getxattr|ctypes\.CDLL)\b|\bflush=True\b/,
];

function pythonIn(text: string): string | undefined {
  for (const re of PYTHON) {
    const m = re.exec(text);
    if (m) return m[0].trim();
  }
  return undefined;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

describe("the audit's Python programs are files, not strings", () => {
  test("no .ts file under lib/, bin/ or ffi/, nor the audit's behaviour tests, holds Python program text", () => {
    const audits = ["test/linux/audit.test.ts", "test/cli/audit.test.ts"].map((f) => join(root, f));
    const found = [...["lib", "bin", "ffi"].flatMap((d) => tsFiles(join(root, d))), ...audits].flatMap((f) => {
      const hit = pythonIn(readFileSync(f, "utf8"));
      return hit === undefined ? [] : [`${relative(root, f)}: ${hit}`];
    });
    expect(found).toEqual([]);
  });

  test("the detector catches every probe file pasted into a string, and the one-line forms; TypeScript passes", () => {
    const missed = probeFiles.filter((name) => pythonIn(`export const src = String.raw\`${readFileSync(join(probesDir, name), "utf8")}\`;\n`) === undefined);
    expect(missed).toEqual([]);
    expect(pythonIn(`spawn([python, "-I", "-c", "import os, sys; os.stat(sys.argv[1])", path]);`)).toBeDefined();
    expect(pythonIn(`const end = 'print(json.dumps({"done": True}), flush=True)\\n';`)).toBeDefined();
    expect(pythonIn(`const p = ["python3", "-c", "from os import path\\nprint(1)"];`)).toBeDefined();
    expect(pythonIn(readFileSync(join(root, "lib", "audit", "index.ts"), "utf8"))).toBeUndefined();
    expect(pythonIn('import { join } from "node:path";\nimport type { X } from "./x.ts";\nimport "./side-effect.ts";\n// runs python3 -I -c with the program text\n')).toBeUndefined();
  });

  test("every program file the audit names is in lib/audit/probes/, and every .py there is named", () => {
    const present = readdirSync(probesDir).filter((f) => f.endsWith(".py")).sort();
    expect(present).toEqual([...probeFiles].sort());
    expect(insideParts[0]).toBe("inside.py");
    expect(insideParts.at(-1)).toBe("inside-end.py");
  });

  testUnless(Bun.which("python3") ? undefined : "python3 is not on PATH", "each program the audit runs compiles with python3 (the inside parts joined as the audit joins them)", () => {
    const programs = { inside: insideProgram(), keeper: canaryKeeperProgram(), reportSwap: reportSwapProgram(), hasFcaps: hasFcapsProgram() };
    const dir = mkdtempSync(join(tmpdir(), "cordon-audit-compile-"));
    try {
      const failed = Object.entries(programs).flatMap(([name, src]) => {
        const file = join(dir, `${name}.py`);
        writeFileSync(file, src);
        const r = Bun.spawnSync(["python3", "-I", "-m", "py_compile", file], { stdout: "pipe", stderr: "pipe" });
        return r.exitCode === 0 ? [] : [`${name}: ${r.stderr.toString().trim()}`];
      });
      expect(failed).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
