// The macOS and BSD assumption documents name their tests as
// `path` "title"; every named file must exist and every quoted title must be
// a test or describe title in it, so a renamed or deleted test shows up here.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");
const docs = ["macos.md", "freebsd.md", "openbsd.md"];

/** Pairs of (test file, title) cited on one line: a `test/...ts` path followed by quoted titles. */
function citations(line: string): { file: string; title: string }[] {
  const out: { file: string; title: string }[] = [];
  const re = /`(test\/[\w\/.-]+\.ts)`((?:\s*"[^"]+",?)+)/g;
  for (const m of line.matchAll(re)) {
    for (const t of m[2]!.matchAll(/"([^"]+)"/g)) out.push({ file: m[1]!, title: t[1]! });
  }
  return out;
}

describe("assumption documents cite real tests", () => {
  for (const doc of docs) {
    test(doc, () => {
      const text = readFileSync(join(root, "docs", "assumptions", doc), "utf8");
      const cited = text.split("\n").flatMap(citations);
      expect(cited.length).toBeGreaterThan(3);
      const missing = cited.filter(({ file, title }) => {
        const path = join(root, file);
        if (!existsSync(path)) return true;
        // "a > b" cites the test b inside describe a; the titles appear separately in the source.
        const src = readFileSync(path, "utf8");
        return !title.split(" > ").every((part) => src.includes(part.replace(/^> /, "")));
      });
      expect(missing).toEqual([]);
    });
  }
});
