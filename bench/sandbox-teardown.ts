// Teardown as a user gets it: a 100-process tree with 45 setsid double-forked
// orphans started through cordon's spawn() (full sandbox, fresh cgroup set),
// then kill("SIGKILL") (the whole tree). Two times from the call: until kill()
// returns (with cgroup v2 the tree is then frozen: no process runs user code
// again; cgroup.kill follows from the thread pool) and until `exited` settles
// (the kernel has finished every exit, and the cgroups are removed); survivors
// by a /proc scan.
// bench/teardown.ts measures the mechanisms underneath and the process-group peer.
//   bun bench/sandbox-teardown.ts [--json]      (BENCH_TEARDOWN_ROUNDS)
import { join } from "node:path";
import { spawn } from "../lib/spawn.ts";
import { firstLine, fixtureDir, reapSurvivors, survivors } from "../test/fixtures/tree/scan.ts";
import { stats, type Stats } from "./stats.ts";

const ROUNDS = Number(process.env.BENCH_TEARDOWN_ROUNDS ?? 10);

export type SandboxTeardownRow = { variant: string; killReturned: Stats; killToExited: Stats; survivors: number[] } | { variant: string; notRun: string };

async function once(light: boolean): Promise<{ returned: number; ms: number; survivors: number }> {
  const token = crypto.randomUUID();
  const p = spawn(
    ["/usr/bin/python3", join(fixtureDir, "tree.py"), "100", "45", "60", ...(light ? ["exec"] : [])],
    { fs: { read: [fixtureDir] }, env: { CORDON_TREE_TOKEN: token }, limits: { memory: 2 ** 30, pids: 256 } },
    { stdin: "ignore", stdout: "pipe", stderr: "ignore" },
  );
  try {
    const ready = await firstLine(p.stdout as ReadableStream<Uint8Array>);
    if (ready.split(" ").length !== 101) throw new Error(`tree not ready (exit ${p.exitCode}): ${ready.slice(0, 80)}`);
    const t0 = performance.now();
    p.kill("SIGKILL");
    const returned = performance.now() - t0;
    await p.exited;
    const ms = performance.now() - t0;
    return { returned, ms, survivors: survivors(token).length };
  } finally {
    reapSurvivors(token);
  }
}

export async function runSandboxTeardown(log: (s: string) => void = () => {}): Promise<SandboxTeardownRow[]> {
  const out: SandboxTeardownRow[] = [];
  for (const light of [false, true]) {
    const variant = `cordon spawn() + kill() [${light ? "sleep" : "python"}]`;
    try {
      const t: number[] = [];
      const k: number[] = [];
      const s: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        log(`sandbox teardown: ${variant} ${i + 1}/${ROUNDS}`);
        const r = await once(light);
        t.push(r.ms);
        k.push(r.returned);
        s.push(r.survivors);
      }
      out.push({ variant, killReturned: stats(k), killToExited: stats(t), survivors: s });
    } catch (e) {
      out.push({ variant, notRun: (e as Error).message.slice(0, 200) });
    }
  }
  return out;
}

export function sandboxTeardownMarkdown(rows: SandboxTeardownRow[]): string {
  const out = [
    "| through the sandbox | kill() returned (tree frozen: no user code), median ms | max ms | kill() → exited (tree gone), median ms | max ms | survivors (each round) |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const r of rows) {
    if ("notRun" in r) out.push(`| ${r.variant} | – | – | – | – | not run: ${r.notRun} |`);
    else out.push(`| ${r.variant} | ${r.killReturned.median.toFixed(2)} | ${r.killReturned.max.toFixed(2)} | ${r.killToExited.median.toFixed(2)} | ${r.killToExited.max.toFixed(2)} | ${r.survivors.join(",")} |`);
  }
  return out.join("\n");
}

if (import.meta.main) {
  const r = await runSandboxTeardown((s) => console.error(s));
  console.log(process.argv.includes("--json") ? JSON.stringify(r) : sandboxTeardownMarkdown(r));
  process.exit(0);
}
