// The --report file, opened once before the command starts and written only
// through that descriptor: the command may share the file's directory (a
// write grant), and whatever it puts at the path later (a symlink to another
// file, a FIFO) is never opened. Only a regular file is accepted.
import { closeSync, constants, fstatSync, ftruncateSync, lstatSync, openSync, unlinkSync, writeSync, type Stats } from "node:fs";
import { PolicyError } from "../errors.ts";

/** What lstat found at the path, in words, when it is not a regular file. */
function kind(st: Stats): string {
  if (st.isSymbolicLink()) return "a symbolic link";
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  return "not a regular file";
}

function lstatOrNone(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

export class ReportFile {
  #fd: number | undefined;
  #written = false;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly created: boolean,
    private readonly identity: { dev: number; ino: number },
  ) {
    this.#fd = fd;
  }

  /**
   * Opens (or creates) `path` for writing without following a symlink and
   * without blocking on a FIFO; anything but a regular file is refused before
   * it is written. Throws PolicyError("--report", ...).
   */
  static open(path: string): ReportFile {
    const refuse = (why: string) => new PolicyError("--report", `cannot write ${path}: ${why}`);
    const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);
    let before: Stats | undefined;
    try {
      before = lstatOrNone(path);
    } catch (e) {
      throw refuse(code(e));
    }
    // A directory answers EISDIR from open() below; anything else is never opened (a device's open can act).
    if (before && !before.isFile() && !before.isDirectory()) throw refuse(kind(before));
    let fd: number;
    try {
      // O_NONBLOCK: a FIFO put there in between fails (ENXIO) or opens at once, never waits for a reader.
      fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0), 0o666);
    } catch (e) {
      const c = code(e);
      throw refuse(c === "ELOOP" ? "a symbolic link" : c === "ENXIO" ? "a FIFO" : c);
    }
    const st = fstatSync(fd);
    // A second name would let the report land in a file planted there earlier (a hard link to something else).
    const wrong = !st.isFile() ? kind(st) : st.nlink > 1 ? `it has ${st.nlink} hard links` : undefined;
    if (wrong !== undefined) {
      closeSync(fd);
      throw refuse(wrong);
    }
    return new ReportFile(path, fd, before === undefined, { dev: st.dev, ino: st.ino });
  }

  /** Replaces the whole content, through the descriptor. Throws PolicyError("--report", ...). */
  write(text: string): void {
    const fd = this.#fd;
    if (fd === undefined) throw new PolicyError("--report", `cannot write ${this.path}: closed`);
    const bytes = Buffer.from(text);
    try {
      ftruncateSync(fd, 0);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, done);
    } catch (e) {
      throw new PolicyError("--report", `cannot write ${this.path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    this.#written = true;
  }

  /** Whether the path still names the file this descriptor writes (the command may have replaced it). */
  inPlace(): boolean {
    try {
      const st = lstatSync(this.path);
      return st.dev === this.identity.dev && st.ino === this.identity.ino;
    } catch {
      return false;
    }
  }

  /**
   * Closes the descriptor. `unused`: the command never ran, so a file this
   * call created and never wrote is removed again (an empty report would be
   * no report).
   */
  close(unused = false): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
    if (unused && this.created && !this.#written && this.inPlace()) {
      try {
        unlinkSync(this.path);
      } catch {
        // Nothing more to undo: the error that stopped cordon is the one to tell.
      }
    }
  }
}
