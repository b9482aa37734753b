// One number for how a sandboxed command ended, shell-style, shared by the
// CLI and run(): its own code; 128+N for signal N (an OOM kill is 137);
// 124 when the wall-clock limit ended it.
import { constants } from "node:os";

export const EXIT_TIMEOUT = 124;
/** cordon itself failed: bad flag or value, missing grant path, unenforceable requirement. */
export const EXIT_CORDON = 125;
export const EXIT_NOT_EXECUTABLE = 126;
export const EXIT_NOT_FOUND = 127;

export function exitStatus(end: { exitCode: number | null; signalCode: string | number | null; timedOut?: boolean }): number {
  if (end.timedOut) return EXIT_TIMEOUT;
  if (typeof end.signalCode === "number") return 128 + end.signalCode;
  if (end.signalCode !== null) {
    const n = constants.signals[end.signalCode as keyof typeof constants.signals];
    return 128 + (n ?? 0);
  }
  return end.exitCode ?? EXIT_CORDON;
}
