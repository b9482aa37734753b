// Durations as users write them on the command line: "90" (seconds, as the
// flags always took), "90s", "1.5m", "2m30s", "500ms", "1h", "1d".
import { PolicyError } from "../errors.ts";

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds in `text`; a PolicyError naming `flag` when it is not a positive duration (or zero, with `zero`). */
export function parseDuration(flag: string, text: string, opts: { zero?: boolean } = {}): number {
  const what = opts.zero ? "a duration of 0 or more" : "a positive duration";
  const bad = () => new PolicyError(flag, `not ${what}: ${JSON.stringify(text)} (seconds, or with a unit: 500ms, 90s, 2m, 1h30m, 1d)`);
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else if (/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(text)) {
    ms = 0;
    for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) ms += Number(n) * unitMs[unit!]!;
  } else throw bad();
  if (!(ms > 0 || (opts.zero === true && ms === 0)) || !Number.isFinite(ms)) throw bad();
  // Decimal fractions are not exact in binary: 1.1 s is 1100 ms, not 1100.0000000000002.
  return Math.round(ms * 1e6) / 1e6;
}

/** Whole seconds in `text` (a duration that must come to whole seconds, like RLIMIT_CPU's). */
export function parseWholeSeconds(flag: string, text: string): number {
  const ms = parseDuration(flag, text);
  if (ms % 1000 !== 0) throw new PolicyError(flag, `not a whole number of seconds: ${JSON.stringify(text)}`);
  return ms / 1000;
}
