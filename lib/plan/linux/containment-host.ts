// What a Linux host offers for containment (cgroups, the tree kill): the
// containment part of the plan host (LinuxPlanHost, ./host.ts), taken from
// the host model by containmentHostOf (lib/host/linux/views.ts). Pure data,
// so the containment plan can be computed (and tested) anywhere.

/** cgroup v1 controllers cordon uses, each in whatever hierarchy binds it. */
export type V1Controller = "memory" | "pids" | "cpu" | "cpuacct" | "freezer";
/** cgroup v2 controllers cordon may enable in its own subtree. */
export type V2Controller = "memory" | "pids" | "cpu";

export type CgroupV2Host = {
  /** The writable directory below which cordon makes one cgroup per sandbox. */
  readonly base: string;
  /** Controllers enabled in the base's subtree_control (delegated from above). */
  readonly controllers: readonly V2Controller[];
  /** cgroup.kill exists (Linux 5.14). */
  readonly kill: boolean;
  /** memory.swap.max exists (swap accounting is on). */
  readonly swap: boolean;
};

export type CgroupV1Host = {
  readonly base: string;
  /** memory only: memory.memsw.limit_in_bytes exists (swap accounting). */
  readonly memsw?: boolean;
};

export type CgroupHost = {
  readonly v2?: CgroupV2Host;
  readonly v1: Readonly<Partial<Record<V1Controller, CgroupV1Host>>>;
  /** Why hierarchies or controllers are unusable, for the report. */
  readonly notes: readonly string[];
};

export type ContainmentHost = {
  readonly cgroups: CgroupHost;
  /** Effective uid of the caller. */
  readonly euid: number;
  /** A new pid namespace can be made for the child (root, or through a user namespace). */
  readonly pidNamespace: boolean;
};
