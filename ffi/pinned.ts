// The SHA-256 digests an installed cordon pins for the files of its native
// packages (ffi/native-digests.json, written by scripts/package-natives.ts
// into the packed package only, never into a checkout), and the check of a
// native file against them right before it is loaded or executed.
//
// A native file is opened and hashed from that descriptor right before each
// use, which goes through the same descriptor (/proc/self/fd/N on Linux), so
// what dlopen maps and what cordon-init's execve runs is the inode that was
// checked, whatever is renamed over the path meanwhile.
import { createHash } from "node:crypto";
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { dirname, join } from "node:path";
import { LibraryError } from "./errors.ts";

/** Name of the digest file, beside this module. */
export const DIGEST_FILE = "native-digests.json";

/** ffi/native-digests.json: cordon's version and, per native package, each file's SHA-256 (hex). */
export type Pins = { readonly cordon: string; readonly sha256: Readonly<Record<string, Readonly<Record<string, string>>>> };

/** What a native file is checked against; undefined: not pinned (CORDON_LIBRARY, a checkout's own build). */
export type Pin = { readonly packageName: string; readonly sha256: string | undefined };

/** Where the library was found and the digests its package's files must have (none: CORDON_LIBRARY, a checkout's unpinned build). */
export type Source = { readonly library: string; readonly packageName: string; readonly digests: Readonly<Record<string, string>> | undefined };

const HEX64 = /^[0-9a-f]{64}$/;

/** The digest file at `path`, or undefined when there is none; a malformed one is an error, never ignored. */
export function readPins(path: string): Pins | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new LibraryError(`${path} is not readable JSON: ${(e as Error).message}; nothing native is loaded`, "DIGESTS_INVALID");
  }
  const p = parsed as Partial<Pins> | null;
  const tables = p && typeof p === "object" && p.sha256 && typeof p.sha256 === "object" ? Object.values(p.sha256) : undefined;
  const wellFormed =
    typeof p?.cordon === "string" &&
    tables !== undefined &&
    tables.every((t) => t !== null && typeof t === "object" && Object.values(t).every((d) => typeof d === "string" && HEX64.test(d)));
  if (!wellFormed) throw new LibraryError(`${path} does not hold { cordon, sha256: { package: { file: hex } } }; nothing native is loaded`, "DIGESTS_INVALID");
  return p as Pins;
}

/** A native file opened and checked; `use` names that same open file (for dlopen and execve) until `fd` is closed. */
export type NativeFile = { readonly path: string; readonly fd: number; readonly use: string; readonly sha256: string };

function digestOf(fd: number): string {
  const hash = createHash("sha256");
  const chunk = Buffer.allocUnsafe(1 << 16);
  for (let pos = 0; ; ) {
    const n = readSync(fd, chunk, 0, chunk.length, pos);
    if (n === 0) return hash.digest("hex");
    hash.update(chunk.subarray(0, n));
    pos += n;
  }
}

/** Whether /proc/self/fd exists here: asked once (each spawn opens cordon-init through it). */
let procFd: boolean | undefined;

/**
 * The name under which the opened file is used again. Linux: its descriptor
 * in /proc/self/fd, the inode hashed. Elsewhere the path itself, accepted only
 * when nobody but its owner (the caller or root) could have rewritten it.
 */

function usePath(fd: number, path: string): string {
  if (process.platform === "linux" && (procFd ??= existsSync("/proc/self/fd"))) return `/proc/self/fd/${fd}`;
  if (process.platform === "win32") return path;
  const st = fstatSync(fd);
  const uid = process.getuid?.();
  if ((st.mode & 0o022) !== 0 || (st.uid !== 0 && st.uid !== uid)) {
    throw new LibraryError(`${path} is writable by others than its owner, or owned by uid ${st.uid}: refused before use`, "LIBRARY_UNSAFE_PERMISSIONS");
  }
  return path;
}

