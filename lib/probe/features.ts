// What this host offers, found by asking the kernel (never by reading versions alone).
import { platformTag } from "../../ffi/library.ts";
import { nativeVersion } from "../../ffi/common.ts";
import type { LinuxFeatures } from "./linux-features.ts";
import type { HostSetting } from "./kernel-settings.ts";

export type HostFeatures = {
  readonly platform: string;
  readonly native: string;
  /** Present on Linux: the live mechanism probes. */
  readonly linux?: LinuxFeatures;
  /** Present on Linux: host settings that decide how far a sandbox can be trusted (lib/probe/kernel-settings.ts). */
  readonly settings?: readonly HostSetting[];
};

export async function hostFeatures(): Promise<HostFeatures> {
  const base = { platform: platformTag(), native: nativeVersion() };
  if (process.platform === "linux") {
    const { linuxFeatures } = await import("./linux-features.ts");
    const { hostSettings } = await import("./kernel-settings.ts");
    return { ...base, linux: await linuxFeatures(), settings: hostSettings() };
  }
  return base;
}
