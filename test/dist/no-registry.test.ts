// Finding the native library never asks a package registry. Without any
// node_modules around (a checkout, or cordon copied somewhere), Bun's module
// resolution would auto-install `@cordon/native-<platform>` from the
// registry: a name anyone could claim, loaded by every `cordon run`. The
// lookup goes by file path only. A recording registry on 127.0.0.1 stands in
// for npmjs.org and must see no request at all.
import { afterAll, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ABI_VERSION, platformTag } from "../../ffi/library.ts";
import pkg from "../../package.json";
import { noSandbox } from "../cli/helpers.ts";
import { describeUnless } from "../helpers/skip.ts";
import { serveRegistry } from "./registry.ts";

const root = join(import.meta.dir, "..", "..");
const tag = platformTag();
const nativeName = `@cordon/native-${tag}`;
const built = join(root, "zig-out", "native", tag);
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

/** cordon's own files at `dir` (as a checkout has them when `checkout`, with build.zig), without node_modules. */
function copyCordon(dir: string, opts: { checkout: boolean; build: boolean }): void {
  for (const p of ["package.json", "tsconfig.json", "bin", "lib", "ffi", ...(opts.checkout ? ["build.zig"] : [])]) cpSync(join(root, p), join(dir, p), { recursive: true });
  if (opts.build) cpSync(built, join(dir, "zig-out", "native", tag), { recursive: true });
}

/** `bun bin/cordon.ts run -- true` in `dir`, every registry setting pointing at a recording registry. */
async function runFrom(dir: string) {
  const registry = serveRegistry([]);
  const home = join(dir, ".home");
  mkdirSync(home, { recursive: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("CORDON_") && !/^(npm_config_|BUN_CONFIG_)/i.test(k)) env[k] = v;
  try {
    const p = Bun.spawn([process.execPath, "bin/cordon.ts", "run", "--", "true"], {
      cwd: dir,
      env: {
        ...env,
        HOME: home,
        XDG_CONFIG_HOME: home,
        // An empty cache: a lookup has to ask the registry.
        BUN_INSTALL_CACHE_DIR: join(home, "cache"),
        BUN_CONFIG_REGISTRY: registry.url,
        NPM_CONFIG_REGISTRY: registry.url,
        npm_config_registry: registry.url,
      },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      timeout: 60_000,
    });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { code, stdout, stderr, requests: [...registry.requests] };
  } finally {
    registry.stop();
  }
}

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

  test("positive twin: the native package hoisted beside cordon in node_modules is found by path (0), no request", async () => {
    const modules = join(work, "project", "node_modules");
    const dir = join(modules, "cordon");
    copyCordon(dir, { checkout: false, build: false });
    const native = join(modules, ...nativeName.split("/"));
    cpSync(built, native, { recursive: true });
    writeFileSync(join(native, "package.json"), JSON.stringify({ name: nativeName, version: pkg.version, cordon: { abi: ABI_VERSION } }));
    expect(await runFrom(dir)).toEqual({ code: 0, stdout: "", stderr: "", requests: [] });
  }, 70_000);
});
