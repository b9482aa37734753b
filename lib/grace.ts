// What a wall-clock timeout does, as timeout(1) does it: the signal first (so
// the tree can flush and clean up), then SIGKILL for whatever is left.
import { constants } from "node:os";
import { PolicyError } from "./errors.ts";
import type { Limits } from "./policy/types.ts";

export const DEFAULT_KILL_AFTER_MS = 5000;
export const SIGKILL = 9;

export type Grace = {
  /** The signal sent to the whole tree when the time is up. */
  readonly signal: number;
  /** Then SIGKILL this many ms later; 0 (or a SIGKILL signal) kills at once. */
  readonly killAfterMs: number;
};

/** A validated signal ("SIGTERM", "TERM" or a number) as this OS numbers it. */
export function signalOf(s: string | number): number {
  if (typeof s === "number") return s;
  const signals = constants.signals as Record<string, number | undefined>;
  const n = signals[s] ?? signals[`SIG${s}`];
  if (n === undefined) throw new PolicyError("limits.killSignal", `${s}: no such signal on ${process.platform}`);
  return n;
}

export function graceOf(limits: Limits): Grace {
  const signal = limits.killSignal === undefined ? constants.signals.SIGTERM : signalOf(limits.killSignal);
  return { signal, killAfterMs: signal === SIGKILL ? 0 : (limits.killAfterMs ?? DEFAULT_KILL_AFTER_MS) };
}
