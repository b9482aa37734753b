// The command's piped stdout/stderr as a ReadableStream. The child writes to
// one end of a socket pair (as with Bun.spawn); Bun reads the other end as a
// socket (Bun.connect on an fd), which can stop holding the event loop:
// Subprocess.unref() lets the caller exit while output is still coming. A
// file stream's pending read could not. Reading starts at the first read.
import type { FdSocketOptions, Socket } from "bun";
import { closeSync } from "node:fs";

/** Bun.connect adopting an fd (FdSocketOptions): documented, though its overloads do not list it. */
const connectFd = Bun.connect as unknown as (options: FdSocketOptions) => Promise<Socket>;

export type OutputStream = {
  readonly stream: ReadableStream<Uint8Array>;
  /** Whether reading holds the event loop (it does until told otherwise). */
  hold(on: boolean): void;
};

export function outputStream(fd: number): OutputStream {
  let socket: Socket | undefined;
  let started = false;
  let finished = false;
  let held = true;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const finish = (e?: unknown) => {
    if (finished) return;
    finished = true;
    if (e === undefined) controller.close();
    else controller.error(e);
  };
  const start = () => {
    started = true;
    connectFd({
      fd,
      socket: {
        binaryType: "uint8array",
        open(s) {
          socket = s;
          if (finished) s.terminate();
          else if (!held) s.unref();
        },
        // Copied: Bun may reuse a chunk's memory after the callback.
        data: (_s, chunk) => void (finished || controller.enqueue(chunk.slice())),
        end: () => finish(),
        close: () => finish(),
        error: (_s, e) => finish(e),
      },
    }).catch(finish);
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      pull: () => void (started || start()),
      cancel() {
        finished = true;
        if (socket) socket.terminate();
        else if (!started) closeSync(fd);
      },
    },
    { highWaterMark: 0 },
  );
  return {
    stream,
    hold(on) {
      held = on;
      if (socket) on ? socket.ref() : socket.unref();
    },
  };
}
