// The report's byte counts when the command floods cordon's DNS: the relay's
// event queue to Bun is bounded, and a command that fills it with lookups just
// before it ends must not crowd out the close of a connection it was relayed
// (with its bytes), nor may the run end before that close is told. The
// command reads a known number of bytes from a granted loopback service,
// floods the resolver from several threads, and exits with the connection
// still open; the report must count every byte.
import { expect, test } from "bun:test";
import { hostListener } from "../helpers/host-listener.ts";
import { noNetns as noNetnsHere } from "../helpers/netns.ts";
import { describeUnless } from "../helpers/skip.ts";

const { spawn } = await import("../../lib/spawn.ts");
const noNetns = await noNetnsHere();

const BYTES = 3_000_000;

const command = `
import os, socket, sys, threading, time
port, flood = int(sys.argv[1]), float(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=5)
got = 0
while got < ${BYTES}:
    b = s.recv(1 << 20)
    if not b:
        break
    got += len(b)
print("got", got, flush=True)
ns = [l.split()[1] for l in open("/etc/resolv.conf") if l.startswith("nameserver")][0]
# A query of a long name (about 250 bytes), over and over.
name = b"".join(bytes([50]) + b"a" * 50 for _ in range(4)) + b"\\x04test\\x00"
query = b"\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00" + name + b"\\x00\\x01\\x00\\x01"
def run():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    end = time.time() + flood
    while time.time() < end:
        try:
            u.sendto(query, (ns, 53))
        except OSError:
            pass
threads = [threading.Thread(target=run) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
os._exit(0)  # the relayed connection still open: the kernel closes it with the process
`;

describeUnless(noNetns, "the report's bytes under a lookup flood", () => {
  // Sends BYTES at once and keeps the connection open.
  const service = hostListener((s) => void s.write(Buffer.alloc(BYTES, 120)));

  for (const flood of [0, 1.5]) {
    test(`a connection left open by a command that ${flood ? "floods cordon's DNS before it ends" : "ends at once (the twin)"}: the report counts every byte it was sent once the run has exited`, async () => {
      const p = spawn(["/usr/bin/python3", "-c", command, String(service.port()), String(flood)], { net: { hosts: [`localhost:${service.port()}`] }, fs: { read: ["/usr/lib/python3"] } }, { stdout: "pipe", stderr: "pipe" });
      const [out, err, code] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text(), p.exited]);
      expect({ code, err, out }).toEqual({ code: 0, err: "", out: `got ${BYTES}\n` });
      const entry = p.report.network!.destinations.find((d) => d.allowed && d.port === service.port());
      expect(entry).toMatchObject({ count: 1, bytesIn: BYTES });
    }, 30_000);
  }
});
