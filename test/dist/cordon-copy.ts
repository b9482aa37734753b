// cordon's own files copied somewhere without node_modules, as a checkout or
// an installed package, and `bun bin/cordon.ts run -- true` run from there
// with every registry setting pointing at a recording registry on localhost.
import { cpSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { platformTag } from "../../ffi/library.ts";
import type { Pins } from "../../ffi/pinned.ts";
import { nativeDigests, nativePackageName } from "../../scripts/package-natives.ts";
import { cleanEnv } from "./project.ts";
import { serveRegistry } from "./registry.ts";

const root = join(import.meta.dir, "..", "..");
export const built = join(root, "zig-out", "native", platformTag());

/** Digests of the host's zig build as a packed cordon pins its native package's files. */
export function builtPins(): Pins {
  const tag = platformTag();
  return nativeDigests([{ tag, name: nativePackageName(tag), dir: built, files: readdirSync(built) }]);
}

/**
 * cordon's files at `dir`: with build.zig when `checkout`, with the host's
 * zig build when `build`, with `pins` as ffi/native-digests.json when given.
 */
export function copyCordon(dir: string, opts: { checkout: boolean; build: boolean; pins?: Pins }): void {
  for (const p of ["package.json", "tsconfig.json", "bin", "lib", "ffi", ...(opts.checkout ? ["build.zig"] : [])]) cpSync(join(root, p), join(dir, p), { recursive: true });
  if (opts.build) cpSync(built, join(dir, "zig-out", "native", platformTag()), { recursive: true });
  if (opts.pins) writeFileSync(join(dir, "ffi", "native-digests.json"), JSON.stringify(opts.pins));
}

/** `bun bin/cordon.ts run -- true` in `dir`; `requests`: what the registry was asked. */
export async function runFrom(dir: string): Promise<{ code: number; stdout: string; stderr: string; requests: string[] }> {
  const registry = serveRegistry([]);
  const home = join(dir, ".home");
  mkdirSync(home, { recursive: true });
  try {
    const p = Bun.spawn([process.execPath, "bin/cordon.ts", "run", "--", "true"], {
      cwd: dir,
      env: {
        ...cleanEnv(),
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
