// A warm sandbox's run directory (its private TMPDIR and HOME) is made and
// granted when the sandbox is, then waits for its spawn: meanwhile a command
// of another spawn whose policy grants the temp root can leave files there
// (a .profile in its HOME, a socket in its TMPDIR) for the next command to
// find. Checked just before the handover: the run directory is still the one
// resolved and holds its empty tmp and home only. A touched one is not used.
import { lstatSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { identitiesOf } from "./policy/identity.ts";
import type { ResolvedPolicy } from "./policy/types.ts";

export function untouched(policy: ResolvedPolicy): boolean {
  const dir = policy.runDir;
  if (dir === undefined) return true;
  try {
    const id = identitiesOf(policy).get(dir);
    const st = lstatSync(dir, { bigint: true });
    if (!st.isDirectory() || (id && (st.dev !== id.dev || st.ino !== id.ino))) return false;
    const own = [policy.tmpDir, policy.home].filter((p): p is string => p !== undefined && dirname(p) === dir).map((p) => basename(p));
    const names = readdirSync(dir);
    if (names.length !== own.length || !own.every((n) => names.includes(n))) return false;
    return own.every((n) => lstatSync(join(dir, n)).isDirectory() && readdirSync(join(dir, n)).length === 0);
  } catch {
    return false;
  }
}
