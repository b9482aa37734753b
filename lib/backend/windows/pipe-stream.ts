// A pipe HANDLE as a ReadableStream: a Worker does the blocking reads (Bun's
// stream APIs take paths and fds, not raw Windows handles).
import { closeHandle, type Handle } from "../../../ffi/windows.ts";

/** Takes ownership of `handle` and closes it at end of stream. */
export function pipeStream(handle: Handle): ReadableStream<Uint8Array> {
  const worker = new Worker(new URL("./pipe-reader-worker.ts", import.meta.url).href);
  const done = () => {
    worker.terminate();
    closeHandle(handle);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      worker.onmessage = (m: MessageEvent<{ chunk?: Uint8Array; end?: true; error?: string }>) => {
        if (m.data.chunk) controller.enqueue(new Uint8Array(m.data.chunk));
        else if (m.data.end) {
          done();
          controller.close();
        } else if (m.data.error) {
          done();
          controller.error(new Error(m.data.error));
        }
      };
      worker.postMessage({ handle });
    },
  });
}
