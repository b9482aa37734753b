// "Did you mean": edit distance with swaps, and the closest known name only
// when it is close enough to be the one meant.
import { describe, expect, test } from "bun:test";
import { PolicyError } from "../../lib/errors.ts";
import { closest, editDistance } from "../../lib/policy/suggest.ts";
import { validatePolicy } from "../../lib/policy/validate.ts";

describe("editDistance", () => {
  const cases: [string, string, number][] = [
    ["", "", 0],
    ["read", "read", 0],
    ["", "abc", 3],
    ["raed", "read", 1], // a swap of neighbours is one edit
    ["memroy", "memory", 1],
    ["alow-read", "allow-read", 1],
    ["timout", "timeout", 1],
    ["kitten", "sitting", 3],
    ["json", "jsno", 1],
  ];
  for (const [a, b, d] of cases) test(`${a || '""'} → ${b || '""'}: ${d}`, () => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("closest", () => {
  const flags = ["allow-read", "allow-write", "allow-net", "allow-connect", "allow-bind", "memory", "pids", "cpu", "timeout", "json"];
  const cases: [string, string | undefined][] = [
    ["alow-read", "allow-read"],
    ["allow-wrte", "allow-write"],
    ["memroy", "memory"],
    ["Memory", "memory"],
    ["pid", "pids"],
    ["jsn", "json"],
    ["allow-con", "allow-connect"], // the start of exactly one
    ["allow", undefined], // the start of several
    ["frobnicate", undefined],
    ["x", undefined],
    ["cpus", "cpu"],
  ];
  for (const [unknown, expected] of cases) test(`${unknown} → ${expected ?? "nothing"}`, () => expect(closest(unknown, flags)).toBe(expected));
});

describe("validatePolicy's unknown keys", () => {
  const message = (p: unknown) => {
    try {
      validatePolicy(p);
    } catch (e) {
      if (e instanceof PolicyError) return e.message;
    }
    return "accepted";
  };
  test("a misspelt key names the one meant, then every known key", () => {
    expect(message({ limits: { memroy: 1 } })).toBe('limits.memroy: unknown key; did you mean "memory"? (known: memory, pids, cpuSeconds, timeoutMs, killSignal, killAfterMs, openFiles, fileSize)');
    expect(message({ nett: "all" })).toStartWith('nett: unknown key; did you mean "net"?');
  });
  test("a key close to nothing names only the known keys", () => {
    expect(message({ fs: { exec: [] } })).toBe("fs.exec: unknown key (known: read, write, system, denyRead, denyWrite)");
  });
});
