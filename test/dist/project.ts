// A scratch project outside the repository, as a new user has one: its own
// HOME and an empty package cache, every registry setting pointing at a
// registry on localhost (test/dist/registry.ts), and `bunx` on PATH.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The caller's environment without cordon's and the package managers' own settings. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("CORDON_") && !/^(npm_config_|BUN_CONFIG_)/i.test(k)) env[k] = v;
  return env;
}

export type Result = { code: number; stdout: string; stderr: string };

export class Project {
  readonly env: Record<string, string>;

  constructor(
    readonly dir: string,
    registryUrl: string,
  ) {
    const home = join(dir, ".home");
    const bin = join(dir, ".bin");
    mkdirSync(home, { recursive: true });
    mkdirSync(bin, { recursive: true });
    // `bunx` is bun started under that name.
    symlinkSync(process.execPath, join(bin, "bunx"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `scratch-${dir.split("/").pop()}`, private: true, type: "module" }, null, 2) + "\n");
    writeFileSync(join(dir, "bunfig.toml"), `[install]\nregistry = "${registryUrl}"\n`);
    this.env = {
      ...cleanEnv(),
      PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      HOME: home,
      XDG_CONFIG_HOME: home,
      // An empty cache: whatever is not in a tarball at hand has to be asked for.
      BUN_INSTALL_CACHE_DIR: join(home, "cache"),
      BUN_CONFIG_REGISTRY: registryUrl,
      NPM_CONFIG_REGISTRY: registryUrl,
      npm_config_registry: registryUrl,
    };
  }

  async exec(argv: string[]): Promise<Result> {
    const p = Bun.spawn(argv, { cwd: this.dir, env: this.env, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: 120_000 });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { code, stdout, stderr };
  }

  /** `bun ARGS...` in the project. */
  bun(...args: string[]): Promise<Result> {
    return this.exec([process.execPath, ...args]);
  }
}
