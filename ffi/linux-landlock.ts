// Typed wrappers over the landlock exports. Access masks are plain numbers:
// every right landlock defines fits in 32 bits (17 used by ABI 10).
import { CordonError, InvalidArgumentError } from "./errors.ts";
import { linux } from "./linux.ts";
import { fdArg, intArg, maskArg } from "./common.ts";
import { check, statusError, statusName } from "./status.ts";
import { cordon_linux_landlock_path_rule as RULE } from "./generated/linux-layouts.ts";

/** The kernel's landlock ABI, or 0 and the errno name saying why (EOPNOTSUPP: disabled at boot; ENOSYS: not built in). */
export function landlockAbiProbe(): { readonly abi: number; readonly errorName?: string } {
  const rc = linux().cordon_linux_landlock_abi_version();
  return rc > 0 ? { abi: rc } : { abi: 0, errorName: rc < 0 ? statusName("errno", rc) : "ABI 0" };
}

/** struct landlock_ruleset_attr, and how many of its bytes the ABI in use knows (8, 16 or 24). */
export type RulesetAttr = { readonly handledFs: number; readonly handledNet: number; readonly scoped: number; readonly size: 8 | 16 | 24 };

/** Creates a ruleset; returns its fd (close-on-exec). */
export function createRuleset(attr: RulesetAttr): number {
  if (attr.size !== 8 && attr.size !== 16 && attr.size !== 24) throw new InvalidArgumentError("ruleset attr size", attr.size, "8, 16 or 24");
  const words = new BigUint64Array([
    BigInt(maskArg(attr.handledFs, "handledFs")),
    BigInt(maskArg(attr.handledNet, "handledNet")),
    BigInt(maskArg(attr.scoped, "scoped")),
  ]);
  const bytes = new Uint8Array(words.buffer, 0, attr.size);
  return check("landlock_create_ruleset", "errno", linux().cordon_linux_landlock_create_ruleset(bytes, bytes));
}

/** Opens `path` O_PATH|O_CLOEXEC; a path that is missing or cannot be opened throws an OsError naming it. */
export function openPath(path: string): number {
  const bytes = new TextEncoder().encode(`${path}\0`);
  return check("open", "errno", linux().cordon_linux_landlock_open_path(bytes, bytes), path);
}

/** Adds a path-beneath rule; says whether the fd named a directory (dirAccess used) or another file (fileAccess used). */
export function addPathRule(rulesetFd: number, parentFd: number, dirAccess: number, fileAccess: number, path?: string): "directory" | "file" {
  const rc = check(
    "landlock_add_rule",
    "errno",
    linux().cordon_linux_landlock_add_path_rule(fdArg(rulesetFd, "rulesetFd"), fdArg(parentFd, "parentFd"), maskArg(dirAccess, "dirAccess"), maskArg(fileAccess, "fileAccess")),
    path,
  );
  return rc === 0 ? "directory" : "file";
}

/** What the native batch says of each record (cordon_linux_landlock_add_path_rules). */
export const RULE_KIND = { directory: 0, file: 1, openFailed: 2, addFailed: 3, notAttempted: 4 } as const;

/** Bytes of a batch record's header (struct cordon_linux_landlock_path_rule); its path follows. */
const RECORD_HEADER = RULE.size;
const utf8 = new TextEncoder();
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Path rules packed for one native call; build once, add to any number of rulesets. */
export type PathRuleBatch = { readonly bytes: Uint8Array; readonly paths: readonly string[] };

/** Packs path-beneath rules as cordon_linux_landlock_add_path_rules reads them (host byte order). */
export function packPathRules(rules: readonly { readonly path: string; readonly access: number; readonly fileAccess: number }[]): PathRuleBatch {
  let room = 0;
  for (const r of rules) room += RECORD_HEADER + r.path.length * 3 + 1;
  const bytes = new Uint8Array(room);
  const view = new DataView(bytes.buffer);
  let off = 0;
  for (const r of rules) {
    const { read, written } = utf8.encodeInto(r.path, bytes.subarray(off + RECORD_HEADER));
    // A cut path would grant its prefix: never.
    if (read !== r.path.length) throw new CordonError(`landlock rule path not fully encoded: ${r.path}`, "INTERNAL");
    bytes[off + RECORD_HEADER + written] = 0;
    view.setBigUint64(off + RULE.offset.access, BigInt(maskArg(r.access, "access")), HOST_LITTLE_ENDIAN);
    view.setBigUint64(off + RULE.offset.file_access, BigInt(maskArg(r.fileAccess, "fileAccess")), HOST_LITTLE_ENDIAN);
    view.setUint32(off + RULE.offset.path_len, written + 1, HOST_LITTLE_ENDIAN);
    off += RECORD_HEADER + written + 1;
  }
  return { bytes: bytes.subarray(0, off), paths: rules.map((r) => r.path) };
}

/**
 * Opens each path of the batch and adds its rule, in one native call. Returns
 * one RULE_KIND per rule (directory or file). A path that is missing or cannot
 * be opened throws an OsError naming it, as openPath does; a refused rule, as
 * addPathRule does. The rules before a failure stay in the ruleset.
 */
export function addPathRules(rulesetFd: number, batch: PathRuleBatch): Uint8Array {
  fdArg(rulesetFd, "rulesetFd");
  const kinds = new Uint8Array(batch.paths.length);
  if (kinds.length === 0) return kinds;
  const rc = linux().cordon_linux_landlock_add_path_rules(rulesetFd, batch.bytes, batch.bytes, kinds, kinds);
  if (rc >= 0) return kinds;
  const i = kinds.findIndex((k) => k === RULE_KIND.openFailed || k === RULE_KIND.addFailed);
  if (i < 0) throw statusError("landlock_add_rule", "errno", rc, `batch of ${kinds.length} path rules`);
  throw statusError(kinds[i] === RULE_KIND.openFailed ? "open" : "landlock_add_rule", "errno", rc, batch.paths[i]);
}

/** Adds a TCP port rule (ABI 4). */
export function addNetRule(rulesetFd: number, port: number, access: number): void {
  const fd = fdArg(rulesetFd, "rulesetFd");
  check("landlock_add_rule", "errno", linux().cordon_linux_landlock_add_net_rule(fd, intArg(port, "port", 0, 65535), maskArg(access, "access")), `port ${port}`);
}
