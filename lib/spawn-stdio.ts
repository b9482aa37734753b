// Bun's stdio forms turned into what a backend takes ("inherit", "pipe",
// "ignore", an fd), and back: files are opened here by the caller (as a
// shell redirection would, outside the sandbox's grants), data for stdin is
// written into a pipe, piped output is read eagerly unless `lazy`, and
// counted against `maxBuffer`.
import { closeSync, constants, openSync } from "node:fs";
import { SpawnOptionError } from "./errors.ts";
import type { SandboxExtraStdio, SandboxStdio, SandboxStdioOptions } from "./backend/contract.ts";
import type { CheckedOptions, Slot, StdinData } from "./spawn-options.ts";

export type OpenedStdio = {
  readonly backend: SandboxStdioOptions;
  /** Data cordon writes to the command's stdin, when stdin was given as data. */
  readonly data?: StdinData;
  /** Closes the files opened here: the child holds its own copies once spawned. */
  close(): void;
};

function open(option: string, path: string, flags: number, opened: number[]): number {
  try {
    const fd = openSync(path, flags, 0o666); // Bun opens close-on-exec
    opened.push(fd);
    return fd;
  } catch (e) {
    throw new SpawnOptionError(option, `cannot open ${path}: ${(e as { code?: string }).code ?? String(e)}`);
  }
}

/** Opens the files `o` names and says what the backend gets for each slot. */
export function openStdio<P>(o: CheckedOptions<P>): OpenedStdio {
  const opened: number[] = [];
  const close = () => {
    for (const fd of opened.splice(0)) closeSync(fd);
  };
  const slot = (option: string, s: Slot, read: boolean): SandboxStdio => {
    switch (s.kind) {
      case "fd":
        return s.fd;
      case "file":
        return open(option, s.path, read ? constants.O_RDONLY : constants.O_WRONLY | constants.O_CREAT, opened);
      case "data":
      case "socket-fd":
        return "pipe";
      default:
        return s.kind;
    }
  };
  try {
    const backend: SandboxStdioOptions = {
      stdin: slot("stdin", o.stdin, true),
      stdout: slot("stdout", o.stdout, false),
      stderr: slot("stderr", o.stderr, false),
      ...(o.extra.length ? { extra: o.extra.map((s, i) => slot(`stdio[${i + 3}]`, s, false) as SandboxExtraStdio) } : {}),
      ...(o.argv0 !== undefined ? { argv0: o.argv0 } : {}),
    };
    return { backend, ...(o.stdin.kind === "data" ? { data: o.stdin.data } : {}), close };
  } catch (e) {
    close();
    throw e;
  }
}

type Sink = WritableStream<Uint8Array> | { write(data: Uint8Array): unknown; end(): unknown };

function chunks(data: StdinData): ReadableStream<Uint8Array> | Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ReadableStream) return data;
  if (data instanceof Blob) return data.stream();
  return data.body;
}

/** Writes `data` to the command's stdin, then closes it; a command that stops reading (EPIPE) ends the feed. */
export async function feed(sink: Sink, data: StdinData): Promise<void> {
  const w = sink instanceof WritableStream ? sink.getWriter() : undefined;
  const write = async (b: Uint8Array) => void (w ? await w.write(b) : await (sink as { write(d: Uint8Array): unknown }).write(b));
  try {
    const source = chunks(data);
    if (source instanceof Uint8Array) await write(source);
    else if (source) for await (const chunk of source) await write(chunk);
  } catch {
    // The command closed its stdin or exited: what it did not read is dropped, as with Bun.
  } finally {
    try {
      await (w ? w.close() : (sink as { end(): unknown }).end());
    } catch {
      // already closed
    }
  }
}

/**
 * The command's piped output as the caller sees it: read ahead without limit
 * (so a command never blocks on a pipe nobody reads yet, as with Bun), and
 * `over` called once more than `maxBuffer` bytes came through.
 */
export function tapOutput(stream: ReadableStream<Uint8Array>, maxBuffer: number | undefined, over: () => void): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let seen = 0;
  let fired = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        seen += value.byteLength;
        if (maxBuffer !== undefined && seen > maxBuffer && !fired) {
          fired = true;
          over();
        }
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: Number.POSITIVE_INFINITY },
  );
}
