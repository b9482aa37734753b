// Finding the native library never asks a package registry. Without any
// node_modules around (a checkout, or cordon copied somewhere), Bun's module
// resolution would auto-install `@cordon/native-<platform>` from the
// registry: a name anyone could claim, loaded by every `cordon run`. The
// lookup goes by file path only. A recording registry on 127.0.0.1 stands in
// for npmjs.org and must see no request at all.
import { afterAll, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ABI_VERSION, platformTag } from "../../ffi/library.ts";
import pkg from "../../package.json";
import { noSandbox } from "../cli/helpers.ts";
import { describeUnless } from "../helpers/skip.ts";
import { built, builtPins, copyCordon, runFrom } from "./cordon-copy.ts";

const tag = platformTag();
const nativeName = `@cordon/native-${tag}`;
const work = realpathSync(mkdtempSync(join(tmpdir(), "cordon-no-registry-")));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A node_modules directory above `dir` would stop Bun's auto-install, and this test could not fail. */
function nodeModulesAbove(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, "node_modules"))) return join(d, "node_modules");
    if (dirname(d) === d) return undefined;
  }
}
const shielded = nodeModulesAbove(work);
const cannotFail = shielded ? `${shielded} exists, so Bun would not auto-install here` : undefined;
const noLibrary = existsSync(built) ? undefined : `no zig build for ${tag} (zig-out/native/${tag})`;

describeUnless(noSandbox ?? cannotFail ?? noLibrary, "the native library is found without asking a registry", () => {
  test("a checkout without node_modules, library from zig-out: runs (0), the registry sees no request", async () => {
    const dir = join(work, "checkout");
    copyCordon(dir, { checkout: true, build: true });
    expect(await runFrom(dir)).toEqual({ code: 0, stdout: "", stderr: "", requests: [] });
  }, 70_000);

  test("a checkout without node_modules and without a build: 125 naming the package, no request", async () => {
    const dir = join(work, "unbuilt");
    copyCordon(dir, { checkout: true, build: false });
    expect(await runFrom(dir)).toEqual({ code: 125, stdout: "", stderr: `cordon: native library for ${tag} not built: run \`zig build\` in the cordon checkout, or install ${nativeName}\n`, requests: [] });
  }, 70_000);

  test("an installed cordon (no build.zig) whose native package is missing: 125 naming the package, no request", async () => {
    const dir = join(work, "installed-missing");
    copyCordon(dir, { checkout: false, build: false });
    const r = await runFrom(dir);
    expect({ ...r, stderr: r.stderr.split("\n")[0] }).toEqual({ code: 125, stdout: "", stderr: expect.stringContaining(`the package ${nativeName} is not installed`), requests: [] });
  }, 70_000);

  /** An installed cordon in PROJECT/node_modules/cordon, its native package hoisted beside it. */
  function hoisted(project: string, pinned: boolean): string {
    const modules = join(work, project, "node_modules");
    const dir = join(modules, "cordon");
    copyCordon(dir, { checkout: false, build: false, ...(pinned ? { pins: builtPins() } : {}) });
    const native = join(modules, ...nativeName.split("/"));
    cpSync(built, native, { recursive: true });
    writeFileSync(join(native, "package.json"), JSON.stringify({ name: nativeName, version: pkg.version, cordon: { abi: ABI_VERSION } }));
    return dir;
  }

  test("positive twin: the native package hoisted beside cordon in node_modules is found by path (0), no request", async () => {
    expect(await runFrom(hoisted("project", true))).toEqual({ code: 0, stdout: "", stderr: "", requests: [] });
  }, 70_000);

  test("an installed cordon without ffi/native-digests.json (not packed by scripts/package-natives.ts) loads nothing from its native package: 125, no request", async () => {
    const r = await runFrom(hoisted("unpinned", false));
    expect(r).toEqual({ code: 125, stdout: "", stderr: expect.stringContaining(`has no ffi/native-digests.json (it was not packed by scripts/package-natives.ts), so the files of ${nativeName} cannot be checked`), requests: [] });
  }, 70_000);
});
