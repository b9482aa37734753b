// Runs inside a Worker: blocks in GetQueuedCompletionStatus on one job's port
// and posts each message to the owning thread. The main thread never blocks
// and no native code ever calls into JavaScript. Ends on cordon's wake message.
import { WAKE_MESSAGE, nextJobEvent } from "../../../ffi/windows-job.ts";

declare const self: Worker;

self.onmessage = (m: MessageEvent<{ port: bigint }>) => {
  const port = m.data.port;
  for (;;) {
    let e;
    try {
      e = nextJobEvent(port, 0xffffffff);
    } catch (err) {
      self.postMessage({ error: String(err) });
      return;
    }
    if (!e) continue;
    if (e.message === WAKE_MESSAGE) {
      self.postMessage({ done: true });
      return;
    }
    self.postMessage({ message: e.message, value: e.value });
  }
};
