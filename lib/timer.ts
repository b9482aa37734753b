// A timer for a caller-chosen duration. setTimeout keeps its delay in a signed
// 32-bit integer: 2^31 ms (about 24.8 days) or more fires at once (Node and Bun
// fall back to 1 ms). A longer wait is chained in steps the runtime keeps, so
// a timeout of a month is a month, not an immediate kill.
export const MAX_TIMER_STEP_MS = 2 ** 31 - 1;

export type LongTimer = {
  clear(): void;
  /** Whether the timer keeps the event loop alive (it does until unref()). */
  ref(): void;
  unref(): void;
};

/** Runs `fire` once `ms` (any finite non-negative number) have passed, unless cleared first. */
export function longTimeout(ms: number, fire: () => void): LongTimer {
  const deadline = performance.now() + ms;
  let handle: ReturnType<typeof setTimeout>;
  let refd = true;
  const arm = () => {
    const left = deadline - performance.now();
    handle = left > MAX_TIMER_STEP_MS ? setTimeout(arm, MAX_TIMER_STEP_MS) : setTimeout(fire, Math.max(0, left));
    if (!refd) handle.unref();
  };
  arm();
  return {
    clear: () => clearTimeout(handle),
    ref: () => {
      refd = true;
      handle.ref();
    },
    unref: () => {
      refd = false;
      handle.unref();
    },
  };
}
