// The spawn record encoder and the spawn, exit-watch and signal calls.
// Layout: struct cordon_linux_spawn_spec in ffi/include/cordon_linux_spawn.h,
// its offsets generated from the header (ffi/generated/linux-layouts.ts).
import * as H from "./generated/linux-layouts.ts";
import { ERRNO } from "./generated/linux-tables.ts";
import { linux, UAPI } from "./linux.ts";
import { check, statusError } from "./status.ts";
import { ABI_VERSION } from "./library.ts";
import { InvalidArgumentError, type OsError } from "./errors.ts";
import { fdArg, intArg, maskArg } from "./common.ts";

const SPEC = H.cordon_linux_spawn_spec.offset;
export const SPEC_SIZE = H.cordon_linux_spawn_spec.size;
export const EXIT_RECORD_SIZE = H.cordon_linux_exit_record.size;
/** Byte offsets of struct cordon_linux_exit_record's fields. */
export const EXIT_RECORD_OFFSET = H.cordon_linux_exit_record.offset;

/** CORDON_SPAWN_*. */
export const SPAWN_FLAGS = {
  SETSID: H.CORDON_SPAWN_SETSID, NO_NEW_PRIVS: H.CORDON_SPAWN_NO_NEW_PRIVS, SET_IDS: H.CORDON_SPAWN_SET_IDS,
  MOUNT_PROC: H.CORDON_SPAWN_MOUNT_PROC, LOOPBACK_UP: H.CORDON_SPAWN_LOOPBACK_UP, PRIVATE_ROOT: H.CORDON_SPAWN_PRIVATE_ROOT,
  DROP_CAPS: H.CORDON_SPAWN_DROP_CAPS, INIT: H.CORDON_SPAWN_INIT, PROC_SELF: H.CORDON_SPAWN_PROC_SELF,
  INIT_STATUS: H.CORDON_SPAWN_INIT_STATUS, NOTIFY: H.CORDON_SPAWN_NOTIFY, WARM: H.CORDON_SPAWN_WARM,
  JOIN_NETNS: H.CORDON_SPAWN_JOIN_NETNS,
} as const;

/** CORDON_SPAWN_DEV_NULL: a `parent` of an fd placement that asks the child for /dev/null. */
export const DEV_NULL = H.CORDON_SPAWN_DEV_NULL;

/** CORDON_VIEW_*: how one path of a private root is made. */
export const VIEW_KIND = {
  dir: H.CORDON_VIEW_DIR, file: H.CORDON_VIEW_FILE, symlink: H.CORDON_VIEW_SYMLINK, mkdir: H.CORDON_VIEW_MKDIR,
  "dir-ro": H.CORDON_VIEW_DIR_RO, "file-ro": H.CORDON_VIEW_FILE_RO, mask: H.CORDON_VIEW_MASK, deny: H.CORDON_VIEW_DENY,
  tmpfs: H.CORDON_VIEW_TMPFS, devpts: H.CORDON_VIEW_DEVPTS, cgroup: H.CORDON_VIEW_CGROUP, cgroup2: H.CORDON_VIEW_CGROUP2,
} as const;
/** The kinds that mount a filesystem of the sandbox's own: `target` is the mount's options, `access` the landlock rights beneath it. */
const MOUNT_KINDS: ReadonlySet<string> = new Set(["tmpfs", "devpts", "cgroup", "cgroup2"]);
/**
 * `sameAs`: an fd of the caller naming the file a bind (or a deny's cover)
 * must show (checked in the child; ESTALE otherwise). `access`: on the mount
 * kinds, landlock rights the child adds beneath the new filesystem (needs a ruleset).
 */
export type ViewEntry = { readonly kind: keyof typeof VIEW_KIND; readonly path: string; readonly target?: string; readonly sameAs?: number; readonly access?: number };

/** CLONE_NEW* flags (linux/sched.h). */
export const CLONE_NEW = {
  NS: UAPI.CLONE_NEWNS, CGROUP: UAPI.CLONE_NEWCGROUP, UTS: UAPI.CLONE_NEWUTS, IPC: UAPI.CLONE_NEWIPC,
  USER: UAPI.CLONE_NEWUSER, PID: UAPI.CLONE_NEWPID, NET: UAPI.CLONE_NEWNET,
} as const;

