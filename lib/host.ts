// What this host offers, found by asking the kernel (never by reading versions alone).
import { platformTag } from "../ffi/library.ts";
import { nativeVersion } from "../ffi/common.ts";
import type { LinuxFeatures } from "./backend/linux/probe.ts";
import type { HostSetting } from "./probe/host-settings.ts";

export type HostFeatures = {
  readonly platform: string;
  readonly native: string;
  /** Present on Linux: the live mechanism probes. */
  readonly linux?: LinuxFeatures;
  /** Present on Linux: host settings that decide how far a sandbox can be trusted (lib/probe/host-settings.ts). */
  readonly settings?: readonly HostSetting[];
};

export async function hostFeatures(): Promise<HostFeatures> {
  const base = { platform: platformTag(), native: nativeVersion() };
  if (process.platform === "linux") {
    const { linuxFeatures } = await import("./backend/linux/probe.ts");
    const { hostSettings } = await import("./probe/host-settings.ts");
    return { ...base, linux: await linuxFeatures(), settings: hostSettings() };
  }
  return base;
}
