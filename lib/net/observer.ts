// spawn()'s onNetwork hook, fed by the relay's and the proxy's decisions
// (destinations.ts). Each event is queued when the decision is taken and
// delivered from a later turn of Bun's event loop (setImmediate): by then the
// decision has been carried out (the answer or command sent, the connect
// started), and the hook never runs inside the relay's code, so it can
// neither change nor hold up a decision. An exception of the hook is rethrown
// uncaught (lib/uncaught.ts), one per event; the next event is still told.
import type { NetworkEvent, NetworkHook } from "../report.ts";
import { callSafely } from "../uncaught.ts";

export class NetworkObserver {
  private queue: NetworkEvent[] = [];
  private scheduled = false;

  constructor(private readonly hook: NetworkHook) {}

  /** Queues `event` (frozen) for the hook. */
  tell(event: NetworkEvent): void {
    this.queue.push(Object.freeze(event));
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Tells the hook everything queued, now and in order. */
  flush(): void {
    const events = this.queue;
    this.queue = [];
    for (const e of events) callSafely(this.hook, e);
  }
}
