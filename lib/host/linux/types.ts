// The Linux host model: what this host lets a sandbox have, as plain data.
// Probed once per process by linuxHostModel() (./index.ts); a plan, `cordon probe`
// and `cordon audit` can take a described one instead (a test, the security
// model's columns), since nothing here refers to the live system.
import type { CgroupHost } from "../../plan/linux/containment-host.ts";
import type { Arch } from "../../plan/linux/seccomp/index.ts";

export type NamespaceKind = "mount" | "pid" | "net" | "ipc" | "uts" | "cgroup";

/** How the sandbox's namespaces are had here (SandboxHost.namespaces). */
export type NamespaceRoute = "direct" | "user" | "none";

export type LinuxHostModel = {
  readonly kernel: string;
  readonly arch: Arch | undefined;
  readonly euid: number;
  /** The permitted capability set is not empty (capget). */
  readonly capabilities: boolean;
  readonly landlock: {
    /** landlock_create_ruleset(VERSION), 0 when absent; a CORDON_LANDLOCK_ABI_CAP is applied by landlockAbiOf (./landlock.ts). */
    readonly kernelAbi: number;
    /** Why there is none (errno named), when kernelAbi is 0. */
    readonly unavailable?: string;
  };
  readonly seccomp: {
    /** /proc/sys/kernel/seccomp/actions_avail. */
    readonly actions: readonly string[];
    /** This process already runs under a filter (filters stack). */
    readonly filtered: boolean;
  };
  /** no_new_privs already set on this process. */
  readonly noNewPrivs: boolean;
  readonly namespaces: {
    /** A user namespace can be made by this process. */
    readonly user: boolean;
    /** Each kind made by clone directly, and inside a new user namespace. */
    readonly direct: Readonly<Record<NamespaceKind, boolean>>;
    readonly inUser: Readonly<Record<NamespaceKind, boolean>>;
    /** uid 65534 (this process when it is not root) makes a user namespace with mount, pid, net, ipc and uts inside. */
    readonly unprivileged: boolean;
  };
  readonly mounts: {
    /** A fresh proc in new mount + pid namespaces. */
    readonly proc: { readonly direct: boolean; readonly inUser: boolean };
    /** A tmpfs (the private root's) in a new mount namespace. */
    readonly tmpfs: { readonly direct: boolean; readonly inUser: boolean };
    /** Mount calls the private root uses where it can (older kernels and some profiles lack them). */
    readonly calls: { readonly clone3: boolean; readonly fsopen: boolean; readonly openTree: boolean; readonly moveMount: boolean; readonly openat2: boolean; readonly mountSetattr: boolean };
  };
  readonly cgroups: CgroupHost;
  /** Linux 7.1's clone3 flags, each tried by the probe (absent before 7.1: EINVAL). What a spawn would do with them: ./clone-help.ts. */
  readonly cloneFlags: { readonly autoreap: boolean; readonly nnp: boolean; readonly pidfdAutokill: boolean };
};
