// unveil(2) pairs from a policy: read grants are "rx", write grants "rwxc".
// Nothing else is visible to the program after the list is locked.
import type { ResolvedPolicy } from "../../policy/types.ts";

export function unveilList(policy: Pick<ResolvedPolicy, "fs">): [string, string][] {
  const write = [...new Set(policy.fs.write)];
  const read = [...new Set(policy.fs.read)].filter((p) => !write.includes(p));
  for (const p of [...read, ...write]) if (!p.startsWith("/")) throw new Error(`unveil paths must be absolute: ${p}`);
  return [...read.map((p): [string, string] => [p, "rx"]), ...write.map((p): [string, string] => [p, "rwxc"])];
}
