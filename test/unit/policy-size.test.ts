import { describe, expect, test } from "bun:test";
import { PolicyError } from "../../lib/errors.ts";
import { parseSize } from "../../lib/policy/size.ts";

describe("parseSize", () => {
  const good: [string, number][] = [
    ["0", 0],
    ["1048576", 1048576],
    ["512K", 512 * 1024],
    ["512k", 512 * 1024],
    ["512M", 512 * 2 ** 20],
    ["1G", 2 ** 30],
    ["2T", 2 * 2 ** 40],
    ["64MiB", 64 * 2 ** 20],
    ["64MB", 64 * 2 ** 20],
    ["1.5G", 1.5 * 2 ** 30],
    ["0.5K", 512],
    ["1.1K", 1126], // rounded down to whole bytes
    ["2.25M", 2.25 * 2 ** 20],
  ];
  for (const [text, bytes] of good) test(`${text} = ${bytes}`, () => expect(parseSize("--memory", text)).toBe(bytes));

  for (const text of ["", "M", "1.5", "1.G", ".5G", "-1M", "12X", "1 G G", "0x10", "9999999999T"]) {
    test(`${JSON.stringify(text)} is a PolicyError naming the field`, () => {
      let err: unknown;
      try {
        parseSize("--memory", text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as PolicyError).field).toBe("--memory");
    });
  }
});
