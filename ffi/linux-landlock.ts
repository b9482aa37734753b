// Typed wrappers over the landlock exports. Access masks are plain numbers:
// every right landlock defines fits in 16 bits.
import { linux } from "./linux.ts";
import { check, statusName } from "./status.ts";

/** The kernel's landlock ABI, or 0 and the errno name saying why (EOPNOTSUPP: disabled at boot; ENOSYS: not built in). */
export function landlockAbiProbe(): { readonly abi: number; readonly errorName?: string } {
  const rc = linux().cordon_linux_landlock_abi_version();
  return rc > 0 ? { abi: rc } : { abi: 0, errorName: rc < 0 ? statusName("errno", rc) : "ABI 0" };
}

/** struct landlock_ruleset_attr, and how many of its bytes the ABI in use knows (8, 16 or 24). */
export type RulesetAttr = { readonly handledFs: number; readonly handledNet: number; readonly scoped: number; readonly size: 8 | 16 | 24 };

/** Creates a ruleset; returns its fd (close-on-exec). */
export function createRuleset(attr: RulesetAttr): number {
  const words = new BigUint64Array([BigInt(attr.handledFs), BigInt(attr.handledNet), BigInt(attr.scoped)]);
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
  const rc = check("landlock_add_rule", "errno", linux().cordon_linux_landlock_add_path_rule(rulesetFd, parentFd, dirAccess, fileAccess), path);
  return rc === 0 ? "directory" : "file";
}

/** Adds a TCP port rule (ABI 4). */
export function addNetRule(rulesetFd: number, port: number, access: number): void {
  check("landlock_add_rule", "errno", linux().cordon_linux_landlock_add_net_rule(rulesetFd, port, access), `port ${port}`);
}
