// The spawn record encoder and the spawn, exit-watch and signal calls.
// Layout: struct cordon_linux_spawn_spec in ffi/include/cordon_linux_spawn.h.
import { linux } from "./linux.ts";
import { check, statusError } from "./status.ts";
import { ABI_VERSION } from "./library.ts";
import type { OsError } from "./errors.ts";

export const SPEC_SIZE = 144;
export const EXIT_RECORD_SIZE = 64;

export const SPAWN_FLAGS = { SETSID: 1, NO_NEW_PRIVS: 2, SET_IDS: 4, MOUNT_PROC: 8, LOOPBACK_UP: 16, PRIVATE_ROOT: 32, DROP_CAPS: 64 } as const;

/** CORDON_VIEW_*: how one path of a private root is made. */
export const VIEW_KIND = { dir: 1, file: 2, symlink: 3, mkdir: 4, "dir-ro": 5, "file-ro": 6 } as const;
export type ViewEntry = { readonly kind: keyof typeof VIEW_KIND; readonly path: string; readonly target?: string };

/** CLONE_NEW* flags (linux/sched.h). */
export const CLONE_NEW = { NS: 0x00020000, CGROUP: 0x02000000, UTS: 0x04000000, IPC: 0x08000000, USER: 0x10000000, PID: 0x20000000, NET: 0x40000000 } as const;

/** CORDON_SPAWN_STEP_* → the syscall that step makes, for error messages. */
export const SPAWN_STEPS: Record<number, string> = {
  1: "rt_sigaction",
  2: "setsid",
  3: "cgroup.procs",
  4: "uid_map",
  5: "dup3",
  6: "close_range",
  7: "chdir",
  8: "prlimit64",
  9: "setgroups",
  10: "setresgid",
  11: "setresuid",
  12: "prctl(PR_SET_PDEATHSIG)",
  13: "prctl(PR_SET_NO_NEW_PRIVS)",
  14: "landlock_restrict_self",
  15: "seccomp",
  16: "execve",
  17: "clone3",
  18: "mount(/proc)",
  19: "ioctl(SIOCSIFFLAGS lo)",
  20: "private root (mount/pivot_root)",
  21: "capset (dropping capabilities)",
};

export type SpawnRecord = {
  path: string;
  argv: readonly string[];
  envp: readonly string[];
  cwd?: string;
  flags: number;
  pdeathSignal: number;
  cloneFlags: number;
  cgroupFd: number;
  landlockFd: number;
  landlockFlags: number;
  seccomp?: { filter: Uint8Array; flags: number };
  fds: readonly { parent: number; child: number }[];
  procsFds: readonly number[];
  rlimits: readonly { resource: number; soft: number; hard: number }[];
  uid: number;
  gid: number;
  uidMap?: string;
  gidMap?: string;
  procAccess?: number;
  view?: readonly ViewEntry[];
};

const encoder = new TextEncoder();

/** Appends strings and tables after the fixed header, 8-byte aligned where needed. */
class RecordBuilder {
  private chunks: Uint8Array[] = [];
  private size = SPEC_SIZE;
  private fixups: { at: number; offsets: number[] }[] = [];

  private put(bytes: Uint8Array, align: number): number {
    const pad = (align - (this.size % align)) % align;
    if (pad) this.chunks.push(new Uint8Array(pad));
    this.size += pad;
    const off = this.size;
    this.chunks.push(bytes);
    this.size += bytes.length;
    return off;
  }

  cstring(s: string): number {
    if (s.includes("\0")) throw new TypeError(`string contains a NUL byte: ${JSON.stringify(s)}`);
    const bytes = encoder.encode(s + "\0");
    return this.put(bytes, 1);
  }

  /** A table of `count` u64 string offsets plus a terminating 0. */
  stringTable(strings: readonly string[]): number {
    const offsets = strings.map((s) => this.cstring(s));
    const table = new BigUint64Array(offsets.length + 1);
    offsets.forEach((o, i) => (table[i] = BigInt(o)));
    return this.put(new Uint8Array(table.buffer), 8);
  }

  bytes(b: Uint8Array, align: number): number {
    return b.length === 0 ? 0 : this.put(b, align);
  }

