// A --policy file and the flags, combined (docs/cli.md "Policy files"):
//   - the file is the base;
//   - list fields add up: the flags' paths and ports come after the file's
//     (fs.read, fs.write, net.connect, net.bind and any other list in fs);
//   - env merges per variable, a flag's value replacing the file's;
//   - one-value fields take the flag's value (limits.*, cwd, user, compat
//     with --best-effort, and every other top-level key);
//   - --allow-net (bare or with hosts) replaces the file's net; --allow-connect/--allow-bind on top
//     of a file's net "all" is refused (the file already allows everything);
//   - --allow-env adds its names to the file's inheritEnv list; true (the
//     whole environment) on either side is true.
// Flags that were not given leave the file's value alone.
import { PolicyError } from "../errors.ts";
import type { Policy } from "../policy/types.ts";

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Lists concatenated, anything else the flag's when it gave one. */
function mergeFields(file: Obj | undefined, flags: Obj | undefined): Obj | undefined {
  if (file === undefined || flags === undefined) return flags ?? file;
  const out: Obj = { ...file };
  for (const [k, v] of Object.entries(flags)) {
    if (v === undefined) continue;
    const base = file[k];
    out[k] = Array.isArray(base) && Array.isArray(v) ? [...base, ...v] : v;
  }
  return out;
}

function mergeNet(file: Policy["net"], flags: Policy["net"]): Policy["net"] {
  if (flags === undefined || file === undefined || file === "none" || flags === "all" || (typeof flags === "object" && flags.hosts !== undefined)) return flags ?? file;
  if (flags === "none") return file;
  if (file === "all") {
    throw new PolicyError("--allow-connect", 'the policy file already allows all network (net: "all"), which includes --allow-connect and --allow-bind');
  }
  return mergeFields(file, flags) as Policy["net"];
}

function mergeInheritEnv(file: Policy["inheritEnv"], flags: Policy["inheritEnv"]): Policy["inheritEnv"] {
  if (flags === undefined || file === undefined || file === false) return flags ?? file;
  if (file === true || flags === true) return true;
  if (flags === false) return file;
  return [...file, ...flags];
}

/** `file` with `flags` on top (both unvalidated; the caller validates the result). */
export function mergePolicy(file: Policy, flags: Policy): Policy {
  const out: Obj = { ...file };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) out[k] = v;
  for (const k of ["fs", "limits", "env"] as const) {
    const merged = mergeFields(file[k] as Obj | undefined, flags[k] as Obj | undefined);
    if (merged !== undefined) out[k] = merged;
  }
  const net = mergeNet(file.net, flags.net);
  if (net !== undefined) out.net = net;
  const inheritEnv = mergeInheritEnv(file.inheritEnv, flags.inheritEnv);
  if (inheritEnv !== undefined) out.inheritEnv = inheritEnv;
  return out as Policy;
}

/**
 * Whether the policy field `field` ("fs.read[2]", "limits.memory") holds the
 * file's value in mergePolicy(file, flags): an error about it is then the
 * file's to report, not a flag's.
 */
export function fromFile(field: string, file: Policy, flags: Policy): boolean {
  let f: unknown = file;
  let g: unknown = flags;
  for (const seg of field.match(/[^.[\]]+/g) ?? []) {
    if (Array.isArray(f) && Array.isArray(g)) return Number(seg) < f.length;
    if (g === undefined || !isObject(g)) return g === undefined && f !== undefined;
    f = isObject(f) ? f[seg] : undefined;
    g = g[seg];
  }
  return g === undefined && f !== undefined;
}
