// Carve-outs on Windows (lib/plan/carve.ts has their meaning): DACL entries
// that deny the sandbox's SID beneath its grants. An explicit deny precedes
// the allow a grant's directory passes down by inheritance, and a hard link
// shares its file's DACL, so the deny holds by any path. The directories
// between a write grant and a carve-out are denied DELETE (no inheritance):
// MODIFY, the grant, renames and removes only through DELETE on the object.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { AclGrant } from "./isolation.ts";

/** Everything on a file or directory (FILE_ALL_ACCESS). */
const ALL = 0x1f01ff;
/** Writes without SYNCHRONIZE and READ_CONTROL, which reads need: WRITE_DATA/ADD_FILE, APPEND_DATA/ADD_SUBDIRECTORY, WRITE_EA, DELETE_CHILD, WRITE_ATTRIBUTES, DELETE, WRITE_DAC, WRITE_OWNER. */
const WRITES = 0x2 | 0x4 | 0x10 | 0x40 | 0x100 | 0x10000 | 0x40000 | 0x80000;
const DELETE = 0x10000;

const norm = (p: string) => p.replace(/\//g, "\\").replace(/\\+$/, "").toLowerCase();
const beneath = (path: string, dir: string) => norm(path).startsWith(norm(dir) + "\\");

function parent(path: string): string {
  const i = path.replace(/\\+$/, "").lastIndexOf("\\");
  return i <= 0 ? path : path.slice(0, i);
}

/** The deny entries for the carve-outs a grant reaches, and DELETE denied on the directories between. */
export function carveAcl(fs: ResolvedPolicy["fs"]): AclGrant[] {
  const grants = [...fs.read, ...fs.write];
  const denyRead = (fs.denyRead ?? []).filter((d) => grants.some((g) => beneath(d, g)));
  const readOnly = [...(fs.denyWrite ?? []), ...(fs.protected ?? [])].filter((d) => fs.write.some((w) => beneath(d, w)));
  const pins = new Map<string, string>();
  for (const d of [...denyRead, ...readOnly]) {
    const outer = fs.write.filter((w) => beneath(d, w)).sort((a, b) => a.length - b.length)[0];
    if (outer === undefined) continue;
    for (let p = parent(d); beneath(p, outer); p = parent(p)) pins.set(norm(p), p);
  }
  return [
    ...denyRead.map((path) => ({ path, access: ALL, why: "deny-read" as const, deny: true as const })),
    ...readOnly.map((path) => ({ path, access: WRITES, why: "deny-write" as const, deny: true as const })),
    ...[...pins.values()].map((path) => ({ path, access: DELETE, why: "pin" as const, deny: true as const, inherit: false as const })),
  ];
}
