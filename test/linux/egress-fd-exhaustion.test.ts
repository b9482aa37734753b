// The relay when cordon's process is out of descriptors: a connection the
// relay's listener cannot accept must not leave the listener ready forever
// (the relay thread would spin on a failing accept4, a CPU taken from every
// sandbox of the process, for as long as the descriptors stay short). The
// connection waiting is reset (its client fails fast), and once descriptors
// come back the relay serves again. And the relay stops short of that: it
// holds no more connections than a budget of the process's descriptors allows.
// Run in a child Bun with RLIMIT_NOFILE 400 (test/fixtures/egress/fd-*.ts).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { noNetns as noNetnsHere } from "../helpers/netns.ts";
import { describeUnless } from "../helpers/skip.ts";

const noNetns = await noNetnsHere();

/** test/fixtures/egress/`fixture` in a child Bun at RLIMIT_NOFILE 400: the JSON of its last line, once it exited 0 and said nothing on stderr. */
async function atLowLimit<T>(fixture: string): Promise<T> {
  const path = join(import.meta.dir, "..", "fixtures", "egress", fixture);
  const p = Bun.spawn(["sh", "-c", 'ulimit -n 400 && exec "$0" "$1"', process.execPath, path], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  return JSON.parse(out.trim().split("\n").at(-1)!) as T;
}

describeUnless(noNetns, "the relay out of descriptors", () => {
  test("a connection knocking while cordon's process has no descriptor left is reset, the relay thread does not spin meanwhile, and serves again once descriptors are back", async () => {
    const r = await atLowLimit<{ knock: string; relayCpuMs: number; again: string }>("fd-exhaustion.ts");
    expect(r.knock).toBe("reset");
    // A spinning relay took 1640 ms from the knock to 1.5 s after it here; one that sheds the connection, 0.
    expect(r.relayCpuMs).toBeLessThan(150);
    // Positive twin: the same service through the same relay, descriptors given back.
    expect(r.again).toBe("z");
  }, 30_000);

  test("a command holding as many relayed connections as it can get leaves this process descriptors of its own: the relay stops at its budget (a quarter of RLIMIT_NOFILE, at least 256, kept), the process still opens files, and the relay serves again afterwards", async () => {
    const r = await atLowLimit<{ held: number; opened: number; again: string }>("fd-budget.ts");
    // (400 - 256) / 6 connections; without the budget the command held 52 and this process could open 2-3 of its 50 files.
    expect(r.held).toBe(24);
    expect(r.opened).toBe(50);
    expect(r.again).toBe("z");
  }, 30_000);
});
