#!/usr/bin/env bun
// Writes one npm package per native target from the output of `zig build cross`:
//
//   dist/npm/native-<platform>-<arch>/
//     package.json   @cordon/native-<platform>-<arch>, cordon's version, os/cpu, "cordon": { "abi": N }
//     <files>        the row's files in zig/targets.json: the library (libcordon.so | cordon.dll | libcordon.dylib), then cordon-init, cordon-exec or cordon-audit-probe.exe
//     README.md, LICENSE
//   dist/npm/cordon/   (with --pack) cordon as packed, with ffi/native-digests.json
//
// The targets and their files are the rows of zig/targets.json, the table
// build.zig builds from; each `dir` is already Node's `process.platform`-
// `process.arch` name, so it doubles as the npm `os` and `cpu` values. Linux
// packages carry no `libc` field: the .so links no libc at all, so one
// package serves glibc and musl Bun alike.
//
// Usage: bun scripts/package-natives.ts [--build] [--out DIR] [--pack]
//   --build   run `zig build cross` first (otherwise zig-out/native must be complete)
//   --out     where to write the packages (default dist/npm)
//   --pack    also `bun pm pack` cordon and every native package into DIR/tarballs and
//             print each tarball's size. cordon is staged in DIR/cordon first, with its
//             declarations (scripts/build-types.ts) and ffi/native-digests.json: the
//             SHA-256 of every file of every native package written here, which
//             cordon checks before it loads or runs one (ffi/pinned.ts)
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ABI_VERSION } from "../ffi/library.ts";
import { DIGEST_FILE, type Pins } from "../ffi/pinned.ts";
import { buildTypes } from "./build-types.ts";

const root = join(import.meta.dir, "..");

const notes: Record<string, string> = {
  linux: "The library makes raw system calls and links no libc, so this one package serves Bun built against glibc and against musl.",
  win32: "The library links only system DLLs (kernel32, ntdll, advapi32, ...); `cordon-audit-probe.exe` is the probe `cordon audit` runs outside and inside the sandbox.",
  darwin: "The library links libSystem; `cordon-exec` is the launcher that applies the Seatbelt profile before it executes the command.",
  freebsd: "The library links the system libc; `cordon-exec` is the launcher that enters the sandbox before it executes the command.",
  openbsd: "The library leaves pledge(2) and unveil(2) to the process's own libc.so.",
};

export type NativePackage = { tag: string; name: string; dir: string; files: string[] };

/** A row of zig/targets.json: `dir` is `<platform>-<arch>`, `files` the library first. */
export type BuildTarget = { readonly query: string; readonly dir: string; readonly libc: boolean; readonly files: readonly string[] };

/** The rows of zig/targets.json, the target table build.zig builds from. */
export function targetTable(): BuildTarget[] {
  const table = JSON.parse(readFileSync(join(root, "zig", "targets.json"), "utf8")) as { targets?: BuildTarget[] };
  if (!Array.isArray(table.targets) || table.targets.length === 0) throw new Error("zig/targets.json: no targets");
  for (const t of table.targets) {
    if (!/^[a-z0-9]+-[a-z0-9]+$/.test(t.dir) || !Array.isArray(t.files) || t.files.length === 0) throw new Error(`zig/targets.json: malformed row ${JSON.stringify(t)}`);
  }
  return table.targets;
}

/** `<platform>-<arch>` of every row of the target table. */
export function buildTargets(): string[] {
  return targetTable().map((t) => t.dir);
}

export function nativePackageName(tag: string): string {
  return `@cordon/native-${tag}`;
}

