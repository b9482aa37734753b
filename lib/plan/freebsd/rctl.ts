// rctl(8) rules for a dedicated uid: the "user" subject pools every process of
// the uid, which is the whole sandboxed tree when nothing else runs as it.
// Rules need root and racct (kern.racct.enable=1 at boot).
import type { Limits } from "../../policy/types.ts";

export function rctlRules(uid: number, limits: Limits): string[] {
  const rules: string[] = [];
  if (limits.memory !== undefined) rules.push(`user:${uid}:memoryuse:deny=${limits.memory}`);
  if (limits.pids !== undefined) rules.push(`user:${uid}:maxproc:deny=${limits.pids}`);
  return rules;
}

/** The filter that removes every rule of the uid afterwards. */
export function rctlFilter(uid: number): string {
  return `user:${uid}`;
}
