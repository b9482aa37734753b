// The denials of one run: distinct events with counts, bounded, delivered
// live to an optional callback as they come in.
import { rethrowLater } from "../uncaught.ts";
import { DENIALS_BOUND, denialKey, type Denial, type DenialSource, type ExplainSummary } from "./types.ts";

export type DenialInput = Omit<Denial, "count">;

export class DenialLog {
  readonly #byKey = new Map<string, Denial & { count: number }>();
  /** The report's list: the same objects, in first-seen order. */
  readonly list: Denial[] = [];
  #dropped = 0;
  #lost = 0;
  readonly #sources: DenialSource[] = [];

  constructor(
    private readonly onDenial?: (d: Denial) => void,
    private readonly bound = DENIALS_BOUND,
  ) {}

  /** Counts one event; a new one is listed (while the bound allows) and passed to the callback. */
  add(d: DenialInput, times = 1): void {
    const key = denialKey(d);
    const seen = this.#byKey.get(key);
    if (seen) {
      seen.count += times;
      return;
    }
    if (this.list.length >= this.bound) {
      this.#dropped++;
      return;
    }
    const entry = { ...d, count: times };
    this.#byKey.set(key, entry);
    this.list.push(entry);
    if (this.onDenial) {
      try {
        this.onDenial({ ...entry });
      } catch (e) {
        // The caller's callback failing must not lose the run's bookkeeping.
        rethrowLater(e);
      }
    }
  }

  /** Records the kernel dropped before cordon could read them. */
  lost(n: number): void {
    this.#lost += n;
  }

  source(s: DenialSource): void {
    const i = this.#sources.findIndex((x) => x.class === s.class);
    if (i >= 0) this.#sources[i] = s;
    else this.#sources.push(s);
  }

  summary(): ExplainSummary {
    return { sources: [...this.#sources], dropped: this.#dropped, lost: this.#lost };
  }
}
