// A copy of the checkout that any uid can reach, with its own bun binary.
// Tests that run cordon or bun as another user (uid 65534) use it: the
// checkout itself may sit under a directory only its owner can enter (a
// `mktemp -d` clone is 0700), where that user would get "Module not found".
import { chmodSync, copyFileSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const checkout = join(import.meta.dir, "..", "..");

export type WorldReadableCopy = {
  /** The copy's root: package.json, tsconfig.json, the chosen parts and the native library. */
  readonly dir: string;
  /** The copy's bun, executable by any uid. */
  readonly bun: string;
  remove(): void;
};

/** Copies `parts` (top-level entries of the checkout) and the native library to a fresh world-readable directory. */
export function worldReadableCopy(parts: readonly string[] = ["ffi", "lib", "bin", "test"]): WorldReadableCopy {
  const dir = mkdtempSync(join(tmpdir(), "cordon-world-"));
  for (const p of ["package.json", "tsconfig.json", ...parts]) cpSync(join(checkout, p), join(dir, p), { recursive: true });
  const lib = join("zig-out", "native", `${process.platform}-${process.arch}`);
  mkdirSync(join(dir, lib), { recursive: true });
  for (const f of ["libcordon.so", "cordon-init"]) if (existsSync(join(checkout, lib, f))) copyFileSync(join(checkout, lib, f), join(dir, lib, f));
  const bun = join(dir, "bun");
  try {
    linkSync(process.execPath, bun);
  } catch {
    copyFileSync(process.execPath, bun);
  }
  Bun.spawnSync(["chmod", "-R", "a+rX", dir]);
  chmodSync(bun, 0o755);
  return { dir, bun, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
