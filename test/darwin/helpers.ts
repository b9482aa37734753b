// Shared by the macOS behaviour tests: run through the backend or the bare
// launcher and collect the output.
import { mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launcherPath } from "../../ffi/darwin.ts";
import { sandboxSpawn } from "../../lib/backend/darwin/sandbox.ts";
import type { Policy, ResolvedPolicy } from "../../lib/policy/types.ts";
import { resolvePolicy } from "../../lib/resolve-policy.ts";

export const notDarwin: string | undefined = process.platform === "darwin" ? undefined : `needs macOS, this is ${process.platform}`;

export type Ran = { code: number; stdout: string; stderr: string };

/** A fresh real directory (macOS: /var/folders/… resolves to /private/var/folders/…). */
export function freshDir(tag: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), `cordon-${tag}-`)));
}

/** Runs argv sandboxed with `policy` (best-effort unless it says otherwise). */
export async function sandboxed(argv: string[], policy: Policy): Promise<Ran & { policy: ResolvedPolicy }> {
  const { policy: resolved, cleanup } = resolvePolicy({ compat: "best-effort", ...policy });
  try {
    const { proc } = sandboxSpawn(argv, resolved, { stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr] = await Promise.all([
      new Response(proc.stdout as ReadableStream<Uint8Array>).text(),
      new Response(proc.stderr as ReadableStream<Uint8Array>).text(),
    ]);
    return { code: await proc.exited, stdout, stderr, policy: resolved };
  } finally {
    cleanup();
  }
}

/** Runs the launcher directly with `flags`, then `argv`. */
export async function launched(flags: string[], argv: string[]): Promise<Ran> {
  const proc = Bun.spawn([launcherPath(), ...flags, "--", ...argv], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, stdout, stderr };
}

/** Whether `pid` still exists (zombies count until reaped). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `cond` holds, checking up to `tries` times (no assertion on how long it took). */
export async function eventually(cond: () => boolean, tries = 200): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (cond()) return true;
    await Bun.sleep(25);
  }
  return cond();
}
