// cordon: run processes inside OS-enforced sandboxes from Bun.
export { compile, CompiledSandbox, type CompileOptions, run, spawn, type RunOptions, type RunResult, type SandboxedSubprocess, type SpawnExtraStdio, type SpawnOptions, type SpawnStdin, type SpawnStdout, type StdinData } from "./spawn.ts";
export { runSync, spawnSync, type SpawnSyncOptions, type SyncSandboxedSubprocess } from "./spawn-sync.ts";
export { resolvePolicy, type Resolution, type ResolveOptions } from "./resolve-policy.ts";
export { validatePolicy } from "./policy/validate.ts";
export { systemPaths, type SystemOs, type SystemPaths } from "./policy/system-paths.ts";
export { parseSize } from "./policy/size.ts";
export { BASE_ENV, SECRET_LOOKING, WINDOWS_BASE_ENV, looksSecret, type EnvReport, type InheritEnv } from "./policy/env.ts";
export type { Compat, Limits, Net, NetPorts, Policy, ResolvedPolicy, UserSpec } from "./policy/types.ts";
export { missing, type Enforcement, type GuaranteeReport, type NetworkDestination, type NetworkEvent, type NetworkHook, type Report } from "./report.ts";
export { exitStatus } from "./exit-status.ts";
export { AbortError, CompatError, CordonError, GrantChangedError, LibraryError, NotSupportedError, OsError, PermissionError, PolicyError, SandboxClosedError, SpawnOptionError, StartupCheckError } from "./errors.ts";
export type { HostFeatures } from "./probe/features.ts";
export type { HostReport, PropertyReport } from "./probe/report.ts";
export type { LiveCheck } from "./probe/live-checks.ts";
export type { HostSetting, SettingStatus } from "./probe/kernel-settings.ts";
export { audit, type AuditOptions, type AuditReport, type AuditRow, type Verdict } from "./audit/index.ts";

/** What this host can enforce (the data of `cordon probe --json`). Loads the native library on first use. */
export async function probe(): Promise<import("./probe/report.ts").HostReport> {
  const { hostReport } = await import("./probe/report.ts");
  return hostReport();
}
