// Reads the native exit watcher's records on Bun's own event loop. Each
// JavaScript realm (the main thread, each Worker) has a channel of its own, a
// socket pair keyed by pidfd, so realms never see each other's children. Bun
// reads the channel as a socket (Bun.connect on an fd): each chunk arrives in
// a callback, with no stream or promise per record. The socket holds the event
// loop only while this realm has live children (ref/unref), so an idle
// watcher never keeps the process alive and is never torn down.
import type { FdSocketOptions, Socket } from "bun";
import { EXIT_RECORD_OFFSET as F, EXIT_RECORD_SIZE, O_NONBLOCK, socketPair, startExitWatcher, watchExit } from "../../../ffi/linux-spawn.ts";
import { closeFd } from "../../../ffi/linux.ts";
import { rethrowLater } from "../../uncaught.ts";

export type ExitRecord = {
  pid: number;
  /** CLD_EXITED, CLD_KILLED or CLD_DUMPED (asm/siginfo.h); negative: -errno of waitid. */
  code: number;
  status: number;
  utimeUs: number;
  stimeUs: number;
  maxRssKb: number;
  minflt: number;
  majflt: number;
  nvcsw: number;
  nivcsw: number;
  inblock: number;
  oublock: number;
  msgsnd: number;
  msgrcv: number;
  nsignals: number;
  nswap: number;
  ixrss: number;
};

type Waiter = (r: ExitRecord) => void;

/** The write end goes to the native watcher; Bun owns the read end once connected. */
let channel: { read: number; write: number } | undefined;
/** Set once Bun has opened the read end (asynchronously, after the first watch). */
let socket: { ref(): void; unref(): void } | undefined;
/** Live children of this realm by pidfd (unique while open: the pidfd is closed only after its record). */
const waiters = new Map<number, Waiter>();
/** The children (by pidfd) that hold the event loop: all but those unref()'d. */
const held = new Set<number>();
let pending: Uint8Array = new Uint8Array(0);

/** Bun.connect adopting an fd (FdSocketOptions): documented, though its overloads do not list it. */
const connectFd = Bun.connect as unknown as (options: FdSocketOptions) => Promise<Socket>;

let exitHook = false;

function open(): { read: number; write: number } {
  startExitWatcher();
  // Non-blocking: the watcher thread never stalls on a realm that stopped reading.
  const [read, write] = socketPair(O_NONBLOCK);
  const c = { read, write };
  if (!exitHook && !Bun.isMainThread) {
    // A Worker that finishes closes its write end, which nothing else would
    // (Bun closes the read end; the native watcher never closes a channel).
    // Only with no child left: the watcher then holds no pidfd and no record
    // for it. A terminated Worker runs no exit handler: that end stays open.
    exitHook = true;
    process.on("exit", () => {
      if (channel && waiters.size === 0) closeFd(channel.write);
    });
  }
  // Until Bun has opened it, the pending connect keeps the loop alive, which
  // is what the child just registered needs.
  connectFd({
    fd: read,
    socket: {
      binaryType: "uint8array",
      open(s) {
        socket = s;
        if (held.size === 0) s.unref();
      },
      data(_s, chunk) {
        // Nothing may escape into Bun's socket code: an error there would close the channel.
        try {
          deliver(chunk);
        } catch (e) {
          fail(e);
        }
        if (held.size === 0) socket?.unref();
      },
      close() {
        // The read end is never closed by this realm: should Bun close it, the
        // next watch opens a new channel rather than post into a dead one.
        forget(c);
        if (waiters.size > 0) fail(new Error("cordon exit watcher: the channel closed with children still running"));
      },
      error(_s, e) {
        forget(c);
        fail(e);
      },
    },
  }).catch(fail);
  return c;
}

function forget(c: { read: number; write: number }): void {
  if (channel !== c) return;
  channel = undefined;
  socket = undefined;
}

const fail = rethrowLater;

/** Watches `pidfd`; `onExit` runs once, when the child has been reaped. */
export function watch(pidfd: number, onExit: Waiter): void {
  channel ??= open();
  waiters.set(pidfd, onExit);
  holding(pidfd, true);
  try {
    watchExit(pidfd, channel.write);
  } catch (e) {
    waiters.delete(pidfd);
    holding(pidfd, false);
    throw e;
  }
}

/**
 * Whether the child of `pidfd` keeps the event loop alive (Bun's
 * Subprocess.ref/unref): the channel is held while any watched child is.
 */
export function holding(pidfd: number, on: boolean): void {
  if (on && waiters.has(pidfd)) held.add(pidfd);
  else held.delete(pidfd);
  if (held.size > 0) socket?.ref();
  else socket?.unref();
}

const empty = new Uint8Array(0);

/** A u64 field as a number (exact below 2^53: microseconds, kilobytes, counts). */
function u64(v: DataView, off: number): number {
  return v.getUint32(off, true) + v.getUint32(off + 4, true) * 0x1_0000_0000;
}

function deliver(chunk: Uint8Array): void {
  const bytes = pending.length ? concat(pending, chunk) : chunk;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  for (; at + EXIT_RECORD_SIZE <= bytes.length; at += EXIT_RECORD_SIZE) {
    const id = v.getUint32(at + F.id, true);
    const rec: ExitRecord = {
      pid: v.getInt32(at + F.pid, true),
      code: v.getInt32(at + F.code, true),
      status: v.getInt32(at + F.status, true),
      utimeUs: u64(v, at + F.utime_us),
      stimeUs: u64(v, at + F.stime_us),
      maxRssKb: u64(v, at + F.maxrss_kb),
      minflt: u64(v, at + F.minflt),
      majflt: u64(v, at + F.majflt),
      nvcsw: u64(v, at + F.nvcsw),
      nivcsw: u64(v, at + F.nivcsw),
      inblock: u64(v, at + F.inblock),
      oublock: u64(v, at + F.oublock),
      msgsnd: u64(v, at + F.msgsnd),
      msgrcv: u64(v, at + F.msgrcv),
      nsignals: u64(v, at + F.nsignals),
      nswap: u64(v, at + F.nswap),
      ixrss: u64(v, at + F.ixrss),
    };
    const w = waiters.get(id);
    waiters.delete(id);
    held.delete(id);
    try {
      w?.(rec);
    } catch (e) {
      // One child's bookkeeping failing must not lose the other records of this chunk.
      fail(e);
    }
  }
  // A partial record is copied: Bun may reuse the chunk's memory after this callback.
  pending = at === bytes.length ? empty : new Uint8Array(bytes.subarray(at));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
