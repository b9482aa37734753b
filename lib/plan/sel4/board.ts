// The devices a generated system drives, per board: where each device's
// registers are, which interrupt it raises, and whether an IOMMU stands
// between it and memory. Facts, each with its source; a board missing here
// is a PolicyError, never a guess.

export type Device = {
  /** Device registers: one page-aligned window (phys_addr, size). Absent for a device driven through system registers. */
  readonly mmio?: { readonly paddr: number; readonly size: number };
  readonly irq: { readonly number: number; readonly trigger: "edge" | "level" };
  /** The device's IOMMU/SMMU identity, when the board has one in front of it (P19). */
  readonly iommu?: { readonly peripheralId: string; readonly domainId: number };
};

export type Board = {
  /** The board name the Microkit SDK builds for (manual, "Board Support Packages"). */
  readonly name: string;
  readonly summary: string;
  readonly serial: Device;
  readonly net: Device;
  readonly timer: Device;
};

/**
 * QEMU's `virt` machine, AArch64 (Microkit board `qemu_virt_aarch64`, seL4 at
 * EL2). From QEMU's hw/arm/virt.c memory map and generated device tree: the
 * PL011 UART at 0x9000000 raises SPI 1 (INTID 33, level); the 32 virtio-mmio
 * transports of 0x200 bytes start at 0xa000000 and transport n raises SPI
 * 16+n (INTID 48+n, edge), and the first virtio device given on the command
 * line takes transport 31 (0xa003e00, INTID 79), which shares its 4 KiB page
 * with transports 24-30; the generic timer's non-secure physical interrupt is
 * PPI 14 (INTID 30), the one sDDF's arm timer driver takes (device tree index 1).
 * No IOMMU unless QEMU is started with iommu=smmuv3, so device DMA is unconfined.
 */
const qemuVirtAarch64: Board = {
  name: "qemu_virt_aarch64",
  summary: "QEMU virt, AArch64: PL011 serial, one virtio-net device, ARM generic timer, no IOMMU",
  serial: { mmio: { paddr: 0x9000000, size: 0x1000 }, irq: { number: 33, trigger: "level" } },
  net: { mmio: { paddr: 0xa003000, size: 0x1000 }, irq: { number: 79, trigger: "edge" } },
  timer: { irq: { number: 30, trigger: "level" } },
};

export const BOARDS: Readonly<Record<string, Board>> = { [qemuVirtAarch64.name]: qemuVirtAarch64 };