/** CORDON_SPAWN_STEP_* → the syscall that step makes, for error messages. */
export const SPAWN_STEPS: Record<number, string> = {
  [H.CORDON_SPAWN_STEP_SIGNALS]: "rt_sigaction",
  [H.CORDON_SPAWN_STEP_SETSID]: "setsid",
  [H.CORDON_SPAWN_STEP_CGROUP_PROCS]: "cgroup.procs",
  [H.CORDON_SPAWN_STEP_ID_MAPS]: "uid_map",
  [H.CORDON_SPAWN_STEP_FDS]: "dup3",
  [H.CORDON_SPAWN_STEP_CLOSE_RANGE]: "close_range",
  [H.CORDON_SPAWN_STEP_CHDIR]: "chdir",
  [H.CORDON_SPAWN_STEP_SETRLIMIT]: "prlimit64",
  [H.CORDON_SPAWN_STEP_SETGROUPS]: "setgroups",
  [H.CORDON_SPAWN_STEP_SETRESGID]: "setresgid",
  [H.CORDON_SPAWN_STEP_SETRESUID]: "setresuid",
  [H.CORDON_SPAWN_STEP_PDEATHSIG]: "prctl(PR_SET_PDEATHSIG)",
  [H.CORDON_SPAWN_STEP_NO_NEW_PRIVS]: "prctl(PR_SET_NO_NEW_PRIVS)",
  [H.CORDON_SPAWN_STEP_LANDLOCK]: "landlock_restrict_self",
  [H.CORDON_SPAWN_STEP_SECCOMP]: "seccomp",
  [H.CORDON_SPAWN_STEP_EXECVE]: "execve",
  [H.CORDON_SPAWN_STEP_CLONE3]: "clone3",
  [H.CORDON_SPAWN_STEP_MOUNT_PROC]: "mount(/proc)",
  [H.CORDON_SPAWN_STEP_LOOPBACK]: "ioctl(SIOCSIFFLAGS lo)",
  [H.CORDON_SPAWN_STEP_PRIVATE_ROOT]: "private root (mount/pivot_root)",
  [H.CORDON_SPAWN_STEP_CAPABILITIES]: "capset (dropping capabilities)",
  [H.CORDON_SPAWN_STEP_START_COMMAND]: "clone (the command, under cordon-init)",
  [H.CORDON_SPAWN_STEP_INIT]: "execve (cordon-init)",
  [H.CORDON_SPAWN_STEP_PROC_SELF]: "landlock rule on /proc/self",
  [H.CORDON_SPAWN_STEP_NOTIFY]: "sendmsg (the seccomp listener to its supervisor)",
  [H.CORDON_SPAWN_STEP_NETNS]: "network namespace set-up (address on lo, relay socket)",
  [H.CORDON_SPAWN_STEP_JOIN_NETNS]: "setns (joining the network namespace)",
};

/** Optional fields may be absent or undefined alike. */
export type SpawnRecord = {
  path: string;
  argv: readonly string[];
  envp: readonly string[];
  cwd?: string | undefined;
  flags: number;
  pdeathSignal: number;
  cloneFlags: number;
  cgroupFd: number;
  landlockFd: number;
  landlockFlags: number;
  seccomp?: { readonly filter: Uint8Array; readonly flags: number } | undefined;
  /** `parent` is an fd of the caller, or DEV_NULL. */
  fds: readonly { parent: number; child: number }[];
  procsFds: readonly number[];
  rlimits: readonly { resource: number; soft: number; hard: number }[];
  uid: number;
  gid: number;
  uidMap?: string | undefined;
  gidMap?: string | undefined;
  procAccess?: number | undefined;
  rootAccess?: number | undefined;
  view?: readonly ViewEntry[] | undefined;
  /** With SPAWN_FLAGS.INIT: cordon-init's path. */
  init?: string | undefined;
  /** With SPAWN_FLAGS.INIT_STATUS: where cordon-init writes the command's wait status. */
  initStatusFd?: number | undefined;
  /** With SPAWN_FLAGS.NOTIFY: the socket the child sends its seccomp listener over. */
  notifySock?: number | undefined;
  /** With SPAWN_FLAGS.WARM: the socket cordon-init waits on for its one request (ffi/linux-warm.ts). */
  warmFd?: number | undefined;
  /** With SPAWN_FLAGS.JOIN_NETNS: the network namespace (an fd of this process) the child joins. */
  netnsFd?: number | undefined;
  /** With SPAWN_FLAGS.LOOPBACK_UP: addresses on lo and sockets made in the child's network namespace, sent on `channel`. */
  netns?: NetnsSetup | undefined;
};

