// The 24 isolation properties cordon measures a host against, each with what
// a verified capability microkernel (seL4, with MCS for time) offers for it,
// and the aspects a host must cover for the property to count as enforced.
// seL4 marks: "E*" enforced and machine-checked in a verified configuration;
// "E" enforced by a mechanism; "P" partial; "N" none. They hold only for
// systems configured the way the proofs assume.
//
// Aspects are what the guarantee registry (./registry.ts) points at: a host's
// mark for a property comes from which aspects its reported guarantees cover
// (./marks.ts), never from a second judgement.

export type Sel4Mark = "E*" | "E" | "P" | "N";

type PropertyDef = {
  readonly id: string;
  /** What a probe inside the sandbox checks, in a few words. */
  readonly title: string;
  readonly sel4: { readonly mark: Sel4Mark; readonly note: string };
  /** The parts of the property; each must be covered by an enforced guarantee for the mark E. */
  readonly aspects: readonly string[];
  /** P23 only: marked by comparing a host with and without privilege, not by guarantees. */
  readonly fromPrivilege?: true;
};

export const properties = [
  { id: "P01", title: "filesystem confined to grants", sel4: { mark: "E*", note: "no kernel file namespace; files are capabilities to a file-server component" }, aspects: ["read", "write", "execute"] },
  { id: "P02", title: "network confined to grants", sel4: { mark: "E*", note: "no kernel network stack; needs a channel to a driver or IP-stack component" }, aspects: ["tcp connect", "tcp bind", "udp bind", "udp send", "other sockets"] },
  { id: "P03", title: "no local IPC to endpoints outside", sel4: { mark: "E*", note: "endpoints are reachable only through held capabilities" }, aspects: ["pathname sockets", "abstract sockets", "System V and POSIX IPC", "system services"] },
  { id: "P04", title: "cannot signal, ptrace or write other processes", sel4: { mark: "E*", note: "acting on a thread needs its TCB capability; there are no global ids" }, aspects: ["signals", "debugging and memory access"] },
  { id: "P05", title: "cannot observe other processes", sel4: { mark: "E*", note: "no global process namespace; confidentiality proof covers kernel state" }, aspects: ["other processes hidden"] },
  { id: "P06", title: "no ambient authority at spawn", sel4: { mark: "E*", note: "a new component holds exactly the capabilities placed in its CSpace" }, aspects: ["inherited handles", "privileges", "ambient identity", "terminal"] },
  { id: "P07", title: "per-handle rights attenuation", sel4: { mark: "E*", note: "capabilities are minted with fewer rights" }, aspects: ["per-handle rights"] },
  { id: "P08", title: "confinement inherited and irremovable", sel4: { mark: "E*", note: "authority confinement: children get only what the parent passes" }, aspects: ["inherited and irremovable"] },
  { id: "P09", title: "all descendants tracked", sel4: { mark: "E*", note: "every thread of a domain is made from its untyped memory" }, aspects: ["every descendant tracked"] },
  { id: "P10", title: "race-free kill of the whole domain", sel4: { mark: "E", note: "revoking the domain's untyped destroys every object made from it" }, aspects: ["whole domain killed"] },
  { id: "P11", title: "aggregate memory bound", sel4: { mark: "E*", note: "frames come only from the domain's untyped memory" }, aspects: ["memory bound"] },
  { id: "P12", title: "kernel memory charged to the domain", sel4: { mark: "E*", note: "the kernel has no heap; its objects are retyped from user-supplied untyped" }, aspects: ["kernel objects charged"] },
  { id: "P13", title: "process, thread and handle count bound", sel4: { mark: "E*", note: "bounded by the untyped budget" }, aspects: ["processes", "open handles"] },
  { id: "P14", title: "CPU bounded by budget per period", sel4: { mark: "E", note: "MCS scheduling contexts (budget, period) with sporadic servers" }, aspects: ["total CPU time", "CPU per period"] },
  { id: "P15", title: "CPU guarantee for a critical domain", sel4: { mark: "E", note: "MCS with fixed priorities; admission control is left to user level" }, aspects: ["CPU guarantee"] },
  { id: "P16", title: "overrun notice; server time charged to caller", sel4: { mark: "E", note: "MCS timeout faults and scheduling-context donation to passive servers" }, aspects: ["overrun noticed", "server time charged"] },
  { id: "P17", title: "live revocation of a grant", sel4: { mark: "E*", note: "CNode revoke deletes every derived capability" }, aspects: ["grant revoked live"] },
  { id: "P18", title: "device access only by grant", sel4: { mark: "E*", note: "device frames and IRQ handlers are capabilities" }, aspects: ["device read", "device write"] },
  { id: "P19", title: "DMA confined by an IOMMU", sel4: { mark: "P", note: "IOMMU support exists but is unverified; proofs assume DMA is off or trusted" }, aspects: ["DMA confined"] },
  { id: "P20", title: "kernel attack surface reduced", sel4: { mark: "E*", note: "the whole API is capability invocation on a small verified kernel" }, aspects: ["system call allow-list"] },
  { id: "P21", title: "no storage channels between domains", sel4: { mark: "E*", note: "noninterference proof covers in-kernel storage channels" }, aspects: ["process ids", "files", "IPC objects", "kernel counters"] },
  { id: "P22", title: "timing channels mitigated", sel4: { mark: "P", note: "no proof covers timing; time protection is research" }, aspects: ["timing channels"] },
  { id: "P23", title: "sandbox set up without privilege", sel4: { mark: "E", note: "any holder of untyped memory and capabilities builds sub-domains" }, aspects: [], fromPrivilege: true },
  { id: "P24", title: "no new authority via granted channels", sel4: { mark: "E*", note: "passing a capability needs the Grant right on the endpoint" }, aspects: ["descriptors passed in", "handles injected"] },
] as const satisfies readonly PropertyDef[];

export type PropertyId = (typeof properties)[number]["id"];

export type Property = (typeof properties)[number];

/** The aspects of property `P`, as a type: the registry's links are checked against it. */
export type AspectOf<P extends PropertyId> = Extract<Property, { id: P }>["aspects"][number];

/** The properties a host must carry without privilege for P23 (an ordinary user can set up P01-P11). */
export const PRIVILEGE_SCOPE: readonly PropertyId[] = ["P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09", "P10", "P11"];

export function propertyOf(id: PropertyId): Property {
  return properties.find((p) => p.id === id)!;
}