/**
 * Opens `path` (close-on-exec) and, when `pin.sha256` is set, hashes
 * what that descriptor reads: a different digest is a LibraryError naming the
 * package, the file and both digests, and the file is closed unused.
 */
export function openNative(path: string, pin: Pin | undefined): NativeFile {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new LibraryError(`cannot open ${path}: ${(e as Error).message}`, "LIBRARY_LOAD_FAILED");
  }
  try {
    const sha256 = pin?.sha256 === undefined ? "" : digestOf(fd);
    if (pin?.sha256 !== undefined && sha256 !== pin.sha256) {
      throw new LibraryError(
        `${pin.packageName}: ${path} does not match the digest cordon pins for it ` +
          `(sha256 pinned ${pin.sha256}, file ${sha256}): refused before any use. Reinstall ${pin.packageName} from the tarball packed with this cordon (\`bun add --offline\`, README: Install)`,
        "DIGEST_MISMATCH",
      );
    }
    return { path, fd, use: usePath(fd, path), sha256 };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * The digests `pinsFile` pins for the files of package `name`. An installed
 * package (`required`) needs them: a cordon packed without its digest file
 * checks nothing, so it loads nothing. A checkout has no digest file (it is
 * written only into the pack's staging directory), but one there is honoured.
 */
export function pinsFor(pinsFile: string, name: string, version: string, required: boolean): Readonly<Record<string, string>> | undefined {
  const pins = readPins(pinsFile);
  if (!pins) {
    if (!required) return undefined;
    throw new LibraryError(
      `cordon ${version} has no ffi/${DIGEST_FILE} (it was not packed by scripts/package-natives.ts), so the files of ${name} cannot be checked: nothing is loaded`,
      "DIGESTS_MISSING",
    );
  }
  if (pins.cordon !== version) throw new LibraryError(`${pinsFile} was written for cordon ${pins.cordon}, this is ${version}: nothing is loaded`, "DIGESTS_INVALID");
  const table = pins.sha256[name];
  if (!table) throw new LibraryError(`${pinsFile} pins no digests for ${name}: nothing is loaded`, "DIGESTS_MISSING");
  return table;
}

/** `file` beside `source`'s library and its pinned digest; an error when digests are pinned but none for `file`. */
function nativeFile(source: Source, file: string): { readonly path: string; readonly sha256: string | undefined } {
  const path = join(dirname(source.library), file);
  const sha256 = source.digests?.[file];
  if (source.digests && sha256 === undefined) throw new LibraryError(`${source.packageName}: no digest is pinned for ${file}: not used`, "DIGESTS_MISSING");
  return { path, sha256 };
}

/** A missing native `file`: nothing when nothing pins it, an error when a digest is pinned for it. */
function missingNative(source: Source, path: string, sha256: string | undefined): undefined {
  if (sha256 === undefined) return undefined;
  throw new LibraryError(`${source.packageName}: ${path} is missing (cordon pins sha256 ${sha256} for it)`, "LIBRARY_NOT_FOUND");
}

/** `file` beside `source`'s library; undefined when it does not exist and nothing pins it, an error when a pinned one is missing. */
export function existingNative(source: Source, file: string): string | undefined {
  const { path, sha256 } = nativeFile(source, file);
  return existsSync(path) ? path : missingNative(source, path, sha256);
}

/** `file` beside `source`'s library, opened and checked against its pinned digest (the caller closes `fd`). */
export function openChecked(source: Source, file: string): NativeFile | undefined {
  const { path, sha256 } = nativeFile(source, file);
  // Opened directly (no existence check first: every spawn opens cordon-init here); a missing file is the open's ENOENT.
  try {
    return openNative(path, { packageName: source.packageName, sha256 });
  } catch (e) {
    if (e instanceof LibraryError && e.code === "LIBRARY_LOAD_FAILED" && !existsSync(path)) return missingNative(source, path, sha256);
    throw e;
  }
}
