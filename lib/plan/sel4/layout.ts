// Memory regions and where each protection domain sees them. Sizes are
// rounded up to a page size the manual lists (4 KiB, or 2 MiB for regions
// of 2 MiB and more); mappings are placed one after another from a fixed base,
// each aligned to its region's page size with an unmapped page between, and
// regions whose size comes from their prefill file get a window of their own.
import { el, hex, type SdfElement } from "./sdf.ts";

export const KiB = 1024;
export const MiB = 1024 * KiB;
const SMALL = 0x1000;
const LARGE = 0x200000;
/** Where a PD's first mapping goes; the manual's examples map at such addresses. */
const BASE = 0x20000000;
/** Prefilled regions of unknown size: one 4 GiB window each, above every sized mapping. */
const WINDOWS = 0x1000000000;
const WINDOW = 0x100000000;

export type Region = {
  readonly name: string;
  /** Undefined for a prefilled region sized by its file. */
  readonly size?: number;
  readonly pageSize?: number;
  readonly physAddr?: number;
  readonly prefill?: string;
  readonly comment?: string;
};

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/** A region of at least `bytes`, in whole pages. */
export function sized(name: string, bytes: number, extra: Omit<Region, "name" | "size" | "pageSize"> = {}): Region {
  const pageSize = bytes >= LARGE ? LARGE : SMALL;
  return { name, size: roundUp(bytes, pageSize), pageSize, ...extra };
}

export function regionElement(r: Region): SdfElement {
  return el(
    "memory_region",
    { name: r.name, size: r.size === undefined ? undefined : hex(r.size), page_size: r.pageSize === undefined ? undefined : hex(r.pageSize), phys_addr: r.physAddr === undefined ? undefined : hex(r.physAddr), prefill_path: r.prefill },
    [],
    r.comment,
  );
}

/** One protection domain's address space: hands out virtual addresses and channel ids. */
export class AddressSpace {
  private cursor = BASE;
  private windows = 0;
  private nextId = 0;
  readonly maps: SdfElement[] = [];

  map(r: Region, perms: "r" | "rw", opts: { cached?: false } = {}): void {
    let vaddr: number;
    if (r.size === undefined) vaddr = WINDOWS + WINDOW * this.windows++;
    else {
      vaddr = roundUp(this.cursor, r.pageSize ?? SMALL);
      this.cursor = vaddr + r.size + SMALL;
    }
    this.maps.push(el("map", { mr: r.name, vaddr: hex(vaddr), perms, cached: opts.cached === false ? "false" : undefined, setvar_vaddr: `${r.name}_vaddr` }));
  }

  /** The next channel or interrupt id of this PD (they share one space of 63). */
  id(): number {
    return this.nextId++;
  }
}
