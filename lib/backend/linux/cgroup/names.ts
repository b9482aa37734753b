// Names of the cgroups cordon makes. The owner's pid and start time are part
// of every name, so a later cordon process can tell whose cgroups were left
// behind by a dead one, even after the pid was handed to another process.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

/** The directory cordon makes in the caller's cgroup of each hierarchy. */
export const BASE_NAME = "cordon";

const pattern = /^cordon-(\d+)-(\d+)-([0-9a-f]+)$/;

/** Start time of `pid` in clock ticks after boot (proc(5) stat field 22), or undefined if it does not exist. */
export function startTicks(pid: number | "self"): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm (field 2) may hold spaces and parentheses: count fields after the last ") ".
    const v = Number(stat.slice(stat.lastIndexOf(") ") + 2).split(" ")[19]);
    return Number.isSafeInteger(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

let ownStart: number | undefined;

/** `cordon-<pid>-<start ticks>-<nonce>`: fresh for every sandbox and every probe. */
export function freshName(pid: number = process.pid, start: number | undefined = (ownStart ??= startTicks("self") ?? 0)): string {
  return `cordon-${pid}-${start}-${randomBytes(6).toString("hex")}`;
}

/** The owner of a cordon cgroup name, or undefined for other names. */
export function ownerOf(name: string): { pid: number; start: number } | undefined {
  const m = name.match(pattern);
  return m ? { pid: Number(m[1]), start: Number(m[2]) } : undefined;
}
