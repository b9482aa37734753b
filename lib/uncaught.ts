// An exception of a caller's callback (onExit, onNetwork, onDenial) or of
// cordon's own event handling surfaces as Bun's
// own do, and as an EventEmitter listener's: uncaught, from a microtask of its
// own, so it is neither swallowed nor thrown into cordon's code that called it.

/** Throws `e` again, outside the current call stack. */
export function rethrowLater(e: unknown): void {
  queueMicrotask(() => {
    throw e;
  });
}

/** Calls `fn(arg)`; what it throws, or the promise it returns rejects with, is rethrown later. */
export function callSafely<A>(fn: (arg: A) => unknown, arg: A): void {
  try {
    const r = fn(arg);
    if (r instanceof Promise) r.catch(rethrowLater);
  } catch (e) {
    rethrowLater(e);
  }
}
