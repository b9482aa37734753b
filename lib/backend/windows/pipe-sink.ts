// The write end of the child's stdin pipe as a FileSink-like object
// (write/end, as Bun's own stdin sink): a Worker does the blocking writes,
// so a child that never reads cannot stall cordon.
import type { Handle } from "../../../ffi/windows.ts";

export type PipeSink = {
  /** Queues `data`; returns the number of bytes queued. */
  write(data: string | Uint8Array): number;
  /** Closes the pipe after everything queued is written (the child sees end of file). Idempotent. */
  end(): void;
};

/** Takes ownership of `handle`. */
export function pipeSink(handle: Handle): PipeSink {
  const worker = new Worker(new URL("./pipe-writer-worker.ts", import.meta.url).href);
  worker.onmessage = (m: MessageEvent<{ closed?: true }>) => {
    if (m.data.closed) worker.terminate();
  };
  worker.postMessage({ handle });
  let ended = false;
  return {
    write(data) {
      if (ended) throw new Error("stdin is closed");
      const chunk = typeof data === "string" ? new TextEncoder().encode(data) : data.slice();
      worker.postMessage({ chunk }, [chunk.buffer as ArrayBuffer]);
      return chunk.length;
    },
    end() {
      if (ended) return;
      ended = true;
      worker.postMessage({ end: true });
    },
  };
}
