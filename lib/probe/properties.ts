// The 24 isolation properties cordon measures a host against, each with what
// a verified capability microkernel (seL4, with MCS for time) offers for it.
// Marks: "E*" enforced and machine-checked in a verified configuration;
// "E" enforced by a mechanism; "P" partial; "N" none. The seL4 marks hold
// only for systems configured the way the proofs assume.

export type Sel4Mark = "E*" | "E" | "P" | "N";

export type Property = {
  readonly id: string;
  /** What a probe inside the sandbox checks, in a few words. */
  readonly title: string;
  readonly sel4: { readonly mark: Sel4Mark; readonly note: string };
};

export const properties: readonly Property[] = [
  { id: "P01", title: "filesystem confined to grants", sel4: { mark: "E*", note: "no kernel file namespace; files are capabilities to a file-server component" } },
  { id: "P02", title: "network confined to grants", sel4: { mark: "E*", note: "no kernel network stack; needs a channel to a driver or IP-stack component" } },
  { id: "P03", title: "no local IPC to endpoints outside", sel4: { mark: "E*", note: "endpoints are reachable only through held capabilities" } },
  { id: "P04", title: "cannot signal, ptrace or write other processes", sel4: { mark: "E*", note: "acting on a thread needs its TCB capability; there are no global ids" } },
  { id: "P05", title: "cannot observe other processes", sel4: { mark: "E*", note: "no global process namespace; confidentiality proof covers kernel state" } },
  { id: "P06", title: "no ambient authority at spawn", sel4: { mark: "E*", note: "a new component holds exactly the capabilities placed in its CSpace" } },
  { id: "P07", title: "per-handle rights attenuation", sel4: { mark: "E*", note: "capabilities are minted with fewer rights" } },
  { id: "P08", title: "confinement inherited and irremovable", sel4: { mark: "E*", note: "authority confinement: children get only what the parent passes" } },
  { id: "P09", title: "all descendants tracked", sel4: { mark: "E*", note: "every thread of a domain is made from its untyped memory" } },
  { id: "P10", title: "race-free kill of the whole domain", sel4: { mark: "E", note: "revoking the domain's untyped destroys every object made from it" } },
  { id: "P11", title: "aggregate memory bound", sel4: { mark: "E*", note: "frames come only from the domain's untyped memory" } },
  { id: "P12", title: "kernel memory charged to the domain", sel4: { mark: "E*", note: "the kernel has no heap; its objects are retyped from user-supplied untyped" } },
  { id: "P13", title: "process, thread and handle count bound", sel4: { mark: "E*", note: "bounded by the untyped budget" } },
  { id: "P14", title: "CPU bounded by budget per period", sel4: { mark: "E", note: "MCS scheduling contexts (budget, period) with sporadic servers" } },
  { id: "P15", title: "CPU guarantee for a critical domain", sel4: { mark: "E", note: "MCS with fixed priorities; admission control is left to user level" } },
  { id: "P16", title: "overrun notice; server time charged to caller", sel4: { mark: "E", note: "MCS timeout faults and scheduling-context donation to passive servers" } },
  { id: "P17", title: "live revocation of a grant", sel4: { mark: "E*", note: "CNode revoke deletes every derived capability" } },
  { id: "P18", title: "device access only by grant", sel4: { mark: "E*", note: "device frames and IRQ handlers are capabilities" } },
  { id: "P19", title: "DMA confined by an IOMMU", sel4: { mark: "P", note: "IOMMU support exists but is unverified; proofs assume DMA is off or trusted" } },
  { id: "P20", title: "kernel attack surface reduced", sel4: { mark: "E*", note: "the whole API is capability invocation on a small verified kernel" } },
  { id: "P21", title: "no storage channels between domains", sel4: { mark: "E*", note: "noninterference proof covers in-kernel storage channels" } },
  { id: "P22", title: "timing channels mitigated", sel4: { mark: "P", note: "no proof covers timing; time protection is research" } },
  { id: "P23", title: "sandbox set up without privilege", sel4: { mark: "E", note: "any holder of untyped memory and capabilities builds sub-domains" } },
  { id: "P24", title: "no new authority via granted channels", sel4: { mark: "E*", note: "passing a capability needs the Grant right on the endpoint" } },
];
