// The "./windows" entry: the Windows backend and its mechanisms.
export { spawnWindows, backendReport, TIMEOUT_EXIT_CODE, type WindowsSubprocess, type WindowsExit, type SpawnWindowsOptions } from "./sandbox.ts";
export { windowsHost } from "./host.ts";
export { applyIdentity, type AppliedIdentity } from "./identity.ts";
export { JobEvents, type JobMessage } from "./job-events.ts";
export { pipeStream } from "./pipe-stream.ts";
export { planWindows, type WindowsPlan, type WindowsHost, type WindowsOptions } from "../../plan/windows/index.ts";
export { wineVersion } from "../../../ffi/windows.ts";
export { findProcessesByName, listProcesses, type ProcessEntry } from "../../../ffi/windows-process.ts";
