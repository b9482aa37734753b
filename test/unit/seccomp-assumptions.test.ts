// docs/assumptions/linux-seccomp.md: every line names its test as `path`
// "title", the file exists and each title occurs in it, so a renamed or
// deleted test shows up here.
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");

test("linux-seccomp.md: every assumption cites a test file and titles that exist", () => {
  const text = readFileSync(join(root, "docs", "assumptions", "linux-seccomp.md"), "utf8");
  const lines = text.split("\n").filter((l) => l.startsWith("- "));
  expect(lines.length).toBeGreaterThan(10);
  const problems: string[] = [];
  for (const line of lines) {
    // Titles after a `path` belong to it until the next `path`; "; " or "," separate them.
    const parts = [...line.matchAll(/`(test\/[\w/.-]+\.ts)`([^`]*)/g)];
    if (parts.length === 0) problems.push(`no test cited: ${line.slice(0, 80)}`);
    for (const [, file, rest] of parts) {
      const path = join(root, file!);
      if (!existsSync(path)) {
        problems.push(`missing file ${file}`);
        continue;
      }
      const src = readFileSync(path, "utf8");
      const titles = [...rest!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
      if (titles.length === 0) problems.push(`no title for ${file}`);
      for (const t of titles) if (!src.includes(t)) problems.push(`${file} has no test "${t}"`);
    }
  }
  expect(problems).toEqual([]);
});
