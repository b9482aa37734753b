// Names of the cgroups cordon makes. The owner's pid is part of every name, so
// a later cordon process can tell whose cgroups were left behind by a dead one.
import { randomBytes } from "node:crypto";

/** The directory cordon makes in the caller's cgroup of each hierarchy. */
export const BASE_NAME = "cordon";

const pattern = /^cordon-(\d+)-([0-9a-z]+)$/;

/** `cordon-<pid>-<nonce>`: fresh for every sandbox and every probe. */
export function freshName(pid: number = process.pid): string {
  return `cordon-${pid}-${randomBytes(6).toString("hex")}`;
}

/** The owner pid of a cordon cgroup name, or undefined for other names. */
export function ownerOf(name: string): number | undefined {
  const m = name.match(pattern);
  return m ? Number(m[1]) : undefined;
}
