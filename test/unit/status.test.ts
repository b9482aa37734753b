// Status codes map to the OS's own names and to the right error class, on any OS.
import { describe, expect, test } from "bun:test";
import { NotSupportedError, OsError, PermissionError } from "../../ffi/errors.ts";
import { CORDON_E, statusError, statusName } from "../../ffi/status.ts";

describe("status decoding", () => {
  test("errno names on Linux", () => {
    expect(statusName("errno", -1, "linux")).toBe("EPERM");
    expect(statusName("errno", -2, "linux")).toBe("ENOENT");
    expect(statusName("errno", -95, "linux")).toBe("EOPNOTSUPP");
    expect(statusName("errno", -4000, "linux")).toBe("errno 4000");
  });

  test("NTSTATUS and Win32 names", () => {
    expect(statusName("ntstatus", 0xc0000022 | 0)).toBe("STATUS_ACCESS_DENIED");
    expect(statusName("ntstatus", 0xc0001234 | 0)).toBe("NTSTATUS 0xC0001234");
    expect(statusName("win32", -5)).toBe("ERROR_ACCESS_DENIED");
    expect(statusName("win32", -9999)).toBe("Win32 error 9999");
  });

  test("cordon's own codes win in every domain", () => {
    expect(statusName("errno", CORDON_E.INVALID_ARGUMENT)).toBe("CORDON_E_INVALID_ARGUMENT");
    expect(statusName("win32", CORDON_E.BUFFER_TOO_SMALL)).toBe("CORDON_E_BUFFER_TOO_SMALL");
  });

  test("classes follow the meaning", () => {
    expect(statusError("x", "errno", -13)).toBeInstanceOf(PermissionError);
    expect(statusError("x", "ntstatus", 0xc0000022 | 0)).toBeInstanceOf(PermissionError);
    expect(statusError("x", "errno", -38)).toBeInstanceOf(NotSupportedError);
    expect(statusError("x", "win32", -50)).toBeInstanceOf(NotSupportedError);
    const e = statusError("open", "errno", -2, "/nope");
    expect(e).toBeInstanceOf(OsError);
    expect(e).not.toBeInstanceOf(PermissionError);
    expect(e.message).toBe("open: ENOENT (/nope)");
    expect(e.code).toBe("ENOENT");
  });
});
