// No set-user-ID or set-group-ID files from the sandbox. Its command keeps the
// caller's uid (root in many CI jobs), so a setuid file it leaves in a write
// grant runs with that uid for whoever executes it later; for a non-root
// caller it is still a binary that runs as the caller for other users. The
// mode arguments that can carry the bits are checked (Nix's build sandbox
// filters the same calls); the calls whose mode a filter cannot read are
// refused whole.
import { O_CREAT, O_TMPFILE_BIT, S_ISGID, S_ISUID } from "./constants.ts";
import type { Action, ArgCondition, Rule } from "./policy.ts";

const EPERM: Action = { errno: "EPERM" };

// mode is umode_t and flags an int: the kernel ignores the high half of both.
const setid = (arg: number): ArgCondition => ({ arg, op: "masked-ne", mask: S_ISUID | S_ISGID, value: 0, width: 32 });
/** open-like calls use their mode only when they create: O_CREAT or O_TMPFILE (either bit set). */
function creating(syscall: string, flags: number, mode: number): Rule {
  return { syscall, action: EPERM, when: [{ arg: flags, op: "masked-ne", mask: O_CREAT | O_TMPFILE_BIT, value: 0, width: 32 }, setid(mode)] };
}

export const NO_SETID: readonly Rule[] = [
  { syscall: "chmod", action: EPERM, when: [setid(1)] },
  { syscall: "fchmod", action: EPERM, when: [setid(1)] },
  { syscall: "fchmodat", action: EPERM, when: [setid(2)] },
  { syscall: "fchmodat2", action: EPERM, when: [setid(2)] },
  { syscall: "creat", action: EPERM, when: [setid(1)] },
  creating("open", 1, 2),
  creating("openat", 2, 3),
  // mknod makes regular files too (S_IFREG needs no privilege).
  { syscall: "mknod", action: EPERM, when: [setid(1)] },
  { syscall: "mknodat", action: EPERM, when: [setid(2)] },
  // openat2 keeps flags and mode in a struct a filter cannot read; libc falls back to openat.
  { syscall: "openat2", action: { errno: "ENOSYS" } },
  // File capabilities (security.capability) and ACLs are xattrs, and a filter
  // cannot read the name: xattr writes are refused as a file system without them would.
  ...["setxattr", "lsetxattr", "fsetxattr", "setxattrat"].map((syscall): Rule => ({ syscall, action: { errno: "EOPNOTSUPP" } })),
];
