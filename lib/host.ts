// What this host offers, found by asking the kernel (never by reading versions alone).
import { platformTag } from "../ffi/library.ts";
import { nativeVersion } from "../ffi/common.ts";

export type HostFeatures = Record<string, unknown> & { platform: string; native: string };

export async function hostFeatures(): Promise<HostFeatures> {
  const base = { platform: platformTag(), native: nativeVersion() };
  if (process.platform === "linux") {
    const { linuxFeatures } = await import("./backend/linux/probe.ts");
    return { ...base, ...(await linuxFeatures()) };
  }
  return base;
}
