// macOS and FreeBSD number errno differently from Linux; statuses from their
// libraries must decode with their own table.
import { describe, expect, test } from "bun:test";
import { statusName } from "../../ffi/status.ts";
import { ERRNO as DARWIN } from "../../ffi/generated/darwin-errno.ts";
import { ERRNO as FREEBSD } from "../../ffi/generated/freebsd-errno.ts";

describe("BSD errno tables", () => {
  test("macOS: ENOTSUP is 45 and EOPNOTSUPP 102, unlike Linux", () => {
    expect(statusName("errno", -45, "darwin")).toBe("ENOTSUP");
    expect(statusName("errno", -102, "darwin")).toBe("EOPNOTSUPP");
    expect(statusName("errno", -95, "linux")).toBe("EOPNOTSUPP");
  });

  test("FreeBSD: Capsicum's errors have names", () => {
    expect(statusName("errno", -FREEBSD.CAPMODE, "freebsd")).toBe("ECAPMODE");
    expect(statusName("errno", -FREEBSD.NOTCAPABLE, "freebsd")).toBe("ENOTCAPABLE");
    expect(statusName("errno", -FREEBSD.NOTCAPABLE, "darwin")).not.toBe("ENOTCAPABLE");
  });

  test("an alias never hides a number's own name", () => {
    expect(DARWIN.AGAIN).toBe(DARWIN.WOULDBLOCK);
    expect(statusName("errno", -DARWIN.AGAIN, "darwin")).toBe("EAGAIN");
    expect(statusName("errno", -FREEBSD.AGAIN, "freebsd")).toBe("EAGAIN");
  });

  test("the shared low numbers agree with POSIX history", () => {
    for (const t of [DARWIN, FREEBSD]) expect([t.PERM, t.NOENT, t.SRCH, t.ACCES]).toEqual([1, 2, 3, 13]);
  });
});
