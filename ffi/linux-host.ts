// The host probe (cordon_linux_host.h): one native call that tries, in a
// throw-away process, the namespaces, mounts and mount calls a sandbox needs,
// and answers with a bitmask, decoded here into named facts.
import { linux } from "./linux.ts";
import { check } from "./status.ts";

/** CORDON_HOST_* */
export const HOST_BIT = {
  clone3: 1 << 0,
  user: 1 << 1,
  directShift: 2,
  inUserShift: 8,
  procDirect: 1 << 14,
  procInUser: 1 << 15,
  tmpfsDirect: 1 << 16,
  tmpfsInUser: 1 << 17,
  fsopen: 1 << 18,
  openTree: 1 << 19,
  moveMount: 1 << 20,
  openat2: 1 << 21,
  mountSetattr: 1 << 22,
  unprivilegedUserns: 1 << 23,
  capabilities: 1 << 24,
  noNewPrivs: 1 << 25,
  seccompFilter: 1 << 26,
  cloneAutoreap: 1 << 27,
  cloneNnp: 1 << 28,
  clonePidfdAutokill: 1 << 29,
} as const;

/** In the order of the bits after CORDON_HOST_DIRECT_SHIFT / _IN_USER_SHIFT. */
export const NAMESPACE_KINDS = ["mount", "pid", "net", "ipc", "uts", "cgroup"] as const;
export type ProbedNamespace = (typeof NAMESPACE_KINDS)[number];

export type HostProbe = {
  readonly clone3: boolean;
  /** A user namespace can be made by this process. */
  readonly user: boolean;
  /** Each kind made directly (no user namespace around it). */
  readonly direct: Readonly<Record<ProbedNamespace, boolean>>;
  /** Each kind made inside a new user namespace. */
  readonly inUser: Readonly<Record<ProbedNamespace, boolean>>;
  /** A fresh proc / a tmpfs mounted in new mount (+ pid) namespaces, directly or inside a user namespace. */
  readonly proc: { readonly direct: boolean; readonly inUser: boolean };
  readonly tmpfs: { readonly direct: boolean; readonly inUser: boolean };
  /** The mount calls the private root uses, tried in a mount namespace of the probe's own (all false where none can be had). */
  readonly calls: { readonly fsopen: boolean; readonly openTree: boolean; readonly moveMount: boolean; readonly openat2: boolean; readonly mountSetattr: boolean };
  /** uid 65534 (when this process is root; else this process) makes user + mount, pid, net, ipc and uts namespaces. */
  readonly unprivilegedUserns: boolean;
  readonly capabilities: boolean;
  readonly noNewPrivs: boolean;
  readonly seccompFilter: boolean;
  /** clone3 takes each of Linux 7.1's flags (tried in the probe's copy; EINVAL before). */
  readonly cloneFlags: { readonly autoreap: boolean; readonly nnp: boolean; readonly pidfdAutokill: boolean };
};

const kindsAt = (mask: number, shift: number) => Object.fromEntries(NAMESPACE_KINDS.map((k, i) => [k, (mask & (1 << (shift + i))) !== 0])) as Record<ProbedNamespace, boolean>;

export function decodeHostProbe(mask: number): HostProbe {
  const has = (bit: number) => (mask & bit) !== 0;
  return {
    clone3: has(HOST_BIT.clone3),
    user: has(HOST_BIT.user),
    direct: kindsAt(mask, HOST_BIT.directShift),
    inUser: kindsAt(mask, HOST_BIT.inUserShift),
    proc: { direct: has(HOST_BIT.procDirect), inUser: has(HOST_BIT.procInUser) },
    tmpfs: { direct: has(HOST_BIT.tmpfsDirect), inUser: has(HOST_BIT.tmpfsInUser) },
    calls: { fsopen: has(HOST_BIT.fsopen), openTree: has(HOST_BIT.openTree), moveMount: has(HOST_BIT.moveMount), openat2: has(HOST_BIT.openat2), mountSetattr: has(HOST_BIT.mountSetattr) },
    unprivilegedUserns: has(HOST_BIT.unprivilegedUserns),
    capabilities: has(HOST_BIT.capabilities),
    noNewPrivs: has(HOST_BIT.noNewPrivs),
    seccompFilter: has(HOST_BIT.seccompFilter),
    cloneFlags: { autoreap: has(HOST_BIT.cloneAutoreap), nnp: has(HOST_BIT.cloneNnp), pidfdAutokill: has(HOST_BIT.clonePidfdAutokill) },
  };
}

/** Runs the probe (a fork and a few dozen short children): once per process is enough. */
export function probeHost(): HostProbe {
  return decodeHostProbe(check("cordon_linux_host_probe", "errno", linux().cordon_linux_host_probe()));
}
