// Resource limits the macOS launcher sets with setrlimit(2) before exec.
// Numbers are <sys/resource.h> on macOS.
import type { Limits } from "../../policy/types.ts";

export const RLIMIT = { CPU: 0, FSIZE: 1, DATA: 2, STACK: 3, CORE: 4, AS: 5, MEMLOCK: 6, NPROC: 7, NOFILE: 8 } as const;

export type Rlimit = { readonly resource: number; readonly soft: number; readonly hard: number };

/**
 * The rlimits a policy asks for. Memory is never set: macOS does not enforce
 * RLIMIT_AS. RLIMIT_NPROC counts every process of the real uid, so it is set
 * only when the tree runs under its own uid; under the caller's uid it would
 * count the caller's other processes too.
 */
export function darwinRlimits(limits: Limits, dedicatedUid: boolean): Rlimit[] {
  const out: Rlimit[] = [];
  if (limits.cpuSeconds !== undefined) {
    // SIGXCPU at the soft limit, SIGKILL one second later at the hard limit.
    out.push({ resource: RLIMIT.CPU, soft: limits.cpuSeconds, hard: limits.cpuSeconds + 1 });
  }
  if (limits.fileSize !== undefined) out.push({ resource: RLIMIT.FSIZE, soft: limits.fileSize, hard: limits.fileSize });
  if (limits.openFiles !== undefined) out.push({ resource: RLIMIT.NOFILE, soft: limits.openFiles, hard: limits.openFiles });
  if (limits.pids !== undefined && dedicatedUid) out.push({ resource: RLIMIT.NPROC, soft: limits.pids, hard: limits.pids });
  return out;
}
