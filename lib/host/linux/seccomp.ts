// seccomp on the host model: the filter actions the kernel offers, and the
// architectures cordon compiles filters for.
import { readFileSync } from "node:fs";
import type { Arch } from "../../plan/linux/seccomp/index.ts";

export function seccompActions(): string[] {
  try {
    return readFileSync("/proc/sys/kernel/seccomp/actions_avail", "utf8").split(/\s+/).filter(Boolean);
  } catch {
    return []; // no seccomp filter support in this kernel
  }
}

export function filterArch(): Arch | undefined {
  return process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : undefined;
}
