// A job's completion-port messages as JavaScript events. A Worker blocks in
// GetQueuedCompletionStatus (the port is the one place Windows reports that
// the whole tree is gone: JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO) and posts each
// message here. Chosen over a native thread writing to a pipe: reading that
// pipe from JS would need an API that takes a raw Windows HANDLE, which Bun's
// file and stream APIs do not (they take paths and fds). The Worker needs no
// native thread and no native→JS callback.
import { JOB_MSG, WAKE_MESSAGE, postJobEvent, type JobEvent } from "../../../ffi/windows-job.ts";
import type { Handle } from "../../../ffi/windows.ts";

export type JobMessage = { readonly message: number; readonly pid: number };

export class JobEvents {
  readonly #worker: Worker;
  readonly #port: Handle;
  #done = false;
  #closed!: () => void;
  /** Resolves once the waiter has stopped. */
  readonly closed: Promise<void> = new Promise((res) => (this.#closed = res));
  /** Resolves when the port reports ACTIVE_PROCESS_ZERO: no process of the tree is left. */
  readonly empty: Promise<void>;
  readonly seen: JobMessage[] = [];

  constructor(port: Handle, onMessage?: (m: JobMessage) => void) {
    this.#port = port;
    this.#worker = new Worker(new URL("./job-events-worker.ts", import.meta.url).href);
    let resolveEmpty!: () => void;
    let rejectEmpty!: (e: Error) => void;
    this.empty = new Promise((res, rej) => {
      resolveEmpty = res;
      rejectEmpty = rej;
    });
    this.#worker.onmessage = (m: MessageEvent<(Omit<JobEvent, "key"> & { done?: never; error?: never }) | { done: true } | { error: string }>) => {
      const d = m.data;
      if ("done" in d && d.done) return this.#finish();
      if ("error" in d && d.error) {
        rejectEmpty(new Error(`job port wait failed: ${d.error}`));
        this.empty.catch(() => {}); // reported through `empty` to whoever awaits it
        return this.#finish();
      }
      const ev = d as Omit<JobEvent, "key">;
      const msg = { message: ev.message, pid: Number(ev.value) };
      this.seen.push(msg);
      onMessage?.(msg);
      if (msg.message === JOB_MSG.ACTIVE_PROCESS_ZERO) resolveEmpty();
    };
    this.#worker.postMessage({ port });
  }

  #finish() {
    if (this.#done) return;
    this.#done = true;
    this.#worker.terminate();
    this.#closed();
  }

  /** Stops the waiter (wakes it through the port); await it before closing the port. */
  close(): Promise<void> {
    if (!this.#done) postJobEvent(this.#port, WAKE_MESSAGE, 0n);
    return this.closed;
  }
}
