// LinuxPlanHost: the host as planLinux takes it, as data: the kernel's
// mechanisms (SandboxHost), cgroups and the tree kill (ContainmentHost), and
// the few facts of this process the plan needs. Built from the probed host
// model (LinuxHostModel, lib/host/linux) by linuxPlanHost() in
// lib/backend/linux/host.ts, or described by hand (lib/probe/described.ts),
// so planLinux runs anywhere.
import type { ContainmentHost } from "./containment-host.ts";
import type { SandboxHost } from "./sandbox.ts";

export type LinuxPlanHost = {
  readonly sandbox: SandboxHost;
  readonly containment: ContainmentHost;
  /** cordon-init's path, when it was built or installed (pid 1 of the sandbox's pid namespace). */
  readonly init?: string;
  /** The caller's uid and gid: a user namespace keeps them (unprivileged hosts). */
  readonly ids?: { readonly uid: number; readonly gid: number };
  /** What a grant of "/" stands for: the directories and files at the top of "/", but /proc. */
  readonly rootTop?: readonly string[];
  /** What the probes found about this process itself (filters already stacked, cgroup notes), for the report. */
  readonly notes?: readonly string[];
};