/** struct cordon_linux_netns_socket, in the caller's terms. */
export type NetnsSocket = {
  readonly family: 4 | 6;
  readonly kind: "stream" | "dgram";
  /** 4 or 16 bytes; absent: every address. */
  readonly address?: Uint8Array;
  readonly port: number;
  /** Skipped when it cannot be made (IPv6 disabled). */
  readonly optional?: boolean;
  readonly v6only?: boolean;
};
/** struct cordon_linux_netns_setup. */
export type NetnsSetup = {
  readonly channel: number;
  readonly addresses: readonly { readonly address: Uint8Array; readonly prefix: number; readonly optional?: boolean }[];
  readonly sockets: readonly NetnsSocket[];
};

const FD = H.cordon_linux_spawn_fd;
const RLIMIT = H.cordon_linux_spawn_rlimit;
const VIEW = H.cordon_linux_view_entry;
const encoder = new TextEncoder();

const u32Arg = (v: unknown, what: string) => intArg(v, what, 0, 0xffff_ffff);
/** -1 (none) or an fd. */
const optionalFd = (v: unknown, what: string) => (v === -1 ? -1 : fdArg(v, what));
/** An rlimit value: a non-negative integer below 2^64, or Infinity (RLIM_INFINITY). */
function rlimitArg(v: unknown, what: string): number {
  if (v === Infinity || (typeof v === "number" && Number.isInteger(v) && v >= 0 && v < 2 ** 64)) return v as number;
  throw new InvalidArgumentError(what, v, "an integer from 0 to 2^64-1, or Infinity");
}

/**
 * Writes the record into one growing buffer: the fixed header, then strings
 * and tables, 8-byte aligned where needed. One allocation in the common case.
 */
class RecordWriter {
  buf: Uint8Array;
  view: DataView;
  size = SPEC_SIZE;

  constructor(estimate: number) {
    const ab = RecordWriter.alloc(Math.max(estimate, 512));
    this.buf = new Uint8Array(ab);
    this.view = new DataView(ab);
  }

  /**
   * Zeroed, a multiple of 8 long, and 8-byte aligned: an ArrayBuffer's memory
   * comes from malloc (16-byte aligned); the Zig side checks it all the same.
   */
  private static alloc(bytes: number): ArrayBuffer {
    return new ArrayBuffer(Math.ceil(bytes / 8) * 8);
  }

  private reserve(n: number): void {
    if (this.size + n <= this.buf.length) return;
    const ab = RecordWriter.alloc(Math.max(this.buf.length * 2, this.size + n));
    const grown = new Uint8Array(ab);
    grown.set(this.buf.subarray(0, this.size));
    this.buf = grown;
    this.view = new DataView(ab);
  }

  /** A u64 field; numbers beyond 2^32 (rare: rlimits) go through BigInt; Infinity is RLIM_INFINITY (~0). */
  u64(off: number, v: number): void {
    if (v >= 0 && v < 0x1_0000_0000 && Number.isInteger(v)) {
      this.view.setUint32(off, v, true);
      this.view.setUint32(off + 4, 0, true);
    } else this.view.setBigUint64(off, v === Infinity ? 0xffff_ffff_ffff_ffffn : BigInt(v), true);
  }

  /** Skips to a multiple of `align` (the gap stays zero) with room for `n` bytes; returns the offset. */
  private place(n: number, align: number): number {
    this.size += (align - (this.size % align)) % align;
    this.reserve(n);
    const off = this.size;
    this.size += n;
    return off;
  }

  u32(off: number, v: number): void {
    this.view.setUint32(off, v, true);
  }

  i32(off: number, v: number): void {
    this.view.setInt32(off, v, true);
  }

  cstring(s: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the NUL is already there (zeroed memory).
    this.reserve(s.length * 3 + 1);
    const off = this.size;
    const buf = this.buf;
    // Short ASCII strings (most argv and env entries) byte by byte; anything else through TextEncoder.
    if (s.length <= 64) {
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 0 || c > 0x7f) break;
        buf[off + i] = c;
      }
      if (i === s.length) {
        this.size += i + 1;
        return off;
      }
    }
    if (s.includes("\0")) throw new TypeError(`string contains a NUL byte: ${JSON.stringify(s)}`);
    const { written } = encoder.encodeInto(s, buf.subarray(off));
    this.size += written + 1;
    return off;
  }

  /** A table of `count` u64 string offsets plus a terminating 0. */
  stringTable(strings: readonly string[]): number {
    const offsets = new Array<number>(strings.length);
    for (let i = 0; i < strings.length; i++) offsets[i] = this.cstring(strings[i]!);
    const at = this.place(8 * (strings.length + 1), 8);
    // Offsets are u32 in the header: the high halves stay zero.
    for (let i = 0; i < offsets.length; i++) this.view.setUint32(at + 8 * i, offsets[i]!, true);
    return at;
  }

  bytes(b: Uint8Array, align: number): number {
    if (b.length === 0) return 0;
    const at = this.place(b.length, align);
    this.buf.set(b, at);
    return at;
  }

  /** `count` records of `size` bytes, filled by `fill(at_i, i)`; 0 when empty. */
  table(count: number, size: number, align: number, fill: (at: number, i: number) => void): number {
    if (count === 0) return 0;
    const at = this.place(count * size, align);
    for (let i = 0; i < count; i++) fill(at + i * size, i);
    return at;
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, Math.ceil(this.size / 8) * 8);
  }
}

