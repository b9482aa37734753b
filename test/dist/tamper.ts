// Modified native files for the digest tests: each still loads or runs (an
// ELF ignores bytes past its last section), so only the digest check can keep
// it from being used.
import { appendFileSync, copyFileSync, renameSync } from "node:fs";

/** What a tampered file ends with, so a test can tell it apart. */
export const TAMPERED = "\0cordon: tampered\n";

/**
 * Renames over `path` a copy of it with `TAMPERED` appended: a new file (the
 * installed one is a hard link into Bun's package cache, left unchanged),
 * same mode.
 */
export function tamper(path: string): void {
  copyFileSync(path, `${path}.new`);
  appendFileSync(`${path}.new`, TAMPERED);
  renameSync(`${path}.new`, path);
}
