// A sandboxed child, shaped like Bun's Subprocess: pid, stdin, stdout, stderr,
// exited, exitCode, signalCode, kill(), resourceUsage().
import { closeSync, readSync } from "node:fs";
import { constants } from "node:os";
import { closeFd, UAPI } from "../../../ffi/linux.ts";
import { ERRNO } from "../../../ffi/generated/linux-tables.ts";
import { pidfdSendSignal } from "../../../ffi/linux-spawn.ts";
import { longTimeout, type LongTimer } from "../../timer.ts";
import { holding, type ExitRecord } from "./exit-watcher.ts";
import { outputStream } from "./output-stream.ts";

const { CLD_EXITED, CLD_KILLED, CLD_DUMPED } = UAPI;
const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]),
);

export function signalNumber(sig: number | NodeJS.Signals): number {
  if (typeof sig === "number") return sig;
  const n = constants.signals[sig];
  if (n === undefined) throw new TypeError(`unknown signal: ${sig}`);
  return n;
}

/** Bun's ResourceUsage: CPU time in microseconds as bigints, maxRSS in bytes, the rest counts. */
export type ResourceUsage = {
  contextSwitches: { voluntary: number; involuntary: number };
  cpuTime: { user: bigint; system: bigint; total: bigint };
  maxRSS: number;
  messages: { sent: number; received: number };
  ops: { in: number; out: number };
  shmSize: number;
  signalCount: number;
  swapCount: number;
};

/** What holds the event loop for each output stream made here (see LinuxSubprocess.ref). */
const holds = new WeakMap<ReadableStream<Uint8Array>, (on: boolean) => void>();

/** The parent's end of an output socket pair as a stream; the fd is Bun's (closed with the socket) once read. */
export function readableFromFd(fd: number): ReadableStream<Uint8Array> {
  const out = outputStream(fd);
  holds.set(out.stream, out.hold);
  return out.stream;
}

/**
 * The writable end of the child's stdin. Bun's FileSink does not own an fd it
 * was given by number, so end() closes it here: that is the child's EOF.
 */
export class StdinSink {
  private readonly sink: import("bun").FileSink;
  private closed = false;
  constructor(private readonly fd: number) {
    this.sink = Bun.file(fd).writer();
  }
  write(chunk: Parameters<import("bun").FileSink["write"]>[0]): number | Promise<number> {
    return this.sink.write(chunk);
  }
  flush(): number | Promise<number> {
    return this.sink.flush();
  }
  async end(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.sink.end();
    } catch {
      // EPIPE: the child is gone; the fd is closed all the same.
    } finally {
      closeSync(this.fd);
    }
  }
}

export class LinuxSubprocess {
  exitCode: number | null = null;
  /** The signal's name, or its number when it has none (a real-time signal), as Bun. */
  signalCode: NodeJS.Signals | number | null = null;
  killed = false;
  readonly exited: Promise<number>;
  private record: ExitRecord | undefined;
  private usage: ResourceUsage | undefined;
  private pidfdOpen = true;
  private resolveExit!: (code: number) => void;
  private timer: LongTimer | undefined;

  constructor(
    readonly pid: number,
    private readonly pidfd: number,
    /** Set by attach() for a warm sandbox, whose streams come with its command. */
    public stdin: StdinSink | undefined,
    public stdout: ReadableStream<Uint8Array> | undefined,
    public stderr: ReadableStream<Uint8Array> | undefined,
    /** Under cordon-init: the read end of the pipe where it writes the command's wait status. */
    private readonly statusFd?: number,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  /** Called once by the exit watcher after the child was reaped. */
  onExit(r: ExitRecord): void {
    this.timer?.clear();
    const signal = this.commandSignal(r);
    if (signal !== undefined) this.signalCode = signalNames.get(signal) ?? signal;
    else if (r.code === CLD_EXITED) this.exitCode = r.status;
    else if (r.code === CLD_KILLED || r.code === CLD_DUMPED) this.signalCode = signalNames.get(r.status) ?? r.status;
    this.record = r;
    // The pidfd stays open until now so a kill() racing the exit can never hit a recycled pid.
    this.pidfdOpen = false;
    // EBADF: the pidfd was closed elsewhere (against the contract) and its number may be another file's now.
    if (r.code !== -ERRNO.BADF) closeFd(this.pidfd);
    // Nobody reads the child's stdin any more: flush what is pending (EPIPE) and close our end.
    void this.stdin?.end();
    this.resolveExit(r.code === CLD_EXITED ? r.status : r.code === CLD_KILLED || r.code === CLD_DUMPED ? 128 + r.status : 255);
  }

  /**
   * The signal that ended the command under cordon-init, which exits 128+N
   * for it (pid 1 cannot die of a signal it sends itself) and writes the
   * command's wait status to the status pipe first. Believed only when the
   * two agree: anything else in the pipe (the sandbox can reach it through
   * /proc/1/fd) can at most claim what the command could do itself.
   */
  private commandSignal(r: ExitRecord): number | undefined {
    if (this.statusFd === undefined) return undefined;
    const buf = Buffer.alloc(256);
    let n = 0;
    try {
      n = readSync(this.statusFd, buf);
    } catch {
      // EAGAIN: nothing written (cordon-init was killed, or the pipe was full)
    } finally {
      closeSync(this.statusFd);
    }
    if (r.code !== CLD_EXITED || n < 4) return undefined;
    const ws = buf.readUInt32LE(n - 4); // the last word: nothing of the sandbox is left to write after cordon-init
    const sig = ws & 0x7f;
    if (sig === 0 || sig === 0x7f || ws >>> 16 !== 0) return undefined;
    return (128 + sig) % 256 === r.status ? sig : undefined;
  }

  /** Signals the child through its pidfd; harmless after it exited. */
  kill(signal: number | NodeJS.Signals = "SIGTERM"): void {
    const n = signalNumber(signal);
    if (!this.pidfdOpen) return;
    if (pidfdSendSignal(this.pidfd, n)) this.killed = true;
  }

  /** Whether this child keeps the event loop alive until it exits (Bun's ref/unref). */
  ref(): void {
    this.hold(true);
  }
  unref(): void {
    this.hold(false);
  }
  private hold(on: boolean): void {
    if (this.pidfdOpen) holding(this.pidfd, on);
    if (this.timer) on ? this.timer.ref() : this.timer.unref();
    for (const s of [this.stdout, this.stderr]) if (s) holds.get(s)?.(on);
  }

  /** Arms the wall-clock limit: `signal` when `ms` have passed. */
  setTimeout(ms: number, signal: number): void {
    this.timer = longTimeout(ms, () => {
      this.timedOut = true;
      this.kill(signal);
    });
  }

  /** True when the wall-clock limit fired. */
  timedOut = false;

  /** Built on first call: most callers never ask. */
  resourceUsage(): ResourceUsage | undefined {
    const r = this.record;
    if (!r) return undefined;
    return (this.usage ??= {
      contextSwitches: { voluntary: r.nvcsw, involuntary: r.nivcsw },
      cpuTime: { user: BigInt(r.utimeUs), system: BigInt(r.stimeUs), total: BigInt(r.utimeUs + r.stimeUs) },
      maxRSS: r.maxRssKb * 1024,
      messages: { sent: r.msgsnd, received: r.msgrcv },
      ops: { in: r.inblock, out: r.oublock },
      shmSize: r.ixrss, // ru_ixrss as the kernel gives it (Linux: always 0)
      signalCount: r.nsignals,
      swapCount: r.nswap,
    });
  }
}