/** Bytes the variable part of a record will most likely need (ASCII strings). */
function estimate(r: SpawnRecord): number {
  let n = SPEC_SIZE + r.path.length + 64 + 8 * (r.argv.length + r.envp.length + 2) + FD.size * r.fds.length + RLIMIT.size * r.rlimits.length;
  for (const a of r.argv) n += a.length + 1;
  for (const e of r.envp) n += e.length + 1;
  return n;
}

/**
 * Encodes a spawn record; throws TypeError for strings that cannot be
 * represented, InvalidArgumentError for a number that is not what its field
 * holds (DataView would wrap 2^32 + 5 to 5 and NaN to 0).
 */
export function encodeSpawnRecord(r: SpawnRecord): Uint8Array {
  const w = new RecordWriter(estimate(r));
  w.u32(SPEC.struct_size, SPEC_SIZE);
  w.u32(SPEC.abi_version, ABI_VERSION);
  w.u32(SPEC.flags, u32Arg(r.flags, "flags"));
  w.u32(SPEC.pdeath_signal, intArg(r.pdeathSignal, "pdeathSignal", 0, 64));
  w.u64(SPEC.clone_flags, maskArg(r.cloneFlags, "cloneFlags"));
  w.i32(SPEC.cgroup_fd, optionalFd(r.cgroupFd, "cgroupFd"));
  w.i32(SPEC.landlock_fd, optionalFd(r.landlockFd, "landlockFd"));
  w.u32(SPEC.landlock_flags, u32Arg(r.landlockFlags, "landlockFlags"));
  w.u32(SPEC.seccomp_flags, u32Arg(r.seccomp?.flags ?? 0, "seccomp.flags"));
  if (r.seccomp) {
    if (r.seccomp.filter.length % 8 !== 0) throw new TypeError("seccomp filter length must be a multiple of 8 (struct sock_filter)");
    w.u32(SPEC.seccomp_off, w.bytes(r.seccomp.filter, 8));
    w.u32(SPEC.seccomp_count, r.seccomp.filter.length / 8);
  }
  w.u32(SPEC.path_off, w.cstring(r.path));
  w.u32(SPEC.argv_off, w.stringTable(r.argv));
  w.u32(SPEC.argc, r.argv.length);
  w.u32(SPEC.envp_off, w.stringTable(r.envp));
  w.u32(SPEC.envc, r.envp.length);
  w.u32(SPEC.cwd_off, r.cwd === undefined ? 0 : w.cstring(r.cwd));
  const fds = r.fds;
  w.u32(
    SPEC.fds_off,
    w.table(fds.length, FD.size, 4, (at, i) => {
      const { parent, child } = fds[i]!;
      w.i32(at + FD.offset.parent, parent === DEV_NULL ? DEV_NULL : fdArg(parent, "fds.parent"));
      w.i32(at + FD.offset.child, fdArg(child, "fds.child"));
    }),
  );
  w.u32(SPEC.fds_count, fds.length);
  const procs = r.procsFds;
  w.u32(SPEC.procs_off, w.table(procs.length, 4, 4, (at, i) => w.i32(at, fdArg(procs[i], "procsFds"))));
  w.u32(SPEC.procs_count, procs.length);
  const rl = r.rlimits;
  w.u32(
    SPEC.rlimits_off,
    w.table(rl.length, RLIMIT.size, 8, (at, i) => {
      w.u32(at + RLIMIT.offset.resource, u32Arg(rl[i]!.resource, "rlimits.resource"));
      w.u64(at + RLIMIT.offset.cur, rlimitArg(rl[i]!.soft, "rlimits.soft"));
      w.u64(at + RLIMIT.offset.max, rlimitArg(rl[i]!.hard, "rlimits.hard"));
    }),
  );
  w.u32(SPEC.rlimits_count, rl.length);
  w.u32(SPEC.uid, u32Arg(r.uid, "uid"));
  w.u32(SPEC.gid, u32Arg(r.gid, "gid"));
  w.u32(SPEC.uid_map_off, r.uidMap === undefined ? 0 : w.cstring(r.uidMap));
  w.u32(SPEC.gid_map_off, r.gidMap === undefined ? 0 : w.cstring(r.gidMap));
  w.i32(SPEC.parent_pid, process.pid);
  w.u32(SPEC.proc_access, u32Arg(r.procAccess ?? 0, "procAccess"));
  if (r.view?.length) {
    const view = r.view;
    // Strings first (their offsets go into the table), then the entries.
    const strings = view.map((e) => {
      if (!e.path.startsWith("/")) throw new TypeError(`private root paths must be absolute: ${e.path}`);
      const target = e.kind === "symlink" || (MOUNT_KINDS.has(e.kind) && e.target !== undefined);
      return [w.cstring(e.path), target ? w.cstring(e.target ?? "") : 0] as const;
    });
    w.u32(
      SPEC.view_off,
      w.table(view.length, VIEW.size, 4, (at, i) => {
        w.u32(at + VIEW.offset.kind, VIEW_KIND[view[i]!.kind]);
        w.u32(at + VIEW.offset.path_off, strings[i]![0]);
        w.u32(at + VIEW.offset.target_off, strings[i]![1]);
        const same = view[i]!.sameAs;
        if (same !== undefined) {
          if (!Number.isInteger(same) || same < 0 || same >= 2 ** 31) throw new TypeError(`view entry sameAs must be an fd: ${same}`);
          w.u32(at + VIEW.offset.same_as, same + 1);
        }
        const access = view[i]!.access;
        if (access !== undefined) {
          if (!MOUNT_KINDS.has(view[i]!.kind) || !Number.isInteger(access) || access < 0 || access >= 2 ** 17) throw new TypeError(`view entry access must be landlock rights of a mount kind: ${access}`);
          w.u32(at + VIEW.offset.same_as, access);
        }
      }),
    );
    w.u32(SPEC.view_count, view.length);
  }
  if (r.init !== undefined) w.u32(SPEC.init_off, w.cstring(r.init));
  w.u32(SPEC.root_access, u32Arg(r.rootAccess ?? 0, "rootAccess"));
  w.i32(SPEC.init_status_fd, r.initStatusFd ?? 0);
  w.i32(SPEC.notify_sock, optionalFd(r.notifySock ?? -1, "notifySock"));
  w.i32(SPEC.warm_fd, r.warmFd === undefined ? 0 : fdArg(r.warmFd, "warmFd"));
  if (r.netns) w.u32(SPEC.netns_off, encodeNetns(w, r.netns));
  w.i32(SPEC.netns_fd, r.netnsFd === undefined ? -1 : fdArg(r.netnsFd, "netnsFd"));
  return w.finish();
}

