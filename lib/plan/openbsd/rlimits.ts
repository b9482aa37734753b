// OpenBSD rlimits (<sys/resource.h>): no RLIMIT_AS; RLIMIT_DATA bounds the heap.
import type { Limits } from "../../policy/types.ts";

export const RLIMIT = { CPU: 0, FSIZE: 1, DATA: 2, STACK: 3, CORE: 4, RSS: 5, MEMLOCK: 6, NPROC: 7, NOFILE: 8 } as const;

export type Rlimit = { readonly resource: number; readonly soft: number; readonly hard: number };

export function openbsdRlimits(limits: Limits, dedicatedUid: boolean): Rlimit[] {
  const out: Rlimit[] = [];
  if (limits.cpuSeconds !== undefined) out.push({ resource: RLIMIT.CPU, soft: limits.cpuSeconds, hard: limits.cpuSeconds + 1 });
  if (limits.fileSize !== undefined) out.push({ resource: RLIMIT.FSIZE, soft: limits.fileSize, hard: limits.fileSize });
  if (limits.memory !== undefined) out.push({ resource: RLIMIT.DATA, soft: limits.memory, hard: limits.memory });
  if (limits.openFiles !== undefined) out.push({ resource: RLIMIT.NOFILE, soft: limits.openFiles, hard: limits.openFiles });
  if (limits.pids !== undefined && dedicatedUid) out.push({ resource: RLIMIT.NPROC, soft: limits.pids, hard: limits.pids });
  return out;
}
