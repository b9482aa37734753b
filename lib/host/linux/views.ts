// The host model in the shapes today's planners take: SandboxHost
// (lib/plan/linux/sandbox.ts) and ContainmentHost (containment-host.ts).
// Pure, so a described host plans exactly as the probed one does.
import type { ContainmentHost } from "../../plan/linux/containment-host.ts";
import type { SandboxHost } from "../../plan/linux/sandbox.ts";
import { landlockOf } from "./landlock.ts";
import { sandboxNamespaces } from "./namespaces.ts";
import type { LinuxHostModel } from "./types.ts";

export function sandboxHostOf(host: LinuxHostModel, env?: Readonly<Record<string, string | undefined>>): SandboxHost {
  return {
    arch: host.arch,
    seccomp: host.seccomp.actions.includes("errno"),
    landlockAbi: landlockOf(host, env).abi,
    capabilities: host.capabilities,
    ...sandboxNamespaces(host),
  };
}

/** A pid namespace is had exactly where the sandbox's namespaces are (the spawn plans containment so). */
export function containmentHostOf(host: LinuxHostModel): ContainmentHost {
  return { cgroups: host.cgroups, euid: host.euid, pidNamespace: sandboxNamespaces(host).namespaces !== "none" };
}
