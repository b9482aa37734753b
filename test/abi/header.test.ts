// The C header is the contract: every table entry matches a prototype in
// ffi/include/*.h (name, argument and return types, error domain), and the
// constants agree across header, Zig and TypeScript.
import { describe, expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ABI_VERSION, platformTables } from "../../ffi/library.ts";
import { CORDON_E } from "../../ffi/status.ts";
import { commonSymbols } from "../../ffi/symbols/common.ts";
import type { SymbolTable } from "../../ffi/symbols/define.ts";

const root = join(import.meta.dir, "..", "..");
const includeDir = join(root, "ffi", "include");

type Proto = { name: string; returns: string; args: string[]; domain: string; file: string };

function parseHeader(file: string): Proto[] {
  const text = readFileSync(join(includeDir, file), "utf8");
  const out: Proto[] = [];
  const re = /\/\*\*[\s*]*@domain\s+(\w+)[^]*?\*\/\s*CORDON_API\s+([\w\s*]+?)\s*\b(\w+)\s*\(([^)]*)\)\s*;/g;
  for (const m of text.matchAll(re)) {
    const [, domain, returns, name, params] = m as unknown as [string, string, string, string, string];
    const args = params.trim() === "void" || params.trim() === "" ? [] : params.split(",").map((p) => p.trim());
    out.push({ name, returns: returns.trim(), args, domain, file });
  }
  return out;
}

/** C parameter → the FFI types that may bind it. */
function ffiTypesFor(param: string): string[] {
  const t = param.replace(/\b(const|volatile)\b/g, "").replace(/\s+\w+$/, "").replace(/\s+/g, " ").trim();
  if (t.includes("*")) return ["buffer", "ptr", "cstring"];
  const scalar: Record<string, string[]> = {
    int32_t: ["i32"],
    uint32_t: ["u32"],
    int64_t: ["i64", "i64_fast"],
    uint64_t: ["u64", "u64_fast"],
    size_t: ["buffer_length", "u64", "u64_fast"],
    cordon_status: ["i32"],
    int16_t: ["i16"],
    uint16_t: ["u16"],
    uint8_t: ["u8"],
  };
  return scalar[t] ?? [`<unknown C type ${t}>`];
}

/** Each platform's headers: cordon_<os>.h and cordon_<os>_<mechanism>.h. */
const headerPrefix: Record<string, string> = {
  linux: "cordon_linux",
  win32: "cordon_windows",
  darwin: "cordon_darwin",
  freebsd: "cordon_freebsd",
  openbsd: "cordon_openbsd",
};
const headerFiles = readdirSync(includeDir).filter((f) => f.endsWith(".h"));
const headersOf = (prefix: string) => headerFiles.filter((f) => f === `${prefix}.h` || f.startsWith(`${prefix}_`));

function checkTable(table: SymbolTable, protos: Proto[]) {
  const byName = new Map(protos.map((p) => [p.name, p]));
  expect(Object.keys(table).sort()).toEqual([...byName.keys()].sort());
  for (const [name, spec] of Object.entries(table)) {
    const proto = byName.get(name)!;
    expect({ name, domain: spec.domain }).toEqual({ name, domain: proto.domain as typeof spec.domain });
    expect({ name, returns: proto.returns }).toEqual({ name, returns: "cordon_status" });
    expect(spec.returns).toBe("i32");
    expect({ name, arity: spec.args.length }).toEqual({ name, arity: proto.args.length });
    spec.args.forEach((arg, i) => {
      const allowed = ffiTypesFor(proto.args[i]!);
      expect({ name, arg: i, allowed, ok: allowed.includes(String(arg)) }).toEqual({ name, arg: i, allowed, ok: true });
    });
  }
}

describe("C header contract", () => {
  test("every header file belongs to a platform the tables know", () => {
    const known = headerFiles.filter((f) => f === "cordon.h" || Object.values(headerPrefix).some((p) => headersOf(p).includes(f)));
    expect(known.sort()).toEqual([...headerFiles].sort());
  });

  test("cordon.h includes every platform header", () => {
    const top = readFileSync(join(includeDir, "cordon.h"), "utf8");
    for (const f of headerFiles.filter((f) => f !== "cordon.h")) expect(top).toContain(`#include "${f}"`);
  });

  test("common exports match cordon.h", () => {
    checkTable(commonSymbols, parseHeader("cordon.h"));
  });

  for (const [platform, prefix] of Object.entries(headerPrefix)) {
    test(`${platform} exports match ${prefix}*.h`, () => {
      checkTable(platformTables[platform as NodeJS.Platform] ?? {}, headersOf(prefix).flatMap(parseHeader));
    });
  }

  test("status codes agree between header, Zig and TypeScript", () => {
    const header = readFileSync(join(includeDir, "cordon.h"), "utf8");
    const zig = readFileSync(join(root, "zig", "src", "abi.zig"), "utf8");
    for (const [key, value] of Object.entries(CORDON_E)) {
      expect(header).toMatch(new RegExp(`#define CORDON_E_${key}\\s+\\(${value}\\)`));
      expect(zig).toMatch(new RegExp(`\\b${key.toLowerCase()} = cordon_h\\.CORDON_E_${key},`));
    }
    const headerCodes = [...header.matchAll(/#define (CORDON_E_\w+)/g)].map((m) => m[1]);
    expect(headerCodes.sort()).toEqual(Object.keys(CORDON_E).map((k) => `CORDON_E_${k}`).sort());
  });

  test("ABI version agrees between header, Zig and TypeScript", () => {
    const header = readFileSync(join(includeDir, "cordon.h"), "utf8");
    const zig = readFileSync(join(root, "zig", "src", "abi.zig"), "utf8");
    expect(header).toContain(`#define CORDON_ABI_VERSION ${ABI_VERSION}\n`);
    expect(zig).toContain("pub const version: i32 = cordon_h.CORDON_ABI_VERSION;");
  });
});
