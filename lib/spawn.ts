// The portable API: spawn(argv, policy) and run(argv, policy), the one-shot
// forms of a compiled sandbox (spawn-compiled.ts). Validation and resolution
// happen before any syscall; the OS backend is loaded lazily for this
// platform only, so importing cordon never loads another OS's code.
import { AbortError } from "./errors.ts";
import type { Policy } from "./policy/types.ts";
import { spawnOnce } from "./spawn-compiled.ts";
import { checkArgv, collect, runSpawnOptions, type RunOptions, type RunResult, type SandboxedSubprocess } from "./spawn-launch.ts";
import { checkSpawnOptions, type CheckedOptions, type SpawnOptions as Options } from "./spawn-options.ts";

export { checkArgv, type RunOptions, type RunResult, type SandboxedSubprocess } from "./spawn-launch.ts";
export type SpawnOptions = Options<SandboxedSubprocess>;
export type { SpawnExtraStdio, SpawnStdin, SpawnStdout, StdinData } from "./spawn-options.ts";
export { compile, CompiledSandbox, type CompileOptions } from "./spawn-compiled.ts";

/**
 * Start `argv` in a sandbox built from `policy`, with Bun.spawn's options.
 * Throws PolicyError for a malformed policy, SpawnOptionError for an option
 * that is unknown or cannot work in a sandbox, AbortError when `signal` is
 * already aborted, and CompatError when, in hard mode (the default), a
 * requested guarantee cannot be enforced here; in each case nothing runs.
 */
export function spawn(argv: readonly string[], policy: Policy = {}, options: SpawnOptions = {}): SandboxedSubprocess {
  checkArgv(argv);
  return spawnChecked(argv, policy, checkSpawnOptions<SandboxedSubprocess>(options));
}

/** spawn() with options already checked (spawnSync's worker passes them so): a one-shot compiled sandbox, closed once the command has exited. */
export function spawnChecked(argv: readonly string[], policy: Policy, opts: CheckedOptions<SandboxedSubprocess>): SandboxedSubprocess {
  if (opts.signal?.aborted) throw new AbortError(opts.signal.reason);
  return spawnOnce(argv, policy, opts);
}

/** spawn() and wait for everything: exit, stdout and stderr as text. `input` becomes stdin (default: none). */
export async function run(argv: readonly string[], policy: Policy = {}, options: RunOptions = {}): Promise<RunResult> {
  return collect(spawn(argv, policy, runSpawnOptions(options)), options.input);
}

