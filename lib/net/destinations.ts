// The report's list of destinations the command asked for: each allowed or
// refused name (or address) and port, how often, why refused, where relayed,
// and the bytes each way. Updated in place while the command runs, so a
// report read after the exit holds all of it. With spawn()'s onNetwork, each
// decision is also told to the caller's hook as it is taken (observer.ts).
import type { NetworkDestination, NetworkHook } from "../report.ts";
import { NetworkObserver } from "./observer.ts";

/** `unlisted`: decisions past the list's bound (present once there is one), so that a full list says it is not the whole story. */
export type NetworkReport = { readonly destinations: NetworkDestination[]; unlisted?: number };

type Outcome = { allowed: true; grant: string } | { allowed: false; reason: string };

/** Distinct entries the report lists (cordon run's stderr lines name it too). */
export const MAX_ENTRIES = 1000;
/** The start of a refused lookup's reason (cordon run's stderr lines tell lookups by it). */
export const LOOKUP_REFUSED = "lookup refused (NXDOMAIN): ";

/**
 * Names and reasons come from the command: a lookup may hold any bytes, a
 * proxy request any host. Outside printable ASCII each character is written
 * as \xNN (\u{N} above 0xff) and a backslash doubled, so neither the report
 * nor a hook's log can carry a terminal's control sequences, and two
 * different names never read alike.
 */
function printable(s: string): string {
  return s.replace(/[^\x20-\x5b\x5d-\x7e]/g, (c) => {
    if (c === "\\") return "\\\\";
    const n = c.codePointAt(0)!;
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u{${n.toString(16)}}`;
  });
}

/** Addresses listed per entry. */
const MAX_ADDRESSES = 16;

export class DestinationLog {
  readonly report: NetworkReport = { destinations: [] };
  private readonly byKey = new Map<string, NetworkDestination>();
  private readonly observer: NetworkObserver | undefined;

  constructor(hook?: NetworkHook) {
    this.observer = hook && new NetworkObserver(hook);
  }

  /**
   * The entry of (host, port, verdict and reason), counted once more, with
   * `address` (where an allowed connect is relayed to) added to it; the
   * hook is told of this one decision.
   */
  note(kind: "lookup" | "connect", name: string, port: number | undefined, told: Outcome, address?: string): NetworkDestination {
    const host = printable(name);
    const outcome: Outcome = told.allowed ? told : { allowed: false, reason: printable(told.reason) };
    const key = JSON.stringify([host, port ?? null, outcome.allowed, outcome.allowed ? "" : outcome.reason]);
    let e = this.byKey.get(key);
    if (!e) {
      e = { host, ...(port !== undefined && { port }), allowed: outcome.allowed, count: 0, ...(outcome.allowed ? { grant: outcome.grant } : { reason: outcome.reason }), bytesOut: 0, bytesIn: 0 };
      // A command that tries a million names fills no memory: past the bound, only counts of what is listed grow.
      if (this.byKey.size < MAX_ENTRIES) {
        this.byKey.set(key, e);
        this.report.destinations.push(e);
      } else this.report.unlisted = (this.report.unlisted ?? 0) + 1;
    }
    e.count++;
    if (address !== undefined && !(e.addresses ??= []).includes(address) && e.addresses.length < MAX_ADDRESSES) e.addresses.push(address);
    this.observer?.tell({ kind, host, ...(port !== undefined && { port }), ...outcome, ...(address !== undefined && { address }) });
    return e;
  }

  /** A granted name was looked up: told to the hook, not listed (the report lists the connects that follow). */
  looked(host: string, grant: string): void {
    this.observer?.tell({ kind: "lookup", host, allowed: true, grant });
  }

  /** A relayed connection of `entry` ended: told to the hook with its bytes, and why its connect failed if it did (the caller counts the bytes). */
  closed(entry: NetworkDestination, c: { readonly address: string; readonly bytesOut: number; readonly bytesIn: number; readonly failed?: string | undefined }): void {
    const { host, port, grant } = entry;
    this.observer?.tell({
      kind: "close",
      host,
      ...(port !== undefined && { port }),
      allowed: true,
      ...(grant !== undefined && { grant }),
      ...(c.failed !== undefined && { reason: c.failed }),
      address: c.address,
      bytesOut: c.bytesOut,
      bytesIn: c.bytesIn,
    });
  }

  /** What is still queued for the hook, told now (the relay or proxy stops). */
  flush(): void {
    this.observer?.flush();
  }
}
