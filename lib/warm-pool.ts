// The warm sandboxes of one compiled sandbox (compile(policy, { warm: N })):
// up to N made ahead, each with its own resolution (private TMPDIR and HOME)
// and plan, each serving one command. One taken is replaced in the
// background (once its command exited, or a few ms later), one at a time on
// the event loop (never from a native thread);
// one that dies waiting is removed and replaced; close() removes them all.
import { SpawnOptionError } from "./errors.ts";
import type { Resolution } from "./resolve-policy.ts";
import type { Planned } from "./backend/contract.ts";

/** A waiting sandbox: the backend's handle, with the resolution and plan it was made for. */
export type WarmEntry = { readonly resolution: Resolution; readonly planned: Planned<unknown>; readonly handle: unknown };

/** How long a taken sandbox's replacement waits for its command to exit before it is made anyway. */
const REFILL_DELAY_MS = 5;

/** The most warm sandboxes one compiled sandbox keeps. */
export const MAX_WARM = 64;

/** compile()'s options, checked: unknown keys and a count outside 1..64 are errors. */
export function checkCompileOptions(options: unknown): { readonly warm?: number } {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new SpawnOptionError("options", "compile() takes an object of options ({ warm })");
  for (const key of Object.keys(options)) if (key !== "warm") throw new SpawnOptionError(key, "unknown option of compile()");
  const warm = (options as { warm?: unknown }).warm;
  if (warm === undefined) return {};
  if (typeof warm !== "number" || !Number.isInteger(warm) || warm < 1 || warm > MAX_WARM) throw new SpawnOptionError("warm", `expected an integer from 1 to ${MAX_WARM}, got ${String(warm)}`);
  return { warm };
}

export class WarmPool {
  readonly #size: number;
  /** Makes one entry; `gone` is called once if it dies while waiting (after its teardown). */
  readonly #make: (gone: () => void) => WarmEntry;
  readonly #discard: (handle: unknown) => Promise<void>;
  readonly #ready: WarmEntry[] = [];
  readonly #discarding = new Set<Promise<void>>();
  #scheduled = false;
  #closed = false;
  #full: (() => void)[] = [];

  constructor(size: number, make: (gone: () => void) => WarmEntry, discard: (handle: unknown) => Promise<void>) {
    this.#size = size;
    this.#make = make;
    this.#discard = discard;
  }

  /** Makes one entry now (its errors are the caller's), then the rest in the background. */
  fillFirst(first?: (gone: () => void) => WarmEntry): void {
    this.#add(first ?? this.#make);
    this.#schedule();
  }

  /** A waiting sandbox, if one is ready (then the caller says when to replace it: refillAfter); if none, more are scheduled. */
  take(): WarmEntry | undefined {
    const entry = this.#ready.shift();
    if (!entry) this.#schedule();
    return entry;
  }

  /**
   * Replaces a taken sandbox once `exited` settles or REFILL_DELAY_MS have
   * passed, whichever comes first: making one holds the event loop ~3 ms,
   * which a short command's exit would otherwise wait behind. Without
   * `exited` (the spawn failed) at once.
   */
  refillAfter(exited: Promise<unknown> | undefined): void {
    if (!exited) return this.#schedule();
    const timer = setTimeout(() => this.#schedule(), REFILL_DELAY_MS);
    timer.unref();
    const refill = () => {
      clearTimeout(timer);
      this.#schedule();
    };
    // then, not finally: a rejected exited (told to its own caller) must not surface again here, unhandled.
    exited.then(refill, refill);
  }

  /** How many wait now. */
  get ready(): number {
    return this.#ready.length;
  }

  /** Settles once the pool is full (or closed, or a refill failed: spawns then run one-shot). */
  full(): Promise<void> {
    // Nothing scheduled: full, or the last refill failed (none is pending until the next refillAfter, or a take() that finds none).
    if (this.#closed || !this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#full.push(resolve));
  }

  /** Removes a sandbox that was taken but never started (a spawn that failed first); with `cleanup`, its directory too once it is gone. */
  drop(entry: WarmEntry, cleanup = false): void {
    this.#track(
      this.#discard(entry.handle).then(() => {
        if (cleanup) entry.resolution.cleanup();
      }),
    );
  }

  /** Kills and removes every waiting sandbox; settles once they are gone. */
  close(): Promise<void> {
    this.#closed = true;
    for (const e of this.#ready.splice(0)) this.#track(this.#discard(e.handle).then(() => e.resolution.cleanup()));
    this.#notify();
    return Promise.all([...this.#discarding]).then(() => {});
  }

  #track(p: Promise<void>): void {
    const t = p.catch(() => {}).finally(() => this.#discarding.delete(t));
    this.#discarding.add(t);
  }

  #add(make: (gone: () => void) => WarmEntry): void {
    const entry: WarmEntry = make(() => {
      // Died waiting: its teardown is done; its directory goes, and another takes its place.
      const i = this.#ready.indexOf(entry);
      if (i >= 0) this.#ready.splice(i, 1);
      entry.resolution.cleanup();
      this.#schedule();
    });
    this.#ready.push(entry);
  }

  #schedule(): void {
    if (this.#scheduled || this.#closed || this.#ready.length >= this.#size) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#closed) return;
      try {
        this.#add(this.#make);
      } catch {
        // The host refused one now (fds, memory, cgroups): spawns run one-shot, which report any such error themselves; the next refillAfter, or a take() that finds none, tries again.
        return this.#notify();
      }
      if (this.#ready.length < this.#size) this.#schedule();
      else this.#notify();
    });
  }

  #notify(): void {
    for (const f of this.#full.splice(0)) f();
  }
}
