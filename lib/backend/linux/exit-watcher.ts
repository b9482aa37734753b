// Reads the native exit watcher's records from its pipe with Bun's own
// streams. The read is pending only while cordon has live children, so an
// idle watcher never keeps the event loop alive.
import { EXIT_RECORD_SIZE, startExitWatcher, watchExit } from "../../../ffi/linux-spawn.ts";

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

let fd = -1;
let nextId = 1;
const waiters = new Map<number, Waiter>();
let pumping = false;
let pending = new Uint8Array(0);

/** Watches `pidfd`; `onExit` runs once, when the child has been reaped. */
export function watch(pidfd: number, onExit: Waiter): void {
  if (fd < 0) fd = startExitWatcher();
  const id = nextId++ >>> 0 || nextId++;
  waiters.set(id, onExit);
  try {
    watchExit(pidfd, id);
  } catch (e) {
    waiters.delete(id);
    throw e;
  }
  if (!pumping) void pump();
}

/** One reader at a time; it stops (and releases the event loop) when no child is left. */
async function pump(): Promise<void> {
  pumping = true;
  const r = Bun.file(fd).stream().getReader();
  try {
    while (waiters.size > 0) {
      const { done, value } = await r.read();
      if (done) break;
      deliver(value);
    }
  } finally {
    await r.cancel().catch(() => {});
    pumping = false;
    // A watch registered while we were cancelling needs the reader again.
    if (waiters.size > 0) void pump();
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
    w?.(rec);
  }
  pending = bytes.slice(at);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