const family = (f: 4 | 6) => (f === 4 ? UAPI.AF_INET : UAPI.AF_INET6);

function addressBytes(f: 4 | 6, a: Uint8Array | undefined, what: string): Uint8Array {
  if (a === undefined) return new Uint8Array(16);
  if (!(a instanceof Uint8Array) || a.length !== (f === 4 ? 4 : 16)) throw new InvalidArgumentError(what, a, `${f === 4 ? 4 : 16} address bytes`);
  const out = new Uint8Array(16);
  out.set(a);
  return out;
}

/** The netns set-up record and its two tables; returns the record's offset. */
function encodeNetns(w: RecordWriter, n: NetnsSetup): number {
  const A = H.cordon_linux_netns_addr;
  const S = H.cordon_linux_netns_socket;
  const N = H.cordon_linux_netns_setup;
  const addrs = w.table(n.addresses.length, A.size, 4, (at, i) => {
    const a = n.addresses[i]!;
    const f = a.address.length === 4 ? 4 : 6;
    w.buf[at + A.offset.family] = family(f);
    w.buf[at + A.offset.prefix] = intArg(a.prefix, "netns.addresses.prefix", 0, f === 4 ? 32 : 128);
    w.view.setUint16(at + A.offset.flags, a.optional ? H.CORDON_NETNS_OPTIONAL : 0, true);
    w.buf.set(addressBytes(f, a.address, "netns.addresses.address"), at + A.offset.addr);
  });
  const socks = w.table(n.sockets.length, S.size, 4, (at, i) => {
    const s = n.sockets[i]!;
    w.buf[at + S.offset.family] = family(s.family);
    w.buf[at + S.offset.kind] = s.kind === "stream" ? H.CORDON_NETNS_STREAM : H.CORDON_NETNS_DGRAM;
    w.view.setUint16(at + S.offset.port, intArg(s.port, "netns.sockets.port", 0, 65535), true);
    w.u32(at + S.offset.flags, (s.optional ? H.CORDON_NETNS_OPTIONAL : 0) | (s.v6only ? H.CORDON_NETNS_V6ONLY : 0));
    w.buf.set(addressBytes(s.family, s.address, "netns.sockets.address"), at + S.offset.addr);
  });
  return w.table(1, N.size, 4, (at) => {
    w.i32(at + N.offset.channel, fdArg(n.channel, "netns.channel"));
    w.u32(at + N.offset.addrs_off, addrs);
    w.u32(at + N.offset.addrs_count, n.addresses.length);
    w.u32(at + N.offset.sockets_off, socks);
    w.u32(at + N.offset.sockets_count, n.sockets.length);
  });
}

