// The Microkit system description format as its manual defines it: every
// element, its attributes with their allowed values, and its children with
// how many of each. Source: seL4 Microkit manual, chapter "System Description
// File" (seL4/microkit docs/manual.md, version 2.3.0-dev, commit cfd52163,
// 2026-07). Only what the manual states is here; the checker (./check.ts)
// holds generated systems to it. The Microkit SDK is not installable on this
// project's hosts, so no system is built with the tool itself.

export type Value =
  | { readonly kind: "name" }
  | { readonly kind: "text" }
  | { readonly kind: "bool" }
  /** Decimal or 0x-hex, "_" allowed between digits (as the manual's examples write sizes). */
  | { readonly kind: "int"; readonly min?: number; readonly max?: number }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  /** Letters from `letters`, each at most once, not empty, and none of `except`. */
  | { readonly kind: "perms"; readonly letters: string; readonly except: readonly string[] };

export type AttrRule = { readonly value: Value; readonly required?: boolean; readonly onlyUnder?: string };

export type ElementRule = {
  readonly attrs: Readonly<Record<string, AttrRule>>;
  /** Child element → [fewest, most]; absent children are not allowed. */
  readonly children: Readonly<Record<string, readonly [number, number]>>;
};

const name = { value: { kind: "name" } } as const;
const text = { value: { kind: "text" } } as const;
const bool = { value: { kind: "bool" } } as const;
const int = (min?: number, max?: number): AttrRule => ({ value: { kind: "int", ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) } });
const req = (r: AttrRule): AttrRule => ({ ...r, required: true });
const many = [0, Infinity] as const;

/** Page sizes on AArch64, RISC-V 64 and x86-64 alike (manual, "Page sizes by architecture"). */
export const PAGE_SIZES = [0x1000, 0x200000] as const;
/** "Microkit supports a maximum of 63 protection domains." */
export const MAX_PDS = 63;
/** Channel and interrupt ids: "at least 0 and less than 63"; at most 63 per PD. */
export const MAX_CHANNEL_ID = 62;
export const MAX_PRIORITY = 254;
export const STACK_SIZE = { min: 0x1000, max: 0x1000000 } as const;

export const SCHEMA: Readonly<Record<string, ElementRule>> = {
  system: {
    attrs: {},
    // The manual lists protection_domain, memory_region, channel and domains;
    // io_address_space sits here too in the SDK's own IOMMU example.
    children: { protection_domain: many, memory_region: many, channel: many, domains: [0, 1], io_address_space: many },
  },
  protection_domain: {
    attrs: {
      name: req(name),
      priority: int(0, MAX_PRIORITY),
      budget: int(0),
      period: int(0),
      passive: bool,
      stack_size: int(STACK_SIZE.min, STACK_SIZE.max),
      cpu: int(0),
      smc: bool,
      fpu: bool,
      domain: name,
      // A child protection domain: the id its parent refers to it by.
      id: { ...int(0), required: true, onlyUnder: "protection_domain" },
      setvar_id: { ...text, onlyUnder: "protection_domain" },
    },
    children: { program_image: [1, 1], map: many, irq: many, setvar: many, protection_domain: many, virtual_machine: [0, 1], ioport: many, cspace: [0, 1] },
  },
  program_image: { attrs: { path: req(text), path_for_symbols: text }, children: {} },
  map: {
    attrs: {
      mr: req(name),
      vaddr: req(int(0)),
      // r, w, x in any combination but write-only; the default is read-write.
      perms: { value: { kind: "perms", letters: "rwx", except: ["w"] } },
      cached: bool,
      setvar_vaddr: text,
      setvar_size: text,
      setvar_prefill_size: text,
    },
    children: {},
  },
  // The ARM and RISC-V form; the x86-64 IOAPIC and MSI forms are never generated.
  irq: { attrs: { irq: req(int(0)), id: req(int(0, MAX_CHANNEL_ID)), trigger: { value: { kind: "enum", values: ["edge", "level"] } }, setvar_id: text }, children: {} },
  setvar: { attrs: { symbol: req(text), region_paddr: req(name) }, children: {} },
  ioport: { attrs: { id: req(int(0, MAX_CHANNEL_ID)), addr: req(int(0)), size: req(int(1)), setvar_id: text, setvar_addr: text }, children: {} },
  virtual_machine: { attrs: { name: req(name), priority: int(0, MAX_PRIORITY), budget: int(0), period: int(0) }, children: { vcpu: [1, Infinity], map: many } },
  vcpu: { attrs: { id: req(int(0, 61)), cpu: int(0), setvar_id: text }, children: {} },
  cspace: { attrs: {}, children: { cap_tcb: many, cap_sc: many, cap_vspace: many } },
  cap_tcb: { attrs: { slot: req(int(0)), pd: req(name) }, children: {} },
  cap_sc: { attrs: { slot: req(int(0)), pd: req(name) }, children: {} },
  cap_vspace: { attrs: { slot: req(int(0)), pd: req(name) }, children: {} },
  memory_region: {
    attrs: {
      name: req(name),
      // Required unless the region is prefilled (its size is then the file's).
      size: int(1),
      page_size: { value: { kind: "enum", values: PAGE_SIZES.map((p) => `0x${p.toString(16)}`) } },
      phys_addr: int(0),
      prefill_path: text,
      prefill_bootinfo: { value: { kind: "enum", values: ["x86_vbe", "x86_mbmap", "x86_acpi_rsdp", "x86_framebuffer", "x86_tsc_freq"] } },
    },
    children: {},
  },
  io_address_space: { attrs: { name: req(name), peripheral_id: req(text), domain_id: req(int(0)) }, children: { iomap: many } },
  iomap: { attrs: { mr: req(name), iovaddr: req(int(0)), perms: { value: { kind: "perms", letters: "rw", except: [] } } }, children: {} },
  channel: { attrs: {}, children: { end: [2, 2] } },
  end: { attrs: { pd: req(name), id: req(int(0, MAX_CHANNEL_ID)), pp: bool, notify: bool, setvar_id: text }, children: {} },
  domains: { attrs: {}, children: { domain: [1, Infinity], domain_schedule: [1, 1] } },
  domain: { attrs: { name: req(name), id: int(0) }, children: {} },
  domain_schedule: { attrs: { start_index: int(0), index_shift: int(0) }, children: { schedule_entry: many, schedule_end_marker: many } },
  schedule_entry: { attrs: { domain: req(name), duration: req(text) }, children: {} },
  schedule_end_marker: { attrs: {}, children: {} },
};

/** A number as the manual writes them: decimal or 0x-hex, with "_" between digits. */
export function parseNumber(s: string): number | undefined {
  if (!/^(0x[0-9a-fA-F](_?[0-9a-fA-F])*|[0-9](_?[0-9])*)$/.test(s)) return undefined;
  const n = Number(s.replaceAll("_", ""));
  return Number.isSafeInteger(n) ? n : undefined;
}
