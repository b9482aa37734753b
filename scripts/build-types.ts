#!/usr/bin/env bun
// Writes the published declarations: `tsc -p tsconfig.build.json` emits a
// .d.ts for every file of lib/ and ffi/ into types/. package.json's exports
// point TypeScript at these ("types" condition) and Bun at the .ts sources, so
// a consumer's compiler reads only declarations and never typechecks cordon's
// bodies under its own stricter options.
//
// Usage: bun scripts/build-types.ts
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");

type Conditions = { types?: string; bun?: string; default?: string };

/** Each entry point's conditions, from package.json. */
export function exportConditions(dir = root): Record<string, Conditions> {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { exports: Record<string, string | Conditions> };
  const out: Record<string, Conditions> = {};
  for (const [entry, target] of Object.entries(pkg.exports)) if (typeof target !== "string") out[entry] = target;
  return out;
}

/** Where tsc puts the declaration of a source file: lib/x.ts → types/lib/x.d.ts. */
export function declarationOf(source: string): string {
  return source.replace(/^\.\//, "./types/").replace(/\.ts$/, ".d.ts");
}

/** Replaces types/ with a fresh emit; throws when tsc fails or an entry's declaration is missing. */
export function buildTypes(dir = root): void {
  rmSync(join(dir, "types"), { recursive: true, force: true });
  const tsc = join(dir, "node_modules", ".bin", "tsc");
  if (!existsSync(tsc)) throw new Error(`${tsc} is missing: run \`bun install\` first`);
  const r = Bun.spawnSync([tsc, "-p", "tsconfig.build.json"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${r.stdout.toString()}${r.stderr.toString()}`);
  for (const [entry, c] of Object.entries(exportConditions(dir))) {
    if (c.types === undefined || c.default === undefined) throw new Error(`package.json: exports["${entry}"] needs "types" and "default"`);
    if (c.types !== declarationOf(c.default)) throw new Error(`package.json: exports["${entry}"].types is ${c.types}, want ${declarationOf(c.default)}`);
    if (!existsSync(join(dir, c.types))) throw new Error(`tsc wrote no ${c.types}`);
  }
}

if (import.meta.main) {
  buildTypes();
  console.log("types/: declarations for lib/ and ffi/");
}