  finish(header: DataView): Uint8Array {
    // BigUint64Array gives an 8-byte aligned buffer, which the Zig side checks.
    const out = new Uint8Array(new BigUint64Array(Math.ceil(this.size / 8)).buffer);
    out.set(new Uint8Array(header.buffer, 0, SPEC_SIZE), 0);
    let at = SPEC_SIZE;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Encodes a spawn record; throws TypeError for values that cannot be represented. */
export function encodeSpawnRecord(r: SpawnRecord): Uint8Array {
  const b = new RecordBuilder();
  const h = new DataView(new ArrayBuffer(SPEC_SIZE));
  const u32 = (off: number, v: number) => h.setUint32(off, v, true);
  const i32 = (off: number, v: number) => h.setInt32(off, v, true);
  u32(0, SPEC_SIZE);
  u32(4, ABI_VERSION);
  u32(8, r.flags);
  u32(12, r.pdeathSignal);
  h.setBigUint64(16, BigInt(r.cloneFlags), true);
  i32(24, r.cgroupFd);
  i32(28, r.landlockFd);
  u32(32, r.landlockFlags);
  u32(36, r.seccomp?.flags ?? 0);
  if (r.seccomp) {
    if (r.seccomp.filter.length % 8 !== 0) throw new TypeError("seccomp filter length must be a multiple of 8 (struct sock_filter)");
    u32(40, b.bytes(r.seccomp.filter, 8));
    u32(44, r.seccomp.filter.length / 8);
  }
  u32(48, b.cstring(r.path));
  u32(52, b.stringTable(r.argv));
  u32(56, r.argv.length);
  u32(60, b.stringTable(r.envp));
  u32(64, r.envp.length);
  u32(68, r.cwd === undefined ? 0 : b.cstring(r.cwd));
  const fds = new Int32Array(r.fds.flatMap((m) => [m.parent, m.child]));
  u32(72, b.bytes(new Uint8Array(fds.buffer), 4));
  u32(76, r.fds.length);
  u32(80, b.bytes(new Uint8Array(new Int32Array(r.procsFds).buffer), 4));
  u32(84, r.procsFds.length);
  const rl = new DataView(new ArrayBuffer(24 * r.rlimits.length));
  r.rlimits.forEach((l, i) => {
    rl.setUint32(24 * i, l.resource, true);
    rl.setBigUint64(24 * i + 8, rlimValue(l.soft), true);
    rl.setBigUint64(24 * i + 16, rlimValue(l.hard), true);
  });
  u32(88, b.bytes(new Uint8Array(rl.buffer), 8));
  u32(92, r.rlimits.length);
  u32(96, r.uid);
  u32(100, r.gid);
  u32(104, r.uidMap === undefined ? 0 : b.cstring(r.uidMap));
  u32(108, r.gidMap === undefined ? 0 : b.cstring(r.gidMap));
  i32(112, process.pid);
  u32(116, r.procAccess ?? 0);
  if (r.view?.length) {
    const entries = new Uint32Array(r.view.length * 4);
    r.view.forEach((e, i) => {
      if (!e.path.startsWith("/")) throw new TypeError(`private root paths must be absolute: ${e.path}`);
      entries[4 * i] = VIEW_KIND[e.kind];
      entries[4 * i + 1] = b.cstring(e.path);
      entries[4 * i + 2] = e.kind === "symlink" ? b.cstring(e.target ?? "") : 0;
    });
    u32(120, b.bytes(new Uint8Array(entries.buffer), 4));
    u32(124, r.view.length);
  }
  return b.finish(h);
}

/** RLIM_INFINITY is ~0; Infinity maps to it. */
function rlimValue(v: number): bigint {
  return v === Infinity ? 0xffff_ffff_ffff_ffffn : BigInt(v);
}

export type SpawnResult = { pid: number; pidfd: number };

/** Spawns; on failure throws the OsError of the failing step (op = that step's syscall). */
export function spawnRecord(record: Uint8Array, what: string): SpawnResult {
  const rc = linux().cordon_linux_spawn(record, record);
  const view = new DataView(record.buffer, record.byteOffset);
  if (rc >= 0) return { pid: rc, pidfd: view.getInt32(132, true) };
  const step = view.getUint32(136, true);
  const op = SPAWN_STEPS[step] ?? "cordon_linux_spawn";
  throw statusError(rc < -65536 ? "cordon_linux_spawn" : op, "errno", rc, op === "execve" ? describeExecError(rc, what) : what) as OsError;
}

/** The detail of an execve failure: what the user typed, and what it means. */
export function describeExecError(rc: number, what: string): string {
  if (rc === -2) return `command not found: ${what}`;
  if (rc === -13) return `permission denied: ${what}`;
  if (rc === -8) return `not an executable format: ${what}`;
  return what;
}

export function startExitWatcher(): void {
  check("cordon_linux_exit_watcher_start", "errno", linux().cordon_linux_exit_watcher_start());
}

/** Watches `pidfd`; its exit record (id = pidfd) is written to `channel`. */
export function watchExit(pidfd: number, channel: number): void {
  check("epoll_ctl", "errno", linux().cordon_linux_exit_watch(pidfd, channel));
}

/** SIGKILL and reap a child that cannot be supervised (an error after it started). Closes the pidfd. */
export function reapNow(pidfd: number): void {
  check("cordon_linux_pidfd_reap", "errno", linux().cordon_linux_pidfd_reap(pidfd));
}

/** pidfd_send_signal; returns false when the process is already gone (ESRCH). */
export function pidfdSendSignal(pidfd: number, signal: number): boolean {
  const rc = linux().cordon_linux_pidfd_send_signal(pidfd, signal);
  if (rc === -3) return false;
  check("pidfd_send_signal", "errno", rc);
  return true;
}

export const O_CLOEXEC = 0o2000000;
export const O_NONBLOCK = 0o4000;

/** pipe2(O_CLOEXEC | extra): [read, write]. */
export function pipe(extra = 0): [number, number] {
  const fds = new Int32Array(2);
  const bytes = new Uint8Array(fds.buffer);
  check("pipe2", "errno", linux().cordon_linux_pipe2(bytes, bytes, O_CLOEXEC | extra));
  return [fds[0]!, fds[1]!];
}
