// Reads the native exit watcher's records with Bun's own streams. Each
// JavaScript realm (the main thread, each Worker) has a channel of its own,
// keyed by pidfd, so realms never see each other's children. The read is
// pending only while this realm has live children, so an idle watcher never
// keeps the event loop alive.
import { EXIT_RECORD_SIZE, O_NONBLOCK, pipe, startExitWatcher, watchExit } from "../../../ffi/linux-spawn.ts";

export type ExitRecord = {
  pid: number;
  /** CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3; negative: -errno of waitid. */
  code: number;
  status: number;
  utimeUs: number;
  stimeUs: number;
  maxRssKb: number;
  minflt: number;
  majflt: number;
  nvcsw: number;
};

type Waiter = (r: ExitRecord) => void;

let channel: { read: number; write: number } | undefined;
/** Live children of this realm by pidfd (unique while open: the pidfd is closed only after its record). */
const waiters = new Map<number, Waiter>();
let pumping = false;
let pending: Uint8Array = new Uint8Array(0);

/** Watches `pidfd`; `onExit` runs once, when the child has been reaped. */
export function watch(pidfd: number, onExit: Waiter): void {
  if (!channel) {
    startExitWatcher();
    // Non-blocking: the watcher thread must never stall on a realm that stopped reading.
    const [read, write] = pipe(O_NONBLOCK);
    channel = { read, write };
  }
  waiters.set(pidfd, onExit);
  try {
    watchExit(pidfd, channel.write);
  } catch (e) {
    waiters.delete(pidfd);
    throw e;
  }
  if (!pumping) pump().catch((e) => queueMicrotask(() => { throw e; }));
}

/**
 * One reader at a time. When the last child is gone it lingers for one
 * macrotask: a loop that awaits a child and then spawns the next registers
 * it in between and keeps this reader (making one costs more than a spawn's
 * own JavaScript). Otherwise it stops and releases the event loop.
 */
async function pump(): Promise<void> {
  pumping = true;
  const r = Bun.file(channel!.read).stream().getReader();
  try {
    for (;;) {
      const { done, value } = await r.read();
      if (done) break;
      deliver(value);
      if (waiters.size === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (waiters.size === 0) break;
      }
    }
  } finally {
    await r.cancel().catch(() => {});
    pumping = false;
    // A watch registered while we were cancelling needs the reader again.
    if (waiters.size > 0) pump().catch((e) => queueMicrotask(() => { throw e; }));
  }
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
    const id = v.getUint32(at, true);
    const rec: ExitRecord = {
      pid: v.getInt32(at + 4, true),
      code: v.getInt32(at + 8, true),
      status: v.getInt32(at + 12, true),
      utimeUs: u64(v, at + 16),
      stimeUs: u64(v, at + 24),
      maxRssKb: u64(v, at + 32),
      minflt: u64(v, at + 40),
      majflt: u64(v, at + 48),
      nvcsw: u64(v, at + 56),
    };
    const w = waiters.get(id);
    waiters.delete(id);
    try {
      w?.(rec);
    } catch (e) {
      // One child's bookkeeping failing must not lose the other records of this chunk.
      queueMicrotask(() => {
        throw e;
      });
    }
  }
  pending = at === bytes.length ? empty : bytes.slice(at);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
