// argv → Windows command line. Checked by splitting it back with the rules
// CommandLineToArgvW documents (the test's own splitter), for arguments built
// to hit every rule; test/windows/spawn.test.ts checks the same against a real child.
import { describe, expect, test } from "bun:test";
import { commandLine, quoteArg } from "../../lib/plan/windows/command-line.ts";

/** Documented splitting rules: 2n backslashes + quote → n backslashes and a toggle; 2n+1 → n and a literal quote. */
function split(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    if (i >= line.length) break;
    let arg = "";
    let quoted = false;
    for (; i < line.length; i++) {
      const ch = line[i]!;
      if (!quoted && (ch === " " || ch === "\t")) break;
      if (ch === "\\") {
        let n = 0;
        while (line[i] === "\\") { n++; i++; }
        if (line[i] === '"') {
          arg += "\\".repeat(Math.floor(n / 2));
          if (n % 2 === 1) arg += '"';
          else quoted = !quoted;
        } else {
          arg += "\\".repeat(n);
          i--;
        }
      } else if (ch === '"') {
        quoted = !quoted;
      } else arg += ch;
    }
    out.push(arg);
  }
  return out;
}

const tricky = ["plain", "", "two words", 'say "hi"', "C:\\path\\", "C:\\path with space\\", 'back\\"slash', "\\\\server\\share", "tab\there", 'trail\\\\"', "\\", '"'];

describe("windows command line", () => {
  test("plain arguments stay unquoted", () => {
    expect(commandLine(["cmd.exe", "/c", "exit"])).toBe("cmd.exe /c exit");
  });
  test("empty arguments and spaces are quoted", () => {
    expect(quoteArg("")).toBe('""');
    expect(quoteArg("a b")).toBe('"a b"');
  });
  test("backslashes double only before a quote", () => {
    expect(quoteArg("C:\\dir with space\\")).toBe('"C:\\dir with space\\\\"');
    expect(quoteArg('a\\"b')).toBe('"a\\\\\\"b"');
    expect(quoteArg("C:\\no\\space")).toBe("C:\\no\\space");
  });
  test("every tricky argument survives the round trip", () => {
    expect(split(commandLine(["prog", ...tricky]))).toEqual(["prog", ...tricky]);
    for (const a of tricky) expect(split(quoteArg(a))).toEqual([a]);
  });
  test("an empty argv is refused", () => {
    expect(() => commandLine([])).toThrow();
  });
});
