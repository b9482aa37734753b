// Every docs/assumptions/*.md line that cites a test as `path` "title" names
// a file that exists and titles that occur in it ("…" ends a shortened
// title), so a renamed or deleted test shows up here. A title cited without a
// path belongs to the section's file (a "## … (`test/…`)" heading). A Zig
// test is cited as `zig/src/….zig` "title": the title must be one of that
// file's `test "…"` blocks, and `zig build test` must reach the file (an
// `_ = @import` chain from zig/src/root.zig).
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const root = join(import.meta.dir, "..", "..");

const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Whether `src` holds the cited title: "…" (or "...") marks a cut, " > "
 * joins a describe block and its test, and a lone N stands for a number the
 * test's title is built with (`ABI ${n}`).
 */
function cites(src: string, title: string): boolean {
  return title
    .split(/\s*>\s*/)
    .flatMap((part) => part.split(/…|\.\.\./))
    .map((f) => f.trim())
    .filter((f) => f.length > 0)
    .every((f) => new RegExp(escape(f).replace(/\bN\b/g, "(?:N|\\d+|\\$\\{[^}]+\\})")).test(src));
}
const dir = join(root, "docs", "assumptions");

/** The titles of a Zig file's `test "…"` blocks. */
const zigTests = (src: string) => [...src.matchAll(/^\s*test\s+"((?:[^"\\]|\\.)*)"\s*\{/gm)].map((m) => m[1]!);

/** Zig files whose tests `zig build test` runs: those pulled in by `_ = @import("…")` from zig/src/root.zig on. */
function zigTestFiles(): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(join(root, file))) return;
    seen.add(file);
    for (const [, spec] of readFileSync(join(root, file), "utf8").matchAll(/_ = @import\("([\w/.-]+\.zig)"\)/g)) visit(join(dirname(file), spec!));
  };
  visit("zig/src/root.zig");
  return seen;
}
const reached = zigTestFiles();

/** What is wrong with citing `titles` of `file` (a test/….ts or zig/src/….zig path). */
function check(file: string, titles: readonly string[]): string[] {
  const path = join(root, file);
  if (!existsSync(path)) return [`missing file ${file}`];
  const src = readFileSync(path, "utf8");
  if (!file.endsWith(".zig")) return titles.filter((t) => !cites(src, t)).map((t) => `${file} has no test "${t}"`);
  // A Zig source named without a title is a mention of the code, not a citation of its tests.
  if (titles.length === 0) return [];
  const problems = reached.has(file) ? [] : [`${file} is not reached by zig build test (no _ = @import chain from zig/src/root.zig)`];
  const names = zigTests(src);
  return [...problems, ...titles.filter((t) => !names.some((n) => cites(n, t))).map((t) => `${file} has no Zig test "${t}"`)];
}

for (const doc of readdirSync(dir).filter((f) => f.endsWith(".md"))) {
  test(`${doc}: every cited test file exists and holds the cited titles`, () => {
    const problems: string[] = [];
    for (const line of readFileSync(join(dir, doc), "utf8").split("\n")) {
      if (!line.startsWith("- ")) continue;
      for (const [, file, rest] of line.matchAll(/`(test\/[\w/.-]+\.ts|zig\/src\/[\w/.-]+\.zig)`([^`]*)/g)) {
        problems.push(...check(file!, [...rest!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!)));
      }
    }
    expect(problems).toEqual([]);
  });
}
