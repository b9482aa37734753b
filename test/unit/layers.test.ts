// The four layers keep one direction of dependency:
//   zig/ → ffi/ (the only importer of bun:ffi) → lib/backend/<os> → lib/
// and the policy vocabulary and plan compilers stay pure (testable on any OS).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { Glob } from "bun";

const root = join(import.meta.dir, "..", "..");

function sources(pattern: string): string[] {
  return [...new Glob(pattern).scanSync({ cwd: root })].filter((f) => !f.includes("node_modules"));
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)];
  return specs.map((m) => m[1] ?? m[2]!).map((s) => (s.startsWith(".") ? relative(root, resolve(dirname(join(root, file)), s)) : s));
}

describe("layer rules", () => {
  test("only ffi/ imports bun:ffi", () => {
    const offenders = sources("{lib,bin,bench,test}/**/*.ts").filter((f) => imports(f).includes("bun:ffi"));
    expect(offenders).toEqual([]);
  });

  test("policy and plan code import nothing OS-specific", () => {
    const allowed = (spec: string) =>
      spec.startsWith("lib/policy/") ||
      spec.startsWith("lib/plan/") ||
      spec === "lib/errors.ts" ||
      spec === "lib/report.ts" ||
      spec === "ffi/errors.ts" ||
      spec.startsWith("ffi/generated/") ||
      spec === "node:path" ||
      spec === "node:path/posix" ||
      spec === "node:path/win32";
    const offenders = sources("lib/{policy,plan}/**/*.ts").flatMap((f) =>
      imports(f).filter((s) => !allowed(s)).map((s) => `${f} → ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  test("a backend loads only its own OS's FFI module", () => {
    // ffi/<os>.ts and ffi/<os>-<mechanism>.ts belong to <os>.
    const osOf = (spec: string) => spec.match(/^ffi\/(linux|windows|darwin|freebsd|openbsd)(?:-[\w-]+)?\.ts$/)?.[1];
    const offenders: string[] = [];
    for (const f of sources("lib/backend/*/**/*.ts")) {
      const os = f.split("/")[2]!;
      for (const s of imports(f)) {
        const owner = osOf(s);
        if (owner && owner !== os) offenders.push(`${f} → ${s}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  test("zig export shims hold no policy: no loops over rules, no allocation", () => {
    const offenders = sources("zig/src/export/*.zig").filter((f) => /Allocator|ArrayList|std\.heap/.test(readFileSync(join(root, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
