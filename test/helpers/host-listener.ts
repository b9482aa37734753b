// A TCP listener on this host's 127.0.0.1 that counts the connections it
// accepts: what a sandbox without the network must not reach (checked from
// outside), and one with it must. Made before the describe block's tests and
// closed after them. `serve` answers each connection (default: closed at once).
import { afterAll, beforeAll } from "bun:test";
import { createServer, type Server, type Socket } from "node:net";

export function hostListener(serve: (s: Socket) => void = (s) => s.end()): { readonly port: () => number; readonly accepted: () => number } {
  let server: Server | undefined;
  let port = 0;
  let accepted = 0;
  beforeAll(async () => {
    server = createServer((s) => {
      accepted++;
      serve(s);
    }).listen(0, "127.0.0.1");
    await new Promise((r) => server!.once("listening", r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server?.close());
  return { port: () => port, accepted: () => accepted };
}
