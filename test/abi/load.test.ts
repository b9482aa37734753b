// The host library loads, reports its version and ABI, and failures arrive as typed errors.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { LibraryError, OsError } from "../../ffi/errors.ts";
import { nativeAbiVersion, nativeVersion } from "../../ffi/common.ts";
import { ABI_VERSION, findLibrary } from "../../ffi/library.ts";
import pkg from "../../package.json";
import { emulated, testUnless } from "../helpers/skip.ts";

const root = join(import.meta.dir, "..", "..");

describe("native library", () => {
  test("loads and reports this package's version and ABI", () => {
    expect(nativeVersion()).toBe(pkg.version);
    expect(nativeAbiVersion()).toBe(ABI_VERSION);
  });

  testUnless(emulated.childBun, "a missing library is a LibraryError that says how to build it", () => {
    const saved = process.env.CORDON_LIBRARY;
    process.env.CORDON_LIBRARY = join(root, "does-not-exist.so");
    try {
      expect(() => findLibrary()).toThrow(LibraryError);
    } finally {
      if (saved === undefined) delete process.env.CORDON_LIBRARY;
      else process.env.CORDON_LIBRARY = saved;
    }
    // A fresh process with no build at all names the command to run.
    const r = Bun.spawnSync([process.execPath, "-e", `
      const { findLibrary } = await import(${JSON.stringify(join(root, "ffi/library.ts"))});
      process.chdir("/");
      try { findLibrary(); console.log("found"); } catch (e) { console.log(e.name + ": " + e.message); }
    `], { env: { ...process.env, CORDON_LIBRARY: "" } });
    expect(r.stdout.toString()).toMatch(/found|LibraryError: native library for .* not built: run `zig build`/);
  });
});

describe.if(process.platform === "linux")("linux library", () => {
  test("a failing syscall surfaces as OsError with the errno name", async () => {
    const { closeFd } = await import("../../ffi/linux.ts");
    let caught: unknown;
    try {
      closeFd(0x7fffffff); // a valid number no process holds open
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(OsError);
    expect((caught as OsError).errorName).toBe("EBADF");
    expect((caught as OsError).message).toBe("close: EBADF");
  });

  test("the library needs no libc (one .so for glibc and musl Bun)", () => {
    const bytes = Bun.file(findLibrary()).bytes();
    return bytes.then((b) => {
      // An ELF with DT_NEEDED entries names its libraries in .dynstr; a libc-free one names none.
      const text = new TextDecoder("latin1").decode(b);
      expect(text).not.toMatch(/libc\.so|ld-linux|libc\.musl/);
    });
  });
});
