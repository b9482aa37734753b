// Byte sizes as users write them: "1048576", "512K", "1.5G", "2T".
// Binary multiples (1K = 1024), like ulimit and cgroup files. A bare number
// is whole bytes; with a unit a fraction is allowed and the result is rounded
// down to whole bytes.
import { PolicyError } from "../errors.ts";

const units: Record<string, number> = { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** Bytes in `text`; a PolicyError naming `field` when it is not a size. */
export function parseSize(field: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  const unit = m?.[2]?.toUpperCase() ?? "";
  if (!m || (unit === "" && m[1]!.includes("."))) {
    throw new PolicyError(field, `not a size: ${JSON.stringify(text)} (whole bytes, or a number with K, M, G or T, like 512M or 1.5G)`);
  }
  const bytes = Math.floor(Number(m[1]) * units[unit]!);
  if (!Number.isSafeInteger(bytes)) throw new PolicyError(field, `too large: ${text}`);
  return bytes;
}
