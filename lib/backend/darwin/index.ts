// The "./darwin" entry: the macOS backend and its mechanisms.
export { sandboxSpawn } from "./sandbox.ts";
export { ProcessTree } from "./tree.ts";
export { planDarwin, compileSeatbelt, launcherArgv, type DarwinPlan } from "../../plan/darwin/index.ts";
export { childPids, killUid, kqueue, launcherPath, NOTE, procDrain, procWatch, procWatchStatus, sandboxedSelf } from "../../../ffi/darwin.ts";
