// linuxHostModel(): this host, probed once per process and shared by spawn,
// `cordon probe` and `cordon audit`. Namespaces, mounts, capabilities and this
// process's filter state come from one native probe (a fork trying each
// thing, zig/src/linux/host_probe.zig); landlock from its version call;
// cgroups from making and removing a probe cgroup per hierarchy.
import { readFileSync } from "node:fs";
import { probeHost } from "../../../ffi/linux-host.ts";
import { cgroupHost } from "../../backend/linux/cgroup/probe.ts";
import { probeLandlock } from "./landlock.ts";
import { filterArch, seccompActions } from "./seccomp.ts";
import type { LinuxHostModel } from "./types.ts";

export type { LinuxHostModel, NamespaceKind, NamespaceRoute } from "./types.ts";
export { sandboxNamespaces } from "./namespaces.ts";
export { landlockOf } from "./landlock.ts";
export { containmentHostOf, sandboxHostOf } from "./views.ts";
export { cloneHelpOf, type CloneHelp } from "./clone-help.ts";

function kernelRelease(): string {
  try {
    return readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();
  } catch {
    return "unknown";
  }
}

export function probeLinuxHostModel(): LinuxHostModel {
  const p = probeHost();
  return {
    kernel: kernelRelease(),
    arch: filterArch(),
    euid: process.geteuid?.() ?? -1,
    capabilities: p.capabilities,
    landlock: probeLandlock(),
    seccomp: { actions: seccompActions(), filtered: p.seccompFilter },
    noNewPrivs: p.noNewPrivs,
    namespaces: { user: p.user, direct: p.direct, inUser: p.inUser, unprivileged: p.unprivilegedUserns },
    mounts: { proc: p.proc, tmpfs: p.tmpfs, calls: { clone3: p.clone3, ...p.calls } },
    cgroups: cgroupHost(),
    cloneFlags: p.cloneFlags,
  };
}

let cached: LinuxHostModel | undefined;

/** The probed host, once per process (frozen: every caller shares it). */
export function linuxHostModel(): LinuxHostModel {
  return (cached ??= Object.freeze(probeLinuxHostModel()));
}
