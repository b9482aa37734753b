// docs/sel4/README.md names, for every property P01-P24, the seL4 mechanism
// and the cordon guarantee ids it corresponds to (each one registered), and
// its components are the protection domains the generator makes.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { properties } from "../../lib/guarantees/properties.ts";
import { isGuaranteeId } from "../../lib/guarantees/registry.ts";
import { planMicrokit } from "../../lib/plan/sel4/index.ts";
import { parseXml } from "../helpers/xml.ts";

const doc = readFileSync(join(import.meta.dir, "..", "..", "docs", "sel4", "README.md"), "utf8");
const rows = new Map(doc.split("\n").filter((l) => /^\| P\d\d \|/.test(l)).map((l) => [l.slice(2, 5), l.split(" | ")]));

describe("docs/sel4/README.md", () => {
  test("every property has one row: its seL4 mechanism and at least one cordon guarantee id", () => {
    expect([...rows.keys()]).toEqual(properties.map((p) => p.id));
    for (const p of properties) {
      const cells = rows.get(p.id)!;
      expect([p.id, cells[1]]).toEqual([p.id, p.title]);
      expect([p.id, cells[2]!.length > 20]).toEqual([p.id, true]);
      const ids = [...cells[3]!.matchAll(/`([a-z]+\.[a-zA-Z-]+)`/g)].map((m) => m[1]!);
      expect([p.id, ids.length > 0]).toEqual([p.id, true]);
    }
  });

  test("every guarantee id the design names is in the registry", () => {
    const named = [...doc.matchAll(/`([a-z]+\.[a-z][a-zA-Z-]*)`/g)].map((m) => m[1]!).filter((id) => !/\.(md|ts|elf|bin|img)$/.test(id));
    expect(named.filter((id) => !isGuaranteeId(id))).toEqual([]);
  });

  test("its components are the protection domains of a job with every kind of grant", () => {
    const system = parseXml(planMicrokit({ argv: ["make"], policy: { fs: { read: ["/src"] }, net: { connect: [443], bind: [] }, limits: { timeoutMs: 1000 } } }).xml);
    const walk = (e: typeof system): string[] => e.children.flatMap((c) => (c.name === "protection_domain" ? [c.attrs.name!, ...walk(c)] : []));
    const table = doc.slice(doc.indexOf("| component |"), doc.indexOf("A Microkit system is static"));
    const components = table.split("\n").slice(2).filter((l) => l.startsWith("| ")).map((l) => l.split(" | ")[0]!.slice(2).split(" ")[0]!);
    expect(components.sort()).toEqual(walk(system).sort());
  });
});
