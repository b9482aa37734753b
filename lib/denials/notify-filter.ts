// The filter of a run whose calls a supervisor sees (explain, learn): the
// run's own program with every SECCOMP_RET_ERRNO turned into
// SECCOMP_RET_USER_NOTIF (the supervisor answers with that same errno,
// evaluating the original program), behind a prefix that notifies the
// observed calls (paths, sockets) of the native arch. What the kernel allows
// and refuses is unchanged: a refused call is still refused, an observed one
// continues as if unobserved. Plus the table telling the supervisor which
// arguments of each observed call to read. Pure.
import { SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ERRNO, SECCOMP_RET_USER_NOTIF } from "../plan/linux/seccomp/actions.ts";
import { AUDIT_ARCH, syscallNumber, type Arch } from "../plan/linux/seccomp/arch.ts";
import { BPF_ABS, BPF_JA, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_MAXINSNS, BPF_RET, BPF_W, decode, encode, jump, stmt, type Insn } from "../plan/linux/seccomp/bpf.ts";
import { SECCOMP_DATA_ARCH, SECCOMP_DATA_NR } from "../plan/linux/seccomp/data.ts";

/** Record spec bits (CORDON_NOTIFY_* in cordon_linux_explain.h). */
const path = (...args: number[]) => args.reduce((m, a) => m | (1 << a), 0);
const dirfd = (...args: number[]) => args.reduce((m, a) => m | (1 << (8 + a)), 0);
const CWD = 1 << 14;
const sockaddr = (a: number, l: number) => ((a + 1) << 16) | ((l + 1) << 20);
const fd = (a: number) => (a + 1) << 24;

export const TABLE_LEN = 1024;

/** Calls that name a file: their paths, dirfds and what a relative path is relative to. */
export const PATH_CALLS: Readonly<Record<string, number>> = {
  open: path(0) | CWD,
  creat: path(0) | CWD,
  openat: path(1) | dirfd(0) | CWD,
  execve: path(0) | CWD,
  execveat: path(1) | dirfd(0) | CWD,
  stat: path(0) | CWD,
  lstat: path(0) | CWD,
  newfstatat: path(1) | dirfd(0) | CWD,
  statx: path(1) | dirfd(0) | CWD,
  access: path(0) | CWD,
  faccessat: path(1) | dirfd(0) | CWD,
  faccessat2: path(1) | dirfd(0) | CWD,
  readlink: path(0) | CWD,
  readlinkat: path(1) | dirfd(0) | CWD,
  mkdir: path(0) | CWD,
  mkdirat: path(1) | dirfd(0) | CWD,
  rmdir: path(0) | CWD,
  unlink: path(0) | CWD,
  unlinkat: path(1) | dirfd(0) | CWD,
  rename: path(0, 1) | CWD,
  renameat: path(1, 3) | dirfd(0, 2) | CWD,
  renameat2: path(1, 3) | dirfd(0, 2) | CWD,
  link: path(0, 1) | CWD,
  linkat: path(1, 3) | dirfd(0, 2) | CWD,
  symlink: path(1) | CWD,
  symlinkat: path(2) | dirfd(1) | CWD,
  mknod: path(0) | CWD,
  mknodat: path(1) | dirfd(0) | CWD,
  chdir: path(0) | CWD,
  truncate: path(0) | CWD,
  chmod: path(0) | CWD,
  fchmodat: path(1) | dirfd(0) | CWD,
  chown: path(0) | CWD,
  lchown: path(0) | CWD,
  fchownat: path(1) | dirfd(0) | CWD,
  utimensat: path(1) | dirfd(0) | CWD,
  getdents64: fd(0),
  getdents: fd(0),
};

/** Calls that name a network peer or a port. */
export const SOCKET_CALLS: Readonly<Record<string, number>> = {
  connect: sockaddr(1, 2),
  bind: sockaddr(1, 2),
  sendto: sockaddr(4, 5),
};

export type Supervised = {
  /** struct sock_filter[] for the kernel. */
  readonly filter: Uint8Array;
  /** The run's own program, for the supervisor's answers. */
  readonly original: Uint8Array;
  /** Per syscall number: what the supervisor records. */
  readonly table: Uint32Array;
};

/**
 * The supervised program for `original` on `arch`. `observe`: the calls
 * notified even where the run's filter allows them (empty: only refusals).
 * Throws RangeError when the result exceeds BPF_MAXINSNS.
 */
export function superviseFilter(original: Uint8Array, arch: Arch, observe: Readonly<Record<string, number>>): Supervised {
  const table = new Uint32Array(TABLE_LEN);
  const numbers: number[] = [];
  for (const [name, spec] of Object.entries(observe)) {
    const nr = syscallNumber(arch, name);
    if (nr === undefined || nr >= TABLE_LEN) continue;
    table[nr] = spec;
    numbers.push(nr);
  }
  const notify = SECCOMP_RET_USER_NOTIF;
  const own = decode(original).map((i): Insn => (i.code === (BPF_RET | BPF_K) && ((i.k & SECCOMP_RET_ACTION_FULL) >>> 0) === SECCOMP_RET_ERRNO ? stmt(i.code, notify) : i));
  // Prefix: native arch and an observed number → notify; anything else falls through to the run's own program.
  const prefix: Insn[] = [];
  if (numbers.length) {
    const n = numbers.length;
    prefix.push(stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_ARCH));
    prefix.push(jump(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH[arch], 0, n + 3)); // not native: past the prefix
    prefix.push(stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR));
    numbers.forEach((nr, i) => prefix.push(jump(BPF_JMP | BPF_JEQ | BPF_K, nr, n - i, 0))); // to the notify below
    prefix.push(stmt(BPF_JMP | BPF_JA, 1));
    prefix.push(stmt(BPF_RET | BPF_K, notify));
  }
  if (numbers.length > 250) throw new RangeError("too many observed calls for one jump");
  const program = [...prefix, ...own];
  if (program.length > BPF_MAXINSNS) throw new RangeError(`the supervised filter has ${program.length} instructions; the kernel loads at most ${BPF_MAXINSNS}`);
  return { filter: encode(program), original, table };
}
