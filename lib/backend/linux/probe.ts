// Live probes of the Linux mechanisms cordon uses.
import { readFileSync } from "node:fs";
import { landlockAbiVersion } from "../../../ffi/linux.ts";

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

export async function linuxFeatures() {
  return {
    kernel: read("/proc/sys/kernel/osrelease") ?? "unknown",
    landlockAbi: landlockAbiVersion(),
    seccompActions: read("/proc/sys/kernel/seccomp/actions_avail")?.split(" ") ?? [],
  };
}
