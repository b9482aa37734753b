// docs/security-model.md is what the generator makes of the described hosts
// (no live probe), and every assumption line it quotes exists exactly once.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ASSUMPTION_DOCS, ASSUMPTION_PHRASES } from "../../lib/probe/assumption-lines.ts";
import { compareHosts } from "../../lib/probe/compare.ts";
import { renderSecurityModel } from "../../lib/probe/compare-markdown.ts";
import { describedColumns, type Os } from "../../lib/probe/described.ts";
import { readAssumptionDocs } from "../../lib/probe/live-column.ts";

const root = join(import.meta.dir, "..", "..");
const docs = readAssumptionDocs(root);

describe("docs/security-model.md", () => {
  test("matches the generator for the described hosts (regenerate: bun bin/cordon.ts probe --compare --markdown > docs/security-model.md)", () => {
    const generated = renderSecurityModel(compareHosts(describedColumns, docs)) + "\n";
    expect(readFileSync(join(root, "docs", "security-model.md"), "utf8")).toBe(generated);
  });

  test("every quoted phrase is in exactly one assumption line of its OS's documents", () => {
    const problems: string[] = [];
    for (const os of Object.keys(ASSUMPTION_PHRASES) as Os[])
      for (const [id, phrase] of Object.entries(ASSUMPTION_PHRASES[os])) {
        const hits = ASSUMPTION_DOCS[os].flatMap((d) => (docs.get(d) ?? []).filter((l) => l.startsWith("- ") && l.includes(phrase!)).map(() => d));
        if (hits.length !== 1) problems.push(`${os} ${id}: "${phrase}" found in ${hits.length} assumption lines (update lib/probe/assumption-lines.ts)`);
      }
    expect(problems).toEqual([]);
  });

  test("the counts per host in the document add up to 24 and agree with the marks table", () => {
    const text = readFileSync(join(root, "docs", "security-model.md"), "utf8");
    for (const h of compareHosts(describedColumns, docs).hosts) {
      expect(text).toContain(`| ${h.title} | ${h.counts.E} E, ${h.counts.P} P, ${h.counts.N} N |`);
      expect(h.counts.E! + h.counts.P! + h.counts.N!).toBe(24);
    }
  });
});
