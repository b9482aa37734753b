// The published shape: cordon and one native package per target are packed
// with `bun pm pack`, served by a registry on localhost, and installed into a
// scratch project outside the repository with `bun add cordon`, as a new user
// would; then `bunx cordon run -- echo hi` and a script importing the API run
// a sandboxed command with the library from that project's node_modules.
// Needs zig-out/native complete (`zig build cross`, a step of scripts/test.sh).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { ABI_VERSION, platformTag } from "../../ffi/library.ts";
import pkg from "../../package.json";
import { buildTargets, nativePackageName, packageNatives, packPackage, stageCordon, type NativePackage } from "../../scripts/package-natives.ts";
import { noSandbox } from "../cli/helpers.ts";
import { testUnless } from "../helpers/skip.ts";
import { Project } from "./project.ts";
import { serveRegistry, tarballEntries, tarballManifest } from "./registry.ts";

const root = join(import.meta.dir, "..", "..");
const tag = platformTag();
const hostName = nativePackageName(tag);
const noHostPackage = buildTargets().includes(tag) ? undefined : `no native package is built for ${tag}`;
const noRun = noHostPackage ?? noSandbox;
const KB = 1024;

let work: string;
let natives: NativePackage[];
let staged: string;
let mainTarball: string;
const nativeTarballs = new Map<string, { tarball: string; bytes: number }>();

beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), "cordon-pack-")));
  natives = packageNatives(join(work, "npm"));
  staged = stageCordon(natives, join(work, "cordon"));
  mainTarball = packPackage(staged, join(work, "tarballs")).tarball;
  for (const p of natives) nativeTarballs.set(p.name, packPackage(p.dir, join(work, "tarballs")));
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("cordon's tarball", () => {
  test("holds bin, lib (with the audit's probe programs), ffi (with the C header and the native digests), types, the policy schema, package.json, README and LICENSE, nothing else", () => {
    const paths = tarballEntries(mainTarball).map((e) => e.path);
    const allowed = /^(package\.json|README\.md|LICENSE|bin\/[^/]+\.ts|lib\/.+\.ts|lib\/audit\/probes\/[\w-]+\.py|ffi\/.+\.ts|ffi\/include\/[^/]+\.h|ffi\/native-digests\.json|types\/(lib|ffi)\/.+\.d\.ts|schema\/([\w-]+\/)?[\w.-]+\.json)$/;
    expect(paths.filter((p) => !allowed.test(p))).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|bench|zig|zig-out|\.toolchain|node_modules|docs|scripts|dist)\//.test(p))).toEqual([]);
    expect(paths.filter((p) => /\.test\.ts$/.test(p))).toEqual([]);
    for (const needed of ["package.json", "README.md", "LICENSE", "ffi/include/cordon.h", "ffi/library.ts", "ffi/native-digests.json", "lib/index.ts", "types/lib/index.d.ts", "schema/policy.schema.json"]) expect(paths).toContain(needed);
  });

  test("every exports target (each condition) and the bin are in it", () => {
    const paths = new Set(tarballEntries(mainTarball).map((e) => e.path));
    const conditions = Object.values(pkg.exports as Record<string, string | Record<string, string>>).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t)));
    const targets = [...conditions, ...Object.values(pkg.bin)].map((t) => t.replace(/^\.\//, ""));
    expect(targets.filter((t) => !paths.has(t))).toEqual([]);
    expect(readFileSync(join(root, pkg.bin.cordon), "utf8").startsWith("#!/usr/bin/env bun\n")).toBe(true);
  });

  testUnless(Bun.which("npm") ? undefined : "npm is not on PATH", "npm pack --dry-run of the staged package lists the same files (publishing it with npm ships the same package)", () => {
    const r = Bun.spawnSync(["npm", "pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: staged, stdout: "pipe", stderr: "pipe" });
    expect(r.exitCode).toBe(0);
    const [npm] = JSON.parse(r.stdout.toString()) as { files: { path: string }[] }[];
    expect(npm!.files.map((f) => f.path).sort()).toEqual(tarballEntries(mainTarball).map((e) => e.path).sort());
  }, 30_000);

  test("lists one native package per build target as an optional dependency at its own version", () => {
    const manifest = tarballManifest(mainTarball);
    const expected = Object.fromEntries(buildTargets().map((t) => [nativePackageName(t), pkg.version]));
    expect(manifest.optionalDependencies).toEqual(expected);
    expect(manifest.dependencies).toBeUndefined();
  });
});

describe("native packages", () => {
  test("each has os/cpu, the declared ABI, its library (and launcher) and nothing else; packed sizes", () => {
    const rows: string[] = [];
    for (const p of natives) {
      const { tarball, bytes } = nativeTarballs.get(p.name)!;
      const [os, cpu] = p.tag.split("-");
      const manifest = tarballManifest(tarball);
      expect(manifest).toMatchObject({ name: p.name, version: pkg.version, os: [os], cpu: [cpu], cordon: { abi: ABI_VERSION } });
      const entries = tarballEntries(tarball);
      expect(entries.map((e) => e.path).sort()).toEqual([...p.files, "LICENSE", "README.md", "package.json"].sort());
      const lib = entries.find((e) => e.path === p.files[0])!;
      // Goal: each native library under 300 KB.
      expect(lib.bytes).toBeLessThan(300 * KB);
      rows.push(`${p.name.padEnd(28)} packed ${(bytes / KB).toFixed(1).padStart(6)} KB  ${p.files[0]} ${(lib.bytes / KB).toFixed(1)} KB`);
    }
    console.log(rows.join("\n"));
  });

  test("the macOS packages ship cordon-exec beside the library, where ffi/darwin.ts looks for it", () => {
    for (const p of natives.filter((n) => n.tag.startsWith("darwin-"))) expect(p.files).toContain("cordon-exec");
  });
});

