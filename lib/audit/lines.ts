// Lines from a child's stdout as they arrive: the canary keeper answers one
// line per request, and the inside probe asks the supervisor mid-run.

export class LineReader {
  private buffer = "";
  private readonly reader: { read(): Promise<{ value?: Uint8Array | undefined; done?: boolean | undefined }> };
  private readonly decoder = new TextDecoder();

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  /** The next line without its newline; the unterminated rest at end of stream; undefined after that. */
  async next(): Promise<string | undefined> {
    for (;;) {
      const nl = this.buffer.indexOf("\n");
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        return line;
      }
      const { value, done } = await this.reader.read();
      if (done) {
        const rest = this.buffer;
        this.buffer = "";
        return rest === "" ? undefined : rest;
      }
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }
}
