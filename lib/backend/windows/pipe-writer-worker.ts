// Runs inside a Worker: blocking WriteFile of each chunk posted to it, in
// order, then CloseHandle on `end`. A child that stops reading blocks this
// thread, never cordon's; once the child is gone the write fails and the
// rest is dropped.
import { closeHandle, writeAll } from "../../../ffi/windows.ts";

declare const self: Worker;

let handle: bigint | undefined;
let broken = false;

self.onmessage = (m: MessageEvent<{ handle?: bigint; chunk?: Uint8Array; end?: true }>) => {
  const d = m.data;
  if (d.handle !== undefined) handle = d.handle;
  if (d.chunk && handle !== undefined && !broken) {
    try {
      writeAll(handle, d.chunk);
    } catch {
      broken = true; // the reader is gone
    }
  }
  if (d.end && handle !== undefined) {
    closeHandle(handle);
    handle = undefined;
    self.postMessage({ closed: true });
  }
};
