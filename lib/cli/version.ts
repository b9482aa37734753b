// `cordon version` / `cordon --version`: three lines, exit 0 even when the
// native library cannot be loaded (then the second line says why), so a bug
// report can always include them.
import pkg from "../../package.json";
import { LibraryError } from "../errors.ts";

export async function version(): Promise<number> {
  console.log(`cordon ${pkg.version}`);
  try {
    const { nativeAbiVersion, nativeVersion } = await import("../../ffi/common.ts");
    const { openedLibraryPath } = await import("../../ffi/library.ts");
    console.log(`native ${nativeVersion()} (ABI ${nativeAbiVersion()}) ${openedLibraryPath()}`);
  } catch (e) {
    if (!(e instanceof LibraryError)) throw e;
    const what = e.code === "LIBRARY_NOT_FOUND" ? "native library not found" : "native library not loadable";
    console.log(`${what}: ${e.message.split("\n")[0]}`);
  }
  console.log(`platform ${process.platform}-${process.arch}, bun ${Bun.version}`);
  return 0;
}
