// cordon: run processes inside OS-enforced sandboxes from Bun.
export { run, spawn, type RunResult, type SandboxedSubprocess, type SpawnOptions } from "./spawn.ts";
export { resolvePolicy, type Resolution, type ResolveOptions } from "./resolve-policy.ts";
export { validatePolicy } from "./policy/validate.ts";
export { systemPaths, type SystemOs, type SystemPaths } from "./policy/system-paths.ts";
export { parseSize } from "./policy/size.ts";
export type { Compat, Limits, Net, NetPorts, Policy, ResolvedPolicy, UserSpec } from "./policy/types.ts";
export { missing, type Enforcement, type GuaranteeReport, type Report } from "./report.ts";
export { exitStatus } from "./exit-status.ts";
export { CompatError, CordonError, LibraryError, NotSupportedError, OsError, PermissionError, PolicyError } from "./errors.ts";
export { hostFeatures, type HostFeatures } from "./host.ts";
