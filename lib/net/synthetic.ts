// Addresses cordon's DNS gives granted names inside the sandbox: one per
// name in 127.1.0.0/16, which is local on the sandbox's loopback without any
// route, so a connect to it reaches the relay's listener on that port; the
// relay maps it back to the name. A name keeps its address for the run and
// no address ever names two (a client that caches it never reaches another
// host with it); a name hashes to the same slot from run to run where it can.
export const SYNTHETIC_PREFIX = [127, 1] as const;
const SLOTS = 0xfffe;

/** FNV-1a, 32 bits. */
function hash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export class SyntheticAddresses {
  private readonly byName = new Map<string, string>();
  private readonly byAddress = new Map<string, string>();

  /** `reserved`: addresses granted as literals in 127.1.0.0/16, never handed out. */
  constructor(private readonly reserved: ReadonlySet<string> = new Set()) {}

  /** The name's address, allocated on first use; undefined once all 65534 are taken. */
  addressOf(name: string): string | undefined {
    const known = this.byName.get(name);
    if (known) return known;
    const start = hash(name) % SLOTS;
    for (let k = 0; k < SLOTS; k++) {
      const slot = ((start + k) % SLOTS) + 1; // 127.1.0.1 .. 127.1.255.254
      const address = `${SYNTHETIC_PREFIX[0]}.${SYNTHETIC_PREFIX[1]}.${slot >> 8}.${slot & 0xff}`;
      if (this.byAddress.has(address) || this.reserved.has(address)) continue;
      this.byName.set(name, address);
      this.byAddress.set(address, name);
      return address;
    }
    return undefined;
  }

  /** The name an address was given to, if it was. */
  nameOf(address: string): string | undefined {
    return this.byAddress.get(address);
  }
}
