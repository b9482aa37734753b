// A byte channel from a native thread to this realm's event loop: a socket
// pair whose read end Bun owns (Bun.connect on an fd) and whose write end the
// native side takes. Frames are `u32 length, u16 type, u16 0, payload`;
// chunks are reassembled here. The socket never keeps the process alive.
import type { FdSocketOptions, Socket } from "bun";
import { socketPair } from "../../../../ffi/linux-spawn.ts";
import { rethrowLater } from "../../../uncaught.ts";

export type Frame = { readonly type: number; readonly payload: Uint8Array };

const connectFd = Bun.connect as unknown as (options: FdSocketOptions) => Promise<Socket>;

export type Channel = {
  /** The write end, for the native side (which closes it). */
  readonly writeEnd: number;
  /** Closes the read end (the writer then sees EPIPE). */
  close(): void;
  /** Settles once the channel is closed from either side. */
  readonly closed: Promise<void>;
};

/** Opens a channel; `onFrame` gets each whole frame in order. */
export function openChannel(onFrame: (f: Frame) => void): Channel {
  const [read, write] = socketPair();
  let pending = new Uint8Array(0);
  let socket: Socket | undefined;
  let closeWanted = false;
  let settle!: () => void;
  const closed = new Promise<void>((r) => (settle = r));
  const deliver = (chunk: Uint8Array) => {
    let bytes = chunk;
    if (pending.length) {
      bytes = new Uint8Array(pending.length + chunk.length);
      bytes.set(pending);
      bytes.set(chunk, pending.length);
    }
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    while (at + 8 <= bytes.length) {
      const len = v.getUint32(at, true);
      if (at + 8 + len > bytes.length) break;
      const type = v.getUint16(at + 4, true);
      // A copy: Bun may reuse the chunk's memory after this callback.
      onFrame({ type, payload: bytes.slice(at + 8, at + 8 + len) });
      at += 8 + len;
    }
    pending = at === bytes.length ? new Uint8Array(0) : bytes.slice(at);
  };
  connectFd({
    fd: read,
    socket: {
      binaryType: "uint8array",
      open(s) {
        socket = s;
        s.unref();
        if (closeWanted) s.end();
      },
      data(_s, chunk) {
        try {
          deliver(chunk);
        } catch (e) {
          rethrowLater(e);
        }
      },
      close: () => settle(),
      error: () => settle(),
    },
  }).catch(() => settle());
  return {
    writeEnd: write,
    close() {
      closeWanted = true;
      socket?.end();
    },
    closed,
  };
}
