// The supervisor's side of the inside probe's questions: every stdout line
// that is a JSON {"ask": ...} gets one JSON answer line on the probe's stdin;
// every other line is kept for parseInside.
import type { SandboxedProcess } from "../backend/contract.ts";
import { LineReader } from "./lines.ts";

export type Ask = { readonly ask: string } & Readonly<Record<string, unknown>>;

function sinkOf(stdin: SandboxedProcess["stdin"]): { send(line: string): Promise<void>; close(): Promise<void> } {
  if (stdin && typeof stdin === "object" && "getWriter" in stdin) {
    const w = stdin.getWriter();
    return { send: (line) => w.write(new TextEncoder().encode(line)), close: () => w.close().catch(() => {}) };
  }
  if (stdin && typeof stdin === "object") {
    const s = stdin as { write(d: string): unknown; flush?(): unknown; end(): unknown };
    return {
      send: async (line) => {
        s.write(line);
        await s.flush?.();
      },
      close: async () => void s.end(),
    };
  }
  return { send: async () => {}, close: async () => {} };
}

/** Read the probe's stdout to its end, answering each question; returns the other lines. */
export async function converse(stdout: ReadableStream<Uint8Array>, stdin: SandboxedProcess["stdin"], answer: (q: Ask) => Promise<object>): Promise<string> {
  const lines = new LineReader(stdout);
  const sink = sinkOf(stdin);
  const kept: string[] = [];
  try {
    for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
      let q: Ask | undefined;
      if (line.startsWith('{"')) {
        try {
          const v = JSON.parse(line) as Partial<Ask>;
          if (typeof v.ask === "string") q = v as Ask;
        } catch {
          // a torn line is kept: parseInside skips it
        }
      }
      if (!q) {
        kept.push(line);
        continue;
      }
      const reply = await answer(q).catch((e: unknown) => ({ error: String(e) }));
      await sink.send(JSON.stringify(reply) + "\n").catch(() => {});
    }
  } finally {
    await sink.close();
  }
  return kept.join("\n");
}
