// The landlock access vocabulary (include/uapi/linux/landlock.h, landlock(7)),
// each right with the ABI that introduced it. Pure data. The bits come from
// the kernel's header as Zig ships it (ffi/generated/linux-tables.ts,
// UAPI_SHARED); the first ABI of each is landlock(7)'s and the header's
// comments ("since the ninth version"; ABI 8 brought TSYNC, ABI 10 UDP and
// the quiet flag).
import { UAPI_SHARED as K } from "../../../../ffi/generated/linux-tables.ts";

/** The newest ABI whose vocabulary cordon knows. A newer kernel is used as this one, so an upgrade never adds restrictions silently. */
export const LANDLOCK_ABI_KNOWN = 10;

/** LANDLOCK_ACCESS_FS_*: bit and first ABI. */
export const FS_RIGHTS = {
  execute: { bit: K.LANDLOCK_ACCESS_FS_EXECUTE, abi: 1 },
  write_file: { bit: K.LANDLOCK_ACCESS_FS_WRITE_FILE, abi: 1 },
  read_file: { bit: K.LANDLOCK_ACCESS_FS_READ_FILE, abi: 1 },
  read_dir: { bit: K.LANDLOCK_ACCESS_FS_READ_DIR, abi: 1 },
  remove_dir: { bit: K.LANDLOCK_ACCESS_FS_REMOVE_DIR, abi: 1 },
  remove_file: { bit: K.LANDLOCK_ACCESS_FS_REMOVE_FILE, abi: 1 },
  make_char: { bit: K.LANDLOCK_ACCESS_FS_MAKE_CHAR, abi: 1 },
  make_dir: { bit: K.LANDLOCK_ACCESS_FS_MAKE_DIR, abi: 1 },
  make_reg: { bit: K.LANDLOCK_ACCESS_FS_MAKE_REG, abi: 1 },
  make_sock: { bit: K.LANDLOCK_ACCESS_FS_MAKE_SOCK, abi: 1 },
  make_fifo: { bit: K.LANDLOCK_ACCESS_FS_MAKE_FIFO, abi: 1 },
  make_block: { bit: K.LANDLOCK_ACCESS_FS_MAKE_BLOCK, abi: 1 },
  make_sym: { bit: K.LANDLOCK_ACCESS_FS_MAKE_SYM, abi: 1 },
  refer: { bit: K.LANDLOCK_ACCESS_FS_REFER, abi: 2 },
  truncate: { bit: K.LANDLOCK_ACCESS_FS_TRUNCATE, abi: 3 },
  ioctl_dev: { bit: K.LANDLOCK_ACCESS_FS_IOCTL_DEV, abi: 5 },
  /** connect() and sendmsg() with an address to a pathname unix socket made outside the domain. */
  resolve_unix: { bit: K.LANDLOCK_ACCESS_FS_RESOLVE_UNIX, abi: 9 },
} as const;

/** LANDLOCK_ACCESS_NET_*: TCP from ABI 4, UDP from ABI 10. */
export const NET_RIGHTS = {
  bind_tcp: { bit: K.LANDLOCK_ACCESS_NET_BIND_TCP, abi: 4 },
  connect_tcp: { bit: K.LANDLOCK_ACCESS_NET_CONNECT_TCP, abi: 4 },
  /** bind(), and the auto-bind of a first connect or send. */
  bind_udp: { bit: K.LANDLOCK_ACCESS_NET_BIND_UDP, abi: 10 },
  /** connect(), and sendto/sendmsg with an explicit destination. */
  connect_send_udp: { bit: K.LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP, abi: 10 },
} as const;

/** LANDLOCK_SCOPE_*: IPC to processes outside the domain. */
export const SCOPES = {
  abstract_unix_socket: { bit: K.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET, abi: 6 },
  signal: { bit: K.LANDLOCK_SCOPE_SIGNAL, abi: 6 },
} as const;

/** LANDLOCK_RESTRICT_SELF_* flags: logging (ABI 7) and all-threads enforcement (ABI 8). */
export const RESTRICT_FLAGS = {
  log_same_exec_off: { bit: K.LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF, abi: 7 },
  log_new_exec_on: { bit: K.LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON, abi: 7 },
  log_subdomains_off: { bit: K.LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF, abi: 7 },
  /**
   * Restricts every thread of the caller's process. Never needed here: the
   * child restricts itself between clone (CLONE_VM|CLONE_VFORK, no
   * CLONE_THREAD: a process of one thread) and exec, and whatever it starts
   * later inherits the domain.
   */
  tsync: { bit: K.LANDLOCK_RESTRICT_SELF_TSYNC, abi: 8 },
} as const;

