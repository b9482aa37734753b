// Runs inside a Worker: blocking ReadFile on one pipe handle, each chunk
// posted to the owning thread, then `end` at end of stream.
import { readChunk } from "../../../ffi/windows.ts";

declare const self: Worker;

self.onmessage = (m: MessageEvent<{ handle: bigint }>) => {
  try {
    for (;;) {
      const c = readChunk(m.data.handle);
      if (c.length === 0) break;
      self.postMessage({ chunk: c }, [c.buffer as ArrayBuffer]);
    }
    self.postMessage({ end: true });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
};
