// Golden files of generated Seatbelt profiles (test/fixtures/seatbelt/<case>.sb
// and <case>.params.json). A change to the compiler shows up as a diff here;
// regenerate deliberately with CORDON_UPDATE_GOLDEN=1 and review the diff.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileSeatbelt, type SeatbeltInput } from "../../lib/plan/darwin/seatbelt.ts";

const dir = join(import.meta.dir, "..", "fixtures", "seatbelt");
const update = process.env.CORDON_UPDATE_GOLDEN === "1";

const system = ["/usr/lib", "/usr/bin", "/bin", "/System/Library", "/private/var/db/dyld"];
const cases: Record<string, SeatbeltInput> = {
  "read-only": { fs: { read: [...system, "/job/src"], write: [] }, net: "none", cwd: "/job/src" },
  "read-write": {
    fs: { read: [...system, "/job/src", "/dev/urandom"], write: ["/job/src/build", "/private/tmp/cordon-1", "/dev/null"] },
    net: "none",
    cwd: "/job/src/build",
  },
  "net-ports": { fs: { read: system, write: [] }, net: { connect: [443, 22], bind: [8080] }, cwd: "/private/tmp" },
  "net-all": { fs: { read: system, write: [] }, net: "all", cwd: "/private/tmp" },
};

describe("seatbelt golden profiles", () => {
  for (const [name, input] of Object.entries(cases)) {
    test(name, () => {
      const out = compileSeatbelt(input);
      const sb = join(dir, `${name}.sb`);
      const params = join(dir, `${name}.params.json`);
      const paramsText = `${JSON.stringify(out.params, null, 2)}\n`;
      if (update || !existsSync(sb)) {
        if (!update) throw new Error(`missing golden file ${sb}: run with CORDON_UPDATE_GOLDEN=1`);
        writeFileSync(sb, out.text);
        writeFileSync(params, paramsText);
      }
      expect(out.text).toBe(readFileSync(sb, "utf8"));
      expect(paramsText).toBe(readFileSync(params, "utf8"));
    });
  }
});

describe("seatbelt compiler rules", () => {
  const base: SeatbeltInput = { fs: { read: ["/usr/lib"], write: [] }, net: "none", cwd: "/private/tmp" };

  test("no allow rule is ever emitted without a filter", () => {
    for (const input of [...Object.values(cases), { ...base, fs: { read: [], write: [] } }]) {
      const bare = compileSeatbelt(input).text.split("\n").filter((l) => /^\(allow [a-z*\- ]+\)$/.test(l) && !/\(allow (process-fork|system-socket)\)/.test(l));
      expect(bare).toEqual([]);
    }
  });

  test("the profile starts by denying everything", () => {
    const lines = compileSeatbelt(base).text.split("\n");
    expect(lines[0]).toBe("(version 1)");
    expect(lines).toContain("(deny default)");
    expect(lines.findIndex((l) => l.startsWith("(allow"))).toBeGreaterThan(lines.indexOf("(deny default)"));
  });

  test("paths travel only as parameters, never inside the profile text", () => {
    const tricky = '/job/a "quoted" (dir)';
    const out = compileSeatbelt({ ...base, fs: { read: [tricky], write: [] }, cwd: tricky });
    expect(out.text).not.toContain("quoted");
    expect(out.params).toContainEqual(["READ_0", tricky]);
  });

  test("a path granted for writing is not repeated as a read grant", () => {
    const out = compileSeatbelt({ ...base, fs: { read: ["/w", "/r"], write: ["/w"] } });
    expect(out.params.filter(([, v]) => v === "/w").map(([k]) => k)).toEqual(["WRITE_0"]);
  });

  test("ancestors of grants and of the working directory get metadata access only", () => {
    const out = compileSeatbelt({ ...base, fs: { read: ["/a/b/c"], write: [] }, cwd: "/x/y" });
    const ancestors = out.params.filter(([k]) => k.startsWith("ANCESTOR_")).map(([, v]) => v);
    expect(ancestors.sort()).toEqual(["/a", "/a/b", "/x", "/x/y"]);
  });

  test("device grants match the node itself and are never executable", () => {
    const out = compileSeatbelt({ ...base, fs: { read: ["/usr/lib", "/dev/urandom"], write: ["/dev/null"] } });
    const key = (v: string) => out.params.find(([, p]) => p === v)![0];
    expect(out.text).toContain(`(literal (param "${key("/dev/urandom")}"))`);
    expect(out.text).toContain(`(literal (param "${key("/dev/null")}"))`);
    expect(out.text).not.toContain(`(subpath (param "${key("/dev/null")}"))`);
    expect(out.text).toContain(`(allow process-exec (subpath (param "${key("/usr/lib")}")))`);
  });

  test("without grants nothing may be executed", () => {
    const out = compileSeatbelt({ ...base, fs: { read: [], write: [] } });
    expect(out.text).not.toContain("process-exec");
  });

  test("network none allows no network operation at all", () => {
    expect(compileSeatbelt(base).text).not.toMatch(/\(allow network/);
  });

  test("ports become TCP-only remote and local filters", () => {
    const out = compileSeatbelt({ ...base, net: { connect: [443], bind: [] } }).text;
    expect(out).toContain('(allow network-outbound (remote tcp "*:443"))');
    expect(out).not.toMatch(/remote (ip|udp)/);
    expect(out).not.toContain("network-bind");
  });

  test("bad ports and relative paths are refused", () => {
    expect(() => compileSeatbelt({ ...base, net: { connect: [0], bind: [] } })).toThrow(/not a TCP port/);
    expect(() => compileSeatbelt({ ...base, net: { connect: [70000], bind: [] } })).toThrow(/not a TCP port/);
    expect(() => compileSeatbelt({ ...base, fs: { read: ["usr/lib"], write: [] } })).toThrow(/absolute/);
  });
});
