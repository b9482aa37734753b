// docs/assumptions/linux-audit.md names its tests as `path` "title"; every
// cited file must exist and every title must appear in it.
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");

test("linux-audit.md cites real tests on every line", () => {
  const lines = readFileSync(join(root, "docs", "assumptions", "linux-audit.md"), "utf8").split("\n").filter((l) => l.startsWith("- "));
  expect(lines.length).toBeGreaterThan(10);
  const missing: string[] = [];
  for (const line of lines) {
    const cites = [...line.matchAll(/`(test\/[\w\/.-]+\.ts)`((?:\s*"[^"]+",?)+)/g)];
    if (cites.length === 0) missing.push(`no test named: ${line.slice(0, 60)}`);
    for (const m of cites) {
      const path = join(root, m[1]!);
      const src = existsSync(path) ? readFileSync(path, "utf8") : "";
      for (const t of m[2]!.matchAll(/"([^"]+)"/g)) if (!src.includes(t[1]!)) missing.push(`${m[1]}: ${t[1]}`);
    }
  }
  expect(missing).toEqual([]);
});
