// Byte sizes as users write them: "1048576", "512K", "512M", "1G", "2T".
// Binary multiples (1K = 1024), like ulimit and cgroup files.
import { PolicyError } from "../errors.ts";

const units: Record<string, number> = { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** Bytes in `text`; a PolicyError naming `field` when it is not a size. */
export function parseSize(field: string, text: string): number {
  const m = /^(\d+)([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) throw new PolicyError(field, `not a size: ${JSON.stringify(text)} (bytes, or a number with K, M, G or T)`);
  const bytes = Number(m[1]) * units[m[2]!.toUpperCase()]!;
  if (!Number.isSafeInteger(bytes)) throw new PolicyError(field, `too large: ${text}`);
  return bytes;
}
