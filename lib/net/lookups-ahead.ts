// A granted name's upstream lookup started when the sandbox looks the name
// up, not when it connects: a client asks cordon's DNS, gets the relay
// address at once and connects, and the answer for where that connect goes
// is then already on its way (it took about as long as the client's own
// lookup and connect together). Each lookup made ahead serves one connect
// only, and only while fresh; a connect without one resolves then. Nothing
// is trusted for longer than before: the address is still checked for the
// connect (lib/net/decide.ts pick), and a name that changes its answer
// (rebinding) is resolved again for the next lookup.
import type { Resolve } from "./resolve.ts";

/** A lookup made ahead serves a connect that comes within this long. */
export const AHEAD_MS = 2000;
/** At most this many names are looked up ahead at once (a sandbox that looks up many names of a wildcard grant gets the rest resolved at connect). */
export const AHEAD_MAX = 64;

export class LookupsAhead {
  private readonly ahead = new Map<string, { readonly at: number; readonly result: Promise<string[]> }>();

  constructor(
    private readonly resolve: Resolve,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The sandbox looked `name` up (and got a relay address): resolve it now for the connect that follows. */
  looked(name: string): void {
    const now = this.now();
    const known = this.ahead.get(name);
    if (known && now - known.at < AHEAD_MS) return;
    for (const [n, e] of this.ahead) if (now - e.at >= AHEAD_MS) this.ahead.delete(n);
    if (this.ahead.size >= AHEAD_MAX) return;
    const result = this.resolve(name);
    // Its failure is the connect's to report, if one comes.
    result.catch(() => {});
    this.ahead.set(name, { at: now, result });
  }

  /** Where a connect to `name` goes: the lookup made ahead for it (once), or a new one. */
  readonly forConnect: Resolve = (name) => {
    const known = this.ahead.get(name);
    this.ahead.delete(name);
    return known && this.now() - known.at < AHEAD_MS ? known.result : this.resolve(name);
  };
}
