// cgroupfs is plain file I/O; these helpers turn node:fs failures into cordon's
// typed errors (PermissionError for EACCES/EPERM, OsError otherwise).
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ERRNO } from "../../../../ffi/generated/linux-tables.ts";
import type { OsError } from "../../../../ffi/errors.ts";
import { statusError } from "../../../../ffi/status.ts";

/** The errno name ("EBUSY") of a node:fs error, or undefined for other errors. */
export function errnoName(e: unknown): string | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

export function toOsError(op: string, e: unknown, path: string): OsError {
  const name = errnoName(e);
  const num = name ? (ERRNO as Record<string, number>)[name.slice(1)] : undefined;
  return statusError(op, "errno", -(num ?? 5), path);
}

export function writeCgroupFile(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (e) {
    throw toOsError(`write ${value.trim()}`, e, path);
  }
}

export function readCgroupFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw toOsError("read", e, path);
  }
}

/** Reads a file, or undefined when it cannot be read (absent controller file). */
export function tryRead(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** "key value" lines (cgroup.events, memory.events, memory.oom_control, pids.events) as numbers. */
export function keyedValues(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? "").split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** mkdir that accepts an existing directory. */
export function ensureDir(path: string): void {
  try {
    mkdirSync(path);
  } catch (e) {
    if (errnoName(e) !== "EEXIST") throw toOsError("mkdir", e, path);
  }
}

export function makeDir(path: string): void {
  try {
    mkdirSync(path);
  } catch (e) {
    throw toOsError("mkdir", e, path);
  }
}

/** rmdir; true when removed or already gone, false while the kernel still holds it (EBUSY). */
export function removeDir(path: string): boolean {
  try {
    rmdirSync(path);
    return true;
  } catch (e) {
    const name = errnoName(e);
    if (name === "ENOENT") return true;
    if (name === "EBUSY") return false;
    throw toOsError("rmdir", e, path);
  }
}

/** rmdir of a shared base that other cordon processes may still use: never throws. */
export function removeIfEmpty(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // busy (another sandbox lives there), gone, or not ours to remove
  }
}

/** Child cgroups below `dir`, deepest first (a sandboxed root may have made some). */
export function descendants(dir: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isDirectory()).flatMap((e) => [...descendants(join(dir, e.name)), join(dir, e.name)]);
}
