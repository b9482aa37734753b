// The "./raw" entry: the FFI layer for callers who want the mechanisms directly.
export * from "./errors.ts";
export { check, statusError, statusName, CORDON_E } from "./status.ts";
export { ABI_VERSION, findLibrary, platformTag, openedLibraryPath } from "./library.ts";
export { nativeVersion } from "./common.ts";
