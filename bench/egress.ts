// Host grants (net.hosts): what the relay costs, every variant in one run
// against the egress tests' own "internet" (a network namespace with test
// hosts in 198.18.0.0/15; test/helpers/test-internet.ts; needs root):
//   1. connect latency inside the sandbox, lookup included: the first connect
//      and the median of the next ones, relayed by name and by address vs a
//      net "all" sandbox connecting to the address directly;
//   2. throughput of one 100 MB transfer through the relay vs direct (and
//      after its first byte, without lookup and connect), the sink's CPU
//      time and the relay thread's (on a CPU, and runnable but waiting for one);
//   3. spawn-to-exit of /bin/true with host grants vs net "none" (both in a
//      network namespace: its creation and teardown are in both), and the
//      threads and fds of this process after 1,000 such spawns.
//   bun bench/egress.ts     markdown on stdout
// BENCH_ROUNDS (default 10) rounds of each; BENCH_EGRESS_MB (default 100).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Net } from "../lib/policy/types.ts";
import { spawn } from "../lib/spawn.ts";
import { internetUnavailable, startInternet } from "../test/helpers/test-internet.ts";
import { fmt, interleave, machineLine, ratio, stats } from "./stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const MB = Number(process.env.BENCH_EGRESS_MB ?? 100);
const client = join(import.meta.dir, "egress-client.py");
const quiet = { stdin: "ignore", stdout: "ignore", stderr: "ignore" } as const;

const why = internetUnavailable();
if (why) {
  console.log(`egress bench not run: ${why}`);
  process.exit(0);
}

/** The relay thread of this process (named by relay.zig), once a sandbox with host grants has started it. */
function relayThread(): string | undefined {
  for (const t of readdirSync("/proc/self/task")) if (readFileSync(`/proc/self/task/${t}/comm`, "utf8").trim() === "cordon-relay") return t;
  return undefined;
}

/** A thread's time on a CPU and waiting for one (ns; /proc/<pid>/task/<tid>/schedstat). */
function schedstat(tid: string): { run: number; wait: number } {
  const [run, wait] = readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ").map(Number);
  return { run: run!, wait: wait! };
}

async function inSandbox(net: Net, args: string[]): Promise<Record<string, unknown>> {
  const p = spawn(["/usr/bin/python3", client, ...args], { net, fs: { read: ["/usr/lib/python3", client] } }, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text(), p.exited]);
  if (code !== 0) throw new Error(`client failed (${code}): ${err}`);
  return JSON.parse(out) as Record<string, unknown>;
}

