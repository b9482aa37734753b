// The "./windows" entry: the Windows backend and its mechanisms.
export { sandboxSpawn } from "./sandbox.ts";
export { spawnWindows, backendReport, TIMEOUT_EXIT_CODE, KILLED_EXIT_CODE, type WindowsSubprocess, type WindowsExit, type SpawnWindowsOptions } from "./spawn.ts";
export { windowsHost } from "./host.ts";
export { applyIdentity, type AppliedIdentity } from "./identity.ts";
export { JobEvents, type JobMessage } from "./job-events.ts";
export { pipeStream } from "./pipe-stream.ts";
export { pipeSink, type PipeSink } from "./pipe-sink.ts";
export { windowsProgram } from "./program.ts";
export { planWindows, planFetchExec, type WindowsPlan, type WindowsHost, type WindowsOptions, type FetchExecPlan, type FetchExecOptions } from "../../plan/windows/index.ts";
export { verifyStartup, STARTUP_REFUSED_EXIT_CODE } from "./startup.ts";
export { wineVersion } from "../../../ffi/windows.ts";
export { findProcessesByName, listProcesses, type ProcessEntry } from "../../../ffi/windows-process.ts";
