// The worker behind spawnSync(): the very spawn() of the async API, run to
// the end on this thread's own event loop, its outcome posted back to the
// caller, which waits on a shared flag (Atomics.wait). Nothing is imported
// until the message handler runs, so even a failing import is reported.
import { workerData } from "node:worker_threads";

const { flag, port, argv, policy, options } = workerData as {
  flag: Int32Array;
  port: MessagePort;
  argv: string[];
  policy: unknown;
  options: unknown;
};

async function bytes(s: unknown): Promise<Uint8Array | undefined> {
  return s instanceof ReadableStream ? new Uint8Array(await new Response(s).arrayBuffer()) : undefined;
}

/** Bun's ResourceUsage keeps its fields as getters, which a structured clone drops: copied out. */
function usage(u: unknown): unknown {
  if (u === undefined || u === null) return u;
  const keys = ["contextSwitches", "cpuTime", "maxRSS", "messages", "ops", "shmSize", "signalCount", "swapCount"];
  return Object.fromEntries(keys.map((k) => [k, (u as Record<string, unknown>)[k]]).map(([k, v]) => [k, v && typeof v === "object" ? { ...v } : v]));
}

/** An error as plain data: its class name and the fields each typed error carries. */
function plain(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  for (const k of ["code", "field", "option", "path", "missing", "op", "domain", "status", "errorName", "detail", "cause"]) {
    const v = (e as unknown as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = typeof v === "object" && !Array.isArray(v) ? String(v) : v;
  }
  return out;
}

try {
  const { spawnChecked } = await import("./spawn.ts");
  const p = spawnChecked(argv, policy as never, options as never);
  const [stdout, stderr] = await Promise.all([bytes(p.stdout), bytes(p.stderr)]);
  await p.exited;
  port.postMessage({
    result: {
      pid: p.pid,
      exitCode: p.exitCode,
      signalCode: p.signalCode,
      stdout,
      stderr,
      resourceUsage: usage(p.resourceUsage()),
      timedOut: p.timedOut,
      exitedDueToTimeout: p.exitedDueToTimeout,
      exitedDueToMaxBuffer: p.exitedDueToMaxBuffer,
      limit: p.limit,
      report: p.report,
      policy: p.policy,
    },
  });
} catch (e) {
  port.postMessage({ error: plain(e) });
} finally {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  port.close();
}
