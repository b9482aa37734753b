// Finds the native library for this platform, checks it against the digest
// cordon pins for it (ffi/pinned.ts), opens it once, checks its ABI.
import { dlopen, type Library } from "bun:ffi";
import { closeSync, existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import cordonPackage from "../package.json";
import { LibraryError } from "./errors.ts";
import { CORDON_ABI_VERSION } from "./generated/common-layouts.ts";
import { DIGEST_FILE, existingNative, openChecked, pinsFor, type NativeFile, type Source } from "./pinned.ts";
import { commonSymbols } from "./symbols/common.ts";
import { darwinSymbols } from "./symbols/darwin.ts";
import { forDlopen, type DlopenTable, type SymbolTable } from "./symbols/define.ts";
import { freebsdSymbols } from "./symbols/freebsd.ts";
import { linuxSymbols } from "./symbols/linux.ts";
import { openbsdSymbols } from "./symbols/openbsd.ts";
import { windowsSymbols } from "./symbols/windows.ts";

/** Must equal CORDON_ABI_VERSION of the loaded library. */
export const ABI_VERSION = CORDON_ABI_VERSION;

/** Each platform's exports beyond the common ones. */
export const platformTables: Partial<Record<NodeJS.Platform, SymbolTable>> = {
  linux: linuxSymbols,
  win32: windowsSymbols,
  darwin: darwinSymbols,
  freebsd: freebsdSymbols,
  openbsd: openbsdSymbols,
};

const fileNames: Partial<Record<NodeJS.Platform, string>> = {
  linux: "libcordon.so",
  win32: "cordon.dll",
  darwin: "libcordon.dylib",
  freebsd: "libcordon.so",
  openbsd: "libcordon.so",
};

/** `<platform>-<arch>`: the directory and package suffix of this host's library. */
export function platformTag(): string {
  return `${process.platform}-${process.arch}`;
}

const packageRoot = join(import.meta.dir, "..");

/**
 * package.json of the installed package `name`, looked for as a file in each
 * node_modules from cordon's own directory up to the root, the directories
 * Node's resolution would visit. Never through module resolution: with no
 * node_modules around, Bun's resolver auto-installs, asking the package
 * registry for a name that anyone could claim there.
 */
function installedPackage(name: string): string | undefined {
  for (let dir = packageRoot; ; dir = dirname(dir)) {
    if (basename(dir) !== "node_modules") {
      const candidate = join(dir, "node_modules", ...name.split("/"), "package.json");
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const pinsFile = join(import.meta.dir, DIGEST_FILE);

/**
 * Where the library is: CORDON_LIBRARY (an explicit path), the installed
 * platform package `@cordon/native-<platform>-<arch>` (found by file path
 * only), or a local `zig build`.
 */
function locate(): Source {
  const version = cordonPackage.version;
  const tag = platformTag();
  const name = `@cordon/native-${tag}`;
  const explicit = process.env.CORDON_LIBRARY;
  if (explicit) {
    if (!existsSync(explicit)) throw new LibraryError(`CORDON_LIBRARY=${explicit} does not exist`, "LIBRARY_NOT_FOUND");
    return { library: explicit, packageName: "CORDON_LIBRARY", digests: undefined };
  }
  const file = fileNames[process.platform];
  if (!file) throw new LibraryError(`cordon has no native library for ${process.platform}`, "PLATFORM_UNSUPPORTED");
  const pkg = installedPackage(name);
  if (pkg !== undefined) {
    const candidate = join(pkg, "..", file);
    if (existsSync(candidate)) {
      checkPackageAbi(name, pkg);
      return { library: candidate, packageName: name, digests: pinsFor(pinsFile, name, version, true) };
    }
  }
  const local = join(packageRoot, "zig-out", "native", tag, file);
  if (existsSync(local)) return { library: local, packageName: `${name} (zig-out/native/${tag})`, digests: pinsFor(pinsFile, name, version, false) };
  if (!existsSync(join(packageRoot, "build.zig"))) {
    // An installed cordon: the optional dependency for this platform is missing.
    throw new LibraryError(
      `native library for ${tag} not found: the package ${name} is not installed (an optional dependency of cordon: ` +
        `reinstall cordon without omitting optional dependencies, or \`bun add ${name}@${cordonPackage.version}\`)`,
      "LIBRARY_NOT_FOUND",
    );
  }
  throw new LibraryError(
    `native library for ${tag} not built: run \`zig build\` in the cordon checkout, or install ${name}`,
    "LIBRARY_NOT_FOUND",
  );
}

/** The library's path, once its bytes were checked against the digest cordon pins for it (see locate for where it is looked for). */
export function findLibrary(): string {
  const source = locate();
  const library = openChecked(source, basename(source.library))!;
  closeSync(library.fd);
  return library.path;
}

/** The source of the opened library, else of the one the lookup finds now. */
function currentSource(): Source {
  return opened?.source ?? locate();
}

/**
 * Path of a helper program installed beside the library (cordon-init,
 * cordon-exec, cordon-audit-probe.exe), not yet checked; undefined when it
 * does not exist and nothing pins it (a checkout that did not build it).
 */
export function helperPath(file: string): string | undefined {
  return existingNative(currentSource(), file);
}

/**
 * The helper `file`, opened and checked against its pinned digest now; `use`
 * names that open file (Linux: its descriptor) until the caller closes `fd`.
 */
export function openHelper(file: string): NativeFile {
  const native = openChecked(currentSource(), file);
  if (!native) throw new LibraryError(`${file} is missing beside the native library`, "LIBRARY_NOT_FOUND");
  return native;
}

/**
 * The helper's path, checked against its pinned digest, for a spawn that can
 * only name a path (macOS and FreeBSD's cordon-exec, Windows' audit probe):
 * the file could still be replaced between this check and that exec.
 */
export function checkedHelperPath(file: string): string | undefined {
  const native = openChecked(currentSource(), file);
  if (native) closeSync(native.fd);
  return native?.path;
}

/** A native package declares its ABI (`"cordon": { "abi": N }`); a different one is refused before dlopen. */
function checkPackageAbi(name: string, packageJson: string): void {
  let declared: unknown;
  let version: unknown;
  try {
    const meta = JSON.parse(readFileSync(packageJson, "utf8")) as { version?: unknown; cordon?: { abi?: unknown } };
    declared = meta.cordon?.abi;
    version = meta.version;
  } catch (e) {
    throw new LibraryError(`cannot read ${packageJson}: ${(e as Error).message}`, "LIBRARY_LOAD_FAILED");
  }
  if (declared !== ABI_VERSION) {
    const has = typeof declared === "number" ? `ABI ${declared}` : "no ABI version";
    throw new LibraryError(
      `${name}@${String(version)} declares ${has}, this cordon ${cordonPackage.version} needs ABI ${ABI_VERSION}: ` +
        `install ${name} at the same version as cordon`,
      "ABI_MISMATCH",
    );
  }
}

let opened: { path: string; source: Source; lib: Library<any> } | undefined;

/**
 * Opens the library once per process with the common and this platform's
 * symbols, and refuses a library whose ABI version differs from this package's.
 */
export function openLibrary(): Library<any> {
  if (opened) return opened.lib;
  const source = locate();
  const { path, use, fd } = openChecked(source, basename(source.library))!;
  let lib: Library<any>;
  try {
    // The checked file itself, through its descriptor (Linux): not whatever the path names by now.
    lib = dlopen(use, forDlopen({ ...commonSymbols, ...platformTables[process.platform] }));
  } catch (e) {
    throw new LibraryError(`cannot load ${path}: ${(e as Error).message}`, "LIBRARY_LOAD_FAILED");
  } finally {
    closeSync(fd); // the mapping keeps the file
  }
  const abi = (lib.symbols as Symbols<typeof commonSymbols>).cordon_abi_version();
  if (abi !== ABI_VERSION) {
    lib.close();
    throw new LibraryError(`${path} has ABI ${abi}, this cordon needs ABI ${ABI_VERSION}: rebuild or reinstall the native package`, "ABI_MISMATCH");
  }
  opened = { path, source, lib };
  return lib;
}

/** Typed view of the opened library for one table (the caller checked the platform). */
export type Symbols<T extends SymbolTable> = Library<DlopenTable<T>>["symbols"];

/** Path of the opened library, for reports. */
export function openedLibraryPath(): string | undefined {
  return opened?.path;
}
