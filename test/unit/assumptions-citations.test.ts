// Every docs/assumptions/*.md line that cites a test as `path` "title" names
// a file that exists and titles that occur in it ("…" ends a shortened
// title), so a renamed or deleted test shows up here. A title cited without a
// path belongs to the section's file (a "## … (`test/…`)" heading).
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

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

for (const doc of readdirSync(dir).filter((f) => f.endsWith(".md"))) {
  test(`${doc}: every cited test file exists and holds the cited titles`, () => {
    const problems: string[] = [];
    for (const line of readFileSync(join(dir, doc), "utf8").split("\n")) {
      if (!line.startsWith("- ")) continue;
      for (const [, file, rest] of line.matchAll(/`(test\/[\w/.-]+\.ts)`([^`]*)/g)) {
        const path = join(root, file!);
        if (!existsSync(path)) {
          problems.push(`missing file ${file}`);
          continue;
        }
        const src = readFileSync(path, "utf8");
        for (const [, title] of rest!.matchAll(/"([^"]+)"/g)) if (!cites(src, title!)) problems.push(`${file} has no test "${title}"`);
      }
    }
    expect(problems).toEqual([]);
  });
}