/** Writes every native package into `out`; returns what it wrote. */
export function packageNatives(out: string): NativePackage[] {
  const main = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; license: string; optionalDependencies?: Record<string, string> };
  // CORDON_ABI_VERSION as generated from the header (ffi/generated/common-layouts.ts).
  const abi = ABI_VERSION;
  const license = join(root, "LICENSE");
  const result: NativePackage[] = [];
  for (const { dir: tag, files } of targetTable()) {
    const [os, cpu] = tag.split("-") as [string, string];
    const name = nativePackageName(tag);
    const built = join(root, "zig-out", "native", tag);
    for (const f of files) {
      if (!existsSync(join(built, f))) throw new Error(`zig-out/native/${tag}/${f} is missing: run \`zig build cross\` (or pass --build)`);
    }
    const dir = join(out, `native-${tag}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const f of files) {
      copyFileSync(join(built, f), join(dir, f));
      chmodSync(join(dir, f), 0o755);
    }
    copyFileSync(license, join(dir, "LICENSE"));
    const pkg = {
      name,
      version: main.version,
      description: `cordon's native library for ${tag} (ABI ${abi}). Installed by cordon as an optional dependency; not used on its own.`,
      license: main.license,
      os: [os],
      cpu: [cpu],
      files: [...files, "README.md", "LICENSE"],
      preferUnplugged: true,
      cordon: { abi },
    };
    writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
    writeFileSync(
      join(dir, "README.md"),
      `# ${name}\n\nThe native library of [cordon](https://www.npmjs.com/package/cordon) for \`${tag}\`, ` +
        `C ABI version ${abi}. cordon lists it as an optional dependency and loads it itself; ` +
        `install \`cordon\`, not this package.\n\n${notes[os] ?? ""}\n`,
    );
    const listed = main.optionalDependencies?.[name];
    if (listed !== main.version) throw new Error(`package.json: optionalDependencies["${name}"] is ${listed ?? "missing"}, want ${main.version}`);
    result.push({ tag, name, dir, files: [...files] });
  }
  const extra = Object.keys(main.optionalDependencies ?? {}).filter((n) => !result.some((p) => p.name === n));
  if (extra.length > 0) throw new Error(`package.json: optionalDependencies name packages build.zig does not build: ${extra.join(", ")}`);
  return result;
}

/** SHA-256 (hex) of every file of every native package, as cordon pins them (ffi/pinned.ts reads this). */
export function nativeDigests(natives: NativePackage[]): Pins {
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  const sha256: Record<string, Record<string, string>> = {};
  for (const p of natives) {
    sha256[p.name] = Object.fromEntries(p.files.map((f) => [f, createHash("sha256").update(readFileSync(join(p.dir, f))).digest("hex")]));
  }
  return { cordon: version, sha256 };
}

/**
 * cordon's package as it is packed, in `dir`: fresh declarations (types/ is
 * built, not committed), package.json and what its "files" name, and
 * ffi/native-digests.json pinning the files of `natives`. The digest file
 * exists only here: a checkout never holds one that could go stale, and the
 * checkout itself is never packed (packPackage refuses it).
 */
export function stageCordon(natives: NativePackage[], dir: string): string {
  buildTypes(root);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const main = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { files: string[] };
  const stale = join(root, "ffi", DIGEST_FILE);
  for (const entry of ["package.json", ...main.files]) cpSync(join(root, entry), join(dir, entry), { recursive: true, filter: (src) => src !== stale });
  writeFileSync(join(dir, "ffi", DIGEST_FILE), JSON.stringify(nativeDigests(natives), null, 2) + "\n");
  return dir;
}

/**
 * `bun pm pack` of the package in `dir` into `dest`; returns the tarball's
 * path and size. Never a checkout (build.zig beside package.json): cordon is
 * packed from stageCordon's directory, which carries the digests.
 */
export function packPackage(dir: string, dest: string): { tarball: string; bytes: number } {
  if (existsSync(join(dir, "build.zig"))) throw new Error(`${dir} is a checkout: pack cordon from stageCordon()'s directory, which holds ffi/${DIGEST_FILE}`);
  mkdirSync(dest, { recursive: true });
  const r = Bun.spawnSync([process.execPath, "pm", "pack", "--destination", dest, "--quiet", "--ignore-scripts"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  const lines = r.stdout.toString().trim().split("\n");
  const tarball = resolve(dir, lines[lines.length - 1]!.trim());
  if (r.exitCode !== 0 || !existsSync(tarball)) throw new Error(`bun pm pack in ${dir} failed: ${r.stderr.toString()}${r.stdout.toString()}`);
  return { tarball, bytes: statSync(tarball).size };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { build: { type: "boolean" }, out: { type: "string" }, pack: { type: "boolean" } }, strict: true });
  if (values.build) {
    const r = Bun.spawnSync(["zig", "build", "cross"], { cwd: root, stdout: "inherit", stderr: "inherit" });
    if (r.exitCode !== 0) process.exit(r.exitCode ?? 1);
  }
  const out = resolve(values.out ?? join(root, "dist", "npm"));
  const natives = packageNatives(out);
  for (const p of natives) console.log(`${p.name}: ${p.files.join(", ")}`);
  if (values.pack) {
    const dest = join(out, "tarballs");
    for (const dir of [stageCordon(natives, join(out, "cordon")), ...natives.map((p) => p.dir)]) {
      const { tarball, bytes } = packPackage(dir, dest);
      console.log(`${(bytes / 1024).toFixed(1).padStart(7)} KB  ${tarball}`);
    }
  }
}