export type SpawnResult = { pid: number; pidfd: number };

/** Spawns; on failure throws the OsError of the failing step (op = that step's syscall). */
export function spawnRecord(record: Uint8Array, what: string): SpawnResult {
  const rc = linux().cordon_linux_spawn(record, record);
  const view = new DataView(record.buffer, record.byteOffset);
  if (rc >= 0) return { pid: rc, pidfd: view.getInt32(SPEC.out_pidfd, true) };
  const step = view.getUint32(SPEC.out_step, true);
  const op = SPAWN_STEPS[step] ?? "cordon_linux_spawn";
  throw statusError(rc < -65536 ? "cordon_linux_spawn" : op, "errno", rc, op === "execve" ? describeExecError(rc, what) : what) as OsError;
}

/** The detail of an execve failure: what the user typed, and what it means. */
export function describeExecError(rc: number, what: string): string {
  if (rc === -ERRNO.NOENT) return `command not found: ${what}`;
  if (rc === -ERRNO.ACCES) return `permission denied: ${what}`;
  if (rc === -ERRNO.NOEXEC) return `not an executable format: ${what}`;
  return what;
}

export function startExitWatcher(): void {
  check("cordon_linux_exit_watcher_start", "errno", linux().cordon_linux_exit_watcher_start());
}

/** Watches `pidfd`; its exit record (id = pidfd) is written to `channel`. */
export function watchExit(pidfd: number, channel: number): void {
  check("epoll_ctl", "errno", linux().cordon_linux_exit_watch(fdArg(pidfd, "pidfd"), fdArg(channel, "channel")));
}

/** SIGKILL and reap a child that cannot be supervised (an error after it started). Closes the pidfd. */
export function reapNow(pidfd: number): void {
  check("cordon_linux_pidfd_reap", "errno", linux().cordon_linux_pidfd_reap(fdArg(pidfd, "pidfd")));
}

/** pidfd_send_signal; returns false when the process is already gone (ESRCH). */
export function pidfdSendSignal(pidfd: number, signal: number): boolean {
  const rc = linux().cordon_linux_pidfd_send_signal(fdArg(pidfd, "pidfd"), intArg(signal, "signal", 0, 64));
  if (rc === -ERRNO.SRCH) return false;
  check("pidfd_send_signal", "errno", rc);
  return true;
}

export const O_CLOEXEC = UAPI.O_CLOEXEC;
export const O_NONBLOCK = UAPI.O_NONBLOCK;

/** pipe2(O_CLOEXEC | extra): [read, write]. */
export function pipe(extra = 0): [number, number] {
  const fds = new Int32Array(2);
  const bytes = new Uint8Array(fds.buffer);
  check("pipe2", "errno", linux().cordon_linux_pipe2(bytes, bytes, O_CLOEXEC | u32Arg(extra, "pipe flags")));
  return [fds[0]!, fds[1]!];
}

/** socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | extra): two connected ends. */
export function socketPair(extra = 0): [number, number] {
  const fds = new Int32Array(2);
  const bytes = new Uint8Array(fds.buffer);
  check("socketpair", "errno", linux().cordon_linux_socketpair(bytes, bytes, O_CLOEXEC | u32Arg(extra, "socketpair flags")));
  return [fds[0]!, fds[1]!];
}
