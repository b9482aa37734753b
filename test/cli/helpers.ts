// Runs the CLI as users do: `bun bin/cordon.ts ...` in a subprocess.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { notLinux } from "../helpers/skip.ts";

export const root = join(import.meta.dir, "..", "..");
const bin = join(root, "bin", "cordon.ts");

export type CliResult = { code: number; stdout: string; stderr: string };

/** `timeoutMs`: cordon is killed (SIGKILL) after that long, so a hang shows as a failure, not a stuck suite. */
export async function cordon(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  const p = Bun.spawn([process.execPath, bin, ...args], {
    cwd: opts.cwd ?? root,
    env: { ...process.env, ...opts.env },
    ...(opts.timeoutMs !== undefined && { timeout: opts.timeoutMs, killSignal: "SIGKILL" }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

/** Why `cordon run` cannot start a sandbox here, or undefined when it can. */
export const noSandbox: string | undefined =
  notLinux ?? (existsSync(join(root, "lib", "backend", "linux", "sandbox.ts")) ? undefined : "needs the Linux sandbox backend (lib/backend/linux/sandbox.ts), not built yet");
