// Finds the native library for this platform, checks it against the digest
// cordon pins for it (ffi/pinned.ts), opens it once, checks its ABI.
import { dlopen, type Library } from "bun:ffi";
import { closeSync, existsSync, fstatSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import cordonPackage from "../package.json";
import { LibraryError } from "./errors.ts";
import { DIGEST_FILE, openNative, readPins, type NativeFile } from "./pinned.ts";
import { commonSymbols } from "./symbols/common.ts";
import { darwinSymbols } from "./symbols/darwin.ts";
import { forDlopen, type DlopenTable, type SymbolTable } from "./symbols/define.ts";
import { freebsdSymbols } from "./symbols/freebsd.ts";
import { linuxSymbols } from "./symbols/linux.ts";
import { openbsdSymbols } from "./symbols/openbsd.ts";
import { windowsSymbols } from "./symbols/windows.ts";

/** Must equal CORDON_ABI_VERSION of the loaded library. */
export const ABI_VERSION = 2;

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

/** Where a native file comes from and what it is checked against (no digest: CORDON_LIBRARY, or a checkout's unpinned build). */
type Source = { readonly library: string; readonly packageName: string; readonly digests: Readonly<Record<string, string>> | undefined };

const pinsFile = join(import.meta.dir, DIGEST_FILE);

/**
 * The digests this cordon pins for the files of `name`. An installed package
 * (`required`) needs them: a cordon packed without its digest file checks
 * nothing, so it loads nothing. A checkout has no digest file (it is written
 * only into the pack's staging directory), but one that is there is honoured.
 */
function pinnedFor(name: string, required: boolean): Readonly<Record<string, string>> | undefined {
  const pins = readPins(pinsFile);
  if (!pins) {
    if (!required) return undefined;
    throw new LibraryError(
      `cordon ${cordonPackage.version} has no ffi/${DIGEST_FILE} (it was not packed by scripts/package-natives.ts), ` +
        `so the files of ${name} cannot be checked: nothing is loaded`,
      "DIGESTS_MISSING",
    );
  }
  if (pins.cordon !== cordonPackage.version) throw new LibraryError(`${pinsFile} was written for cordon ${pins.cordon}, this is ${cordonPackage.version}: nothing is loaded`, "DIGESTS_INVALID");
  const table = pins.sha256[name];
  if (!table) throw new LibraryError(`${pinsFile} pins no digests for ${name}: nothing is loaded`, "DIGESTS_MISSING");
  return table;
}

/**
 * Where the library is: CORDON_LIBRARY (an explicit path), the installed
 * platform package `@cordon/native-<platform>-<arch>` (found by file path
 * only), or a local `zig build`.
 */
function locate(): Source {
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
      return { library: candidate, packageName: name, digests: pinnedFor(name, true) };
    }
  }
  const local = join(packageRoot, "zig-out", "native", tag, file);
  if (existsSync(local)) return { library: local, packageName: `${name} (zig-out/native/${tag})`, digests: pinnedFor(name, false) };
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

/** Native files opened and checked in this process, by path: each is hashed once, then used through its descriptor. */
const checked = new Map<string, NativeFile>();

/**
 * The checked file of `path` while the path still names it. Once something
 * else is there (a reinstall, or a file renamed over it), that is checked
 * afresh: what the path names must match the digest, not only what it named.
 */
function stillChecked(path: string): NativeFile | undefined {
  const known = checked.get(path);
  if (!known) return undefined;
  const held = fstatSync(known.fd);
  const now = existsSync(path) ? statSync(path) : undefined;
  if (now && now.dev === held.dev && now.ino === held.ino) return known;
  checked.delete(path);
  closeSync(known.fd);
  return undefined;
}

/** `file` of `source`'s directory, opened and checked against its pinned digest; undefined when it does not exist and nothing pins it. */
function checkedFile(source: Source, file: string): NativeFile | undefined {
  const path = join(dirname(source.library), file);
  const known = stillChecked(path);
  if (known) return known;
  const sha256 = source.digests?.[file];
  if (source.digests && sha256 === undefined) throw new LibraryError(`${source.packageName}: no digest is pinned for ${file}: not used`, "DIGESTS_MISSING");
  if (!existsSync(path)) {
    if (sha256 === undefined) return undefined;
    throw new LibraryError(`${source.packageName}: ${path} is missing (cordon pins sha256 ${sha256} for it)`, "LIBRARY_NOT_FOUND");
  }
  const native = openNative(path, { packageName: source.packageName, sha256 });
  checked.set(path, native);
  return native;
}

function checkedLibrary(source: Source): NativeFile {
  return checkedFile(source, basename(source.library))!;
}

/** The library's path, once its bytes were checked against the digest cordon pins for it (see locate for where it is looked for). */
export function findLibrary(): string {
  return checkedLibrary(locate()).path;
}

/**
 * A helper program installed beside the library (cordon-init, cordon-exec),
 * checked against its pinned digest before first use; `use` names the checked
 * file itself. Undefined when it does not exist and nothing pins it.
 */
export function nativeHelper(file: string): NativeFile | undefined {
  return checkedFile(opened?.source ?? locate(), file);
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
  const { path, use } = checkedLibrary(source);
  let lib: Library<any>;
  try {
    // The checked file itself, through its descriptor (Linux): not whatever the path names by now.
    lib = dlopen(use, forDlopen({ ...commonSymbols, ...platformTables[process.platform] }));
  } catch (e) {
    throw new LibraryError(`cannot load ${path}: ${(e as Error).message}`, "LIBRARY_LOAD_FAILED");
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
