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
let pending = new Uint8Array(0);

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

function deliver(chunk: Uint8Array): void {
  const bytes = pending.length ? concat(pending, chunk) : chunk;
  let at = 0;
  for (; at + EXIT_RECORD_SIZE <= bytes.length; at += EXIT_RECORD_SIZE) {
    const v = new DataView(bytes.buffer, bytes.byteOffset + at, EXIT_RECORD_SIZE);
    const id = v.getUint32(0, true);
    const rec: ExitRecord = {
      pid: v.getInt32(4, true),
      code: v.getInt32(8, true),
      status: v.getInt32(12, true),
      utimeUs: Number(v.getBigUint64(16, true)),
      stimeUs: Number(v.getBigUint64(24, true)),
      maxRssKb: Number(v.getBigUint64(32, true)),
      minflt: Number(v.getBigUint64(40, true)),
      majflt: Number(v.getBigUint64(48, true)),
      nvcsw: Number(v.getBigUint64(56, true)),
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
  pending = bytes.slice(at);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