/** A scratch project installing `cordon` from a registry on localhost. */
class Scratch extends Project {
  constructor(name: string, registryUrl: string) {
    super(join(work, name), registryUrl);
  }

  async addCordon(): Promise<void> {
    const r = await this.bun("add", "cordon");
    if (r.code !== 0) throw new Error(`bun add cordon failed (${r.code}):\n${r.stdout}${r.stderr}`);
  }
}

/** Prints what a user script sees: the run's result and where the library came from. */
const apiScript = `
import { run } from "cordon";
import { openedLibraryPath } from "cordon/raw";
const r = await run(["echo", "hi"], {});
console.log(JSON.stringify({ status: r.status, stdout: r.stdout, library: openedLibraryPath(), entry: import.meta.resolve("cordon") }));
`;

const errorScript = `
import { findLibrary } from "cordon/raw";
try { findLibrary(); console.log(JSON.stringify({ found: true })); }
catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })); }
`;

describe("installed from the tarballs into a scratch project", () => {
  let scratch: Scratch;
  let requests: string[] = [];

  testUnless(noHostPackage, "bun add cordon fetches cordon and this host's native package only", async () => {
    const registry = serveRegistry([mainTarball, ...[...nativeTarballs.values()].map((t) => t.tarball)]);
    try {
      scratch = new Scratch("user", registry.url);
      await scratch.addCordon();
      requests = [...registry.requests];
    } finally {
      registry.stop();
    }
    const fetched = requests.filter((r) => r.startsWith("/-/tarballs/")).sort();
    expect(fetched).toEqual([`/-/tarballs/cordon-${pkg.version}.tgz`, `/-/tarballs/cordon-native-${tag}-${pkg.version}.tgz`]);
    const installed = JSON.parse(readFileSync(join(scratch.dir, "node_modules", hostName, "package.json"), "utf8"));
    expect(installed.cordon.abi).toBe(ABI_VERSION);
  }, 60_000);

  testUnless(noRun, "bunx cordon run -- echo hi", async () => {
    const r = await scratch.exec(["bunx", "cordon", "run", "--", "echo", "hi"]);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: "hi\n", stderr: "" });
  }, 30_000);

  testUnless(noRun, "a script imports cordon and runs a sandboxed command with the library from node_modules", async () => {
    writeFileSync(join(scratch.dir, "first.ts"), apiScript);
    const r = await scratch.exec([process.execPath, "first.ts"]);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe(0);
    expect(out.stdout).toBe("hi\n");
    const modules = join(scratch.dir, "node_modules") + sep;
    expect(realpathSync(out.library).startsWith(modules)).toBe(true);
    expect(realpathSync(Bun.fileURLToPath(out.entry)).startsWith(modules)).toBe(true);
    // Bun takes the "bun" condition: the TypeScript sources, not the declarations.
    expect(out.entry).toEndWith("/cordon/lib/index.ts");
    expect(out.library.startsWith(root + sep)).toBe(false);
  }, 30_000);

  testUnless(noHostPackage, "without this host's native package the error names the package to install", async () => {
    const registry = serveRegistry([mainTarball]); // the native packages are unavailable
    let missing: Scratch;
    try {
      missing = new Scratch("missing", registry.url);
      await missing.addCordon();
    } finally {
      registry.stop();
    }
    writeFileSync(join(missing.dir, "check.ts"), errorScript);
    const script = JSON.parse((await missing.exec([process.execPath, "check.ts"])).stdout);
    expect(script).toMatchObject({ name: "LibraryError", code: "LIBRARY_NOT_FOUND" });
    expect(script.message).toContain(`the package ${hostName} is not installed`);
    const run = await missing.exec(["bunx", "cordon", "run", "--", "true"]);
    expect(run.code).toBe(125);
    expect(run.stderr).toContain(hostName);
    // --version still answers, and says why there is no native line.
    const version = await missing.exec(["bunx", "cordon", "--version"]);
    expect({ code: version.code, stderr: version.stderr }).toEqual({ code: 0, stderr: "" });
    expect(version.stdout.split("\n")[1]).toStartWith(`native library not found: native library for ${tag} not found: the package ${hostName} is not installed`);
  }, 60_000);

  testUnless(noHostPackage, "a native package declaring another ABI is refused, naming both versions", async () => {
    const host = natives.find((n) => n.tag === tag)!;
    const other = join(work, "npm-other-abi", `native-${tag}`);
    cpSync(host.dir, other, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(other, "package.json"), "utf8"));
    manifest.cordon.abi = ABI_VERSION + 1;
    writeFileSync(join(other, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
    const tarball = packPackage(other, join(work, "tarballs-other-abi")).tarball;
    const registry = serveRegistry([mainTarball, tarball]);
    let mismatched: Scratch;
    try {
      mismatched = new Scratch("mismatched", registry.url);
      await mismatched.addCordon();
    } finally {
      registry.stop();
    }
    writeFileSync(join(mismatched.dir, "check.ts"), errorScript);
    const script = JSON.parse((await mismatched.exec([process.execPath, "check.ts"])).stdout);
    expect(script).toMatchObject({ name: "LibraryError", code: "ABI_MISMATCH" });
    expect(script.message).toContain(`${hostName}@${pkg.version} declares ABI ${ABI_VERSION + 1}, this cordon ${pkg.version} needs ABI ${ABI_VERSION}`);
    const cli = await mismatched.exec(["bunx", "cordon", "run", "--", "echo", "hi"]);
    expect(cli.code).toBe(125);
    expect(cli.stdout).toBe("");
    expect(cli.stderr).toContain(`declares ABI ${ABI_VERSION + 1}`);
  }, 60_000);
});
