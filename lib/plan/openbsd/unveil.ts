// unveil(2) pairs from a policy: read grants are "rx", write grants "rwxc".
// Nothing else is visible to the program after the list is locked. A
// carve-out beneath a grant is unveiled too, as the more specific path whose
// permissions win there: a denied read with none (""), a read-only path "rx".
import type { ResolvedPolicy } from "../../policy/types.ts";
import { reachedCarve } from "../carve.ts";

export function unveilList(policy: Pick<ResolvedPolicy, "fs">): [string, string][] {
  const write = [...new Set(policy.fs.write)];
  const read = [...new Set(policy.fs.read)].filter((p) => !write.includes(p));
  const carve = reachedCarve(policy.fs);
  const denied = new Set(carve.denyRead);
  const readOnly = [...new Set(carve.readOnly)].filter((p) => !denied.has(p));
  for (const p of [...read, ...write, ...denied, ...readOnly]) if (!p.startsWith("/")) throw new Error(`unveil paths must be absolute: ${p}`);
  return [
    ...read.map((p): [string, string] => [p, "rx"]),
    ...write.map((p): [string, string] => [p, "rwxc"]),
    ...[...denied].map((p): [string, string] => [p, ""]),
    ...readOnly.map((p): [string, string] => [p, "rx"]),
  ];
}
