// The "./linux" entry: the Linux backend and its mechanisms.
export { sandboxSpawn, linuxBackend, LinuxState } from "./sandbox.ts";
export { executeLinux } from "./execute.ts";
export { linuxPlanHost } from "./host.ts";
export { planLinux, type LinuxPlanHost, type LinuxPlan } from "../../plan/linux/index.ts";
/** @deprecated the former names of linuxPlanHost and LinuxPlanHost. */
export { linuxPlanHost as probedLinuxHost } from "./host.ts";
export type { LinuxPlanHost as LinuxHost } from "../../plan/linux/index.ts";
export { spawnLinux, LinuxSubprocess, type LinuxSpawnOptions } from "./spawn.ts";
export { linuxFeatures, type LinuxFeatures } from "../../probe/linux-features.ts";
export { buildLandlock, landlockFeatures, prepareLandlock, type LandlockHostFeatures } from "./landlock.ts";
export { killTree, probeTreeKill } from "./tree-kill.ts";
export { planSandbox, type SandboxPlan } from "../../plan/linux/sandbox.ts";
export { landlockAbiVersion } from "../../../ffi/linux.ts";