const inet = await startInternet({ "registry.test": { a: ["GRANTED"] } });
const lines: string[] = [`# Egress relay (net.hosts)`, "", machineLine(), ""];
try {
  const g = inet.ip.granted;
  const byName: Net = { hosts: ["registry.test:7000", "registry.test:7001"], resolver: inet.ip.dns };
  const byAddress: Net = { hosts: [`${g}:7000`, `${g}:7001`] };
  const variants: [string, Net, string][] = [
    ["direct (net all, by address)", "all", g],
    ["relayed, by address (net.hosts literal)", byAddress, g],
    ["relayed, by name (cordon's DNS + a lookup per connect)", byName, "registry.test"],
  ];

  const first = new Map<string, number[]>();
  const rest = new Map<string, number[]>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, net, host] of variants) {
      const us = (await inSandbox(net, ["latency", host, "7000", "50"])).us as number[];
      (first.get(name) ?? first.set(name, []).get(name)!).push(us[0]!);
      (rest.get(name) ?? rest.set(name, []).get(name)!).push(...us.slice(1));
    }
  }
  const base = stats(rest.get(variants[0]![0])!).median;
  const baseFirst = stats(first.get(variants[0]![0])!).median;
  lines.push("## Connect latency inside the sandbox (µs; lookup + connect + one echoed byte)", "", "| variant | first connect (median of runs) | further connects (median) | p90 | added per connect | ratio |", "|---|---|---|---|---|---|");
  for (const [name] of variants) {
    const f = stats(first.get(name)!);
    const s = stats(rest.get(name)!);
    lines.push(`| ${name} | ${fmt(f.median, 0)} (+${fmt(f.median - baseFirst, 0)}) | ${fmt(s.median, 0)} | ${fmt(s.p90, 0)} | ${fmt(s.median - base, 0)} | ${ratio(s.median, base)} |`);
  }

  const bytes = MB * 2 ** 20;
  type Transfer = { gbit: number; afterFirst: number; firstMs: number; sinkMs: number; relayMs?: number; waitMs?: number };
  const rate = new Map<string, Transfer[]>();
  for (let r = 0; r < Math.max(3, Math.ceil(ROUNDS / 2)); r++) {
    for (const [name, net, host] of [variants[0]!, variants[2]!]) {
      const tid = relayThread();
      const before = tid && schedstat(tid);
      const o = (await inSandbox(net, ["throughput", host, "7001", String(bytes)])) as { bytes: number; s: number; first: number; cpu: number };
      const after = tid && schedstat(tid);
      if (o.bytes !== bytes) throw new Error(`${name}: ${o.bytes} of ${bytes} bytes`);
      const t: Transfer = { gbit: (bytes * 8) / o.s / 1e9, afterFirst: (bytes * 8) / (o.s - o.first) / 1e9, firstMs: o.first * 1e3, sinkMs: o.cpu * 1e3 };
      if (net !== "all" && before && after) Object.assign(t, { relayMs: (after.run - before.run) / 1e6, waitMs: (after.wait - before.wait) / 1e6 });
      (rate.get(name) ?? rate.set(name, []).get(name)!).push(t);
    }
  }
  const of = (name: string, k: keyof Transfer) => stats(rate.get(name)!.map((t) => t[k] ?? Number.NaN));
  const direct = of(variants[0]![0], "gbit").median;
  const directAfter = of(variants[0]![0], "afterFirst").median;
  const spread = (x: { min: number; max: number }, digits: number) => `${fmt(x.min, digits)}–${fmt(x.max, digits)}`;
  lines.push(
    "",
    `## Throughput of one ${MB} MB transfer (median of ${rate.get(variants[0]![0])!.length}, min–max; the source is Python in the test namespace)`,
    "",
    "| variant | Gbit/s (lookup and connect included) | of direct | Gbit/s after the first byte | of direct | first byte (ms) | sink CPU (ms) | relay thread CPU (ms) | relay thread waiting for a CPU (ms) |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  for (const [name] of rate) {
    const [g, a, f, k, c, w] = (["gbit", "afterFirst", "firstMs", "sinkMs", "relayMs", "waitMs"] as const).map((x) => of(name, x));
    const relay = Number.isNaN(c!.median) ? "| | |" : `| ${fmt(c!.median, 1)} (${spread(c!, 1)}) | ${fmt(w!.median, 1)} (${spread(w!, 1)}) |`;
    lines.push(
      `| ${name} | ${fmt(g!.median, 2)} (${spread(g!, 2)}) | ${((g!.median / direct) * 100).toFixed(0)}% | ${fmt(a!.median, 2)} | ${((a!.median / directAfter) * 100).toFixed(0)}% | ${fmt(f!.median, 2)} | ${fmt(k!.median, 1)} ${relay}`,
    );
  }

  const threadNames = () => readdirSync("/proc/self/task").map((t) => readFileSync(`/proc/self/task/${t}/comm`, "utf8").trim());
  const counts = () => ({ threads: threadNames(), fds: readdirSync("/proc/self/fd").length });
  const once = (net: Net) => async () => void (await spawn(["/bin/true"], { net }, quiet).exited);
  const spawnRounds = await interleave(
    [
      { name: "net none (empty network namespace)", once: once("none"), perRound: 10 },
      { name: "net.hosts (namespace + relay sockets + relay session)", once: once({ hosts: ["registry.test"] }), perRound: 10 },
    ],
    ROUNDS * 3,
  );
  const [noneName, hostsName] = [...spawnRounds.keys()] as [string, string];
  const none = stats(spawnRounds.get(noneName)!);
  const hosts = stats(spawnRounds.get(hostsName)!);
  lines.push("", "## Spawn-to-exit of /bin/true (ms)", "", "| variant | median | p90 | added |", "|---|---|---|---|");
  lines.push(`| ${noneName} | ${fmt(none.median)} | ${fmt(none.p90)} | |`, `| ${hostsName} | ${fmt(hosts.median)} | ${fmt(hosts.p90)} | ${hosts.median >= none.median ? "+" : ""}${fmt(hosts.median - none.median)} |`);
  await Bun.sleep(300);
  const before = counts();
  for (let i = 0; i < 1000; i++) await once({ hosts: ["registry.test"] })();
  await Bun.sleep(500);
  const after = counts();
  // Bun starts some of its own threads lazily (GC, JIT, its pool): a change is named, so that it can be told from the relay's.
  const delta = (a: string[], b: string[]) => b.filter((n) => { const i = a.indexOf(n); if (i < 0) return true; a = a.toSpliced(i, 1); return false; });
  const added = delta(before.threads, after.threads);
  const gone = delta(after.threads, before.threads);
  const named = [...added.map((n) => `+${n}`), ...gone.map((n) => `-${n}`)];
  lines.push("", `After 1,000 spawns with host grants: threads ${before.threads.length} → ${after.threads.length}${named.length ? ` (${named.join(", ")})` : ""}, fds ${before.fds} → ${after.fds}.`);
} finally {
  await inet.stop();
}
console.log(lines.join("\n"));