/**
 * landlock_add_rule flags. QUIET (ABI 10) keeps denials of marked objects
 * out of the audit log; cordon never sets it, since a denial is what the
 * log exists to show.
 */
export const RULE_FLAGS = {
  quiet: { bit: K.LANDLOCK_ADD_RULE_QUIET, abi: 10 },
} as const;

export type FsRight = keyof typeof FS_RIGHTS;
export type NetRight = keyof typeof NET_RIGHTS;
export type Scope = keyof typeof SCOPES;
export type RestrictFlag = keyof typeof RESTRICT_FLAGS;
export type RuleFlag = keyof typeof RULE_FLAGS;

/** One name space for every requirement: "fs.truncate", "net.connect_tcp", "scope.signal", "restrict.log_new_exec_on", "rule.quiet". */
export type RightName = `fs.${FsRight}` | `net.${NetRight}` | `scope.${Scope}` | `restrict.${RestrictFlag}` | `rule.${RuleFlag}`;

type Table = Readonly<Record<string, { readonly bit: number; readonly abi: number }>>;

const tables = { fs: FS_RIGHTS, net: NET_RIGHTS, scope: SCOPES, restrict: RESTRICT_FLAGS, rule: RULE_FLAGS } as const satisfies Record<string, Table>;
export type RightKind = keyof typeof tables;

export type RightEntry = { readonly name: RightName; readonly bit: number; readonly abi: number };

/** The tables as lists, built once: planning walks them for every right. */
const lists = Object.fromEntries(
  Object.entries(tables).map(([kind, table]) => [
    kind,
    Object.freeze(Object.entries(table as Table).map(([k, v]) => Object.freeze({ name: `${kind}.${k}` as RightName, bit: v.bit, abi: v.abi }))),
  ]),
) as Record<RightKind, readonly RightEntry[]>;

/** Every right of one kind, in bit order. */
export function rightsOf(kind: RightKind): readonly RightEntry[] {
  return lists[kind];
}

const byName = new Map<string, RightEntry>(Object.values(lists).flatMap((l) => l.map((r) => [r.name, r] as const)));

export function isRightName(name: string): name is RightName {
  return byName.has(name);
}

/** The ABI that introduced a right. */
export function abiOf(name: RightName): number {
  return byName.get(name)!.abi;
}

/** The bit of a right within its kind's mask. */
export function bitOf(name: RightName): number {
  return byName.get(name)!.bit;
}

/** The mask of every right of `kind` that ABI `abi` knows. */
export function maskAt(kind: RightKind, abi: number): number {
  return rightsOf(kind).reduce((m, r) => (r.abi <= abi ? m | r.bit : m), 0);
}

/** Names of the bits set in `mask`. */
export function namesOf(kind: RightKind, mask: number): RightName[] {
  return rightsOf(kind).filter((r) => (mask & r.bit) !== 0).map((r) => r.name);
}

const fs = (...names: FsRight[]) => names.reduce((m, n) => m | FS_RIGHTS[n].bit, 0);

/** Rights the kernel accepts on a non-directory; the rest only make sense beneath a directory. */
export const FS_FILE_RIGHTS = fs("execute", "write_file", "read_file", "truncate", "ioctl_dev", "resolve_unix");

/**
 * What a read grant allows beneath its path: read files, list directories,
 * execute. Not RESOLVE_UNIX: connecting to a socket is writing to the
 * service behind it (the kernel asks for write permission on the socket), so
 * a read grant of a tree does not hand out the daemons listening in it.
 */
export const FS_READ_GRANT = fs("read_file", "read_dir", "execute");

/** What a write grant allows: every file right (the ABI in use decides which exist), sockets beneath it included. */
export const FS_WRITE_GRANT = maskAt("fs", LANDLOCK_ABI_KNOWN);

/**
 * Size of struct landlock_ruleset_attr as the ABI knows it: fs (8), + net
 * (16), + scoped (24). ABI 10's quiet masks would follow; cordon never quiets,
 * and the kernel takes a shorter struct as zeros, so 24 stays.
 */
export function rulesetAttrSize(abi: number): 0 | 8 | 16 | 24 {
  if (abi < 1) return 0;
  if (abi < 4) return 8;
  if (abi < 6) return 16;
  return 24;
}
