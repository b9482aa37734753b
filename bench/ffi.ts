// FFI: the cost of the hot calls through bun:ffi and the memory that loading
// cordon adds. Run in a fresh process so the RSS figures start clean:
//   bun bench/ffi.ts [--json]
import { readdirSync, readFileSync } from "node:fs";
import { stats, type Stats } from "./stats.ts";

export type FfiResult = {
  calls: { name: string; nsPerCall: Stats }[];
  rss: { step: string; rssMiB: number; addedMiB: number }[];
  /** What each waiting warm sandbox costs (KiB), over WARM_COUNT of them. */
  warm?: { count: number; bunKiB: number; helperRssKiB: number; helperPssKiB: number; systemKiB: number };
};

const WARM_COUNT = 16;
/** The load and spawn benches' fully restricted policy (bench/spawn.ts), kept here so this fresh process imports nothing else first. */
const FULL = { limits: { memory: 256 * 2 ** 20, pids: 64, openFiles: 1024, fileSize: 2 ** 30 } };
const QUIET = { stdin: "ignore", stdout: "ignore", stderr: "ignore" } as const;

/** KiB of a /proc file's "Name:   N kB" line. */
function kib(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text);
  return m ? Number(m[1]) : NaN;
}

/** This process's children (the warm sandboxes' pid 1, cordon-init), from every thread's list. */
function children(): number[] {
  return readdirSync("/proc/self/task").flatMap((t) => readFileSync(`/proc/self/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
}

const mib = (b: number) => b / 2 ** 20;

export async function runFfi(): Promise<FfiResult> {
  Bun.gc(true);
  const rss: FfiResult["rss"] = [];
  let last = process.memoryUsage().rss;
  rss.push({ step: "fresh bun process", rssMiB: mib(last), addedMiB: 0 });
  const step = (name: string) => {
    Bun.gc(true);
    const now = process.memoryUsage().rss;
    rss.push({ step: name, rssMiB: mib(now), addedMiB: mib(now - last) });
    last = now;
  };

  const { openLibrary } = await import("../ffi/library.ts");
  step("import ffi/ (bindings, no dlopen yet)");
  const lib = openLibrary();
  step("dlopen libcordon + symbol table + ABI check");
  const api = await import("../lib/index.ts");
  step("import the whole API (lib/index.ts)");
  await import("../lib/backend/linux/sandbox.ts");
  step("import the Linux backend (plans, seccomp compiler, cgroups)");
  await api.spawn(["/bin/true"], {}, { stdin: "ignore", stdout: "ignore", stderr: "ignore" }).exited;
  step("first sandboxed spawn (watcher thread, caches)");
  const box = api.compile(FULL);
  await box.spawn(["/bin/true"], QUIET).exited;
  step("compile(fully restricted) and its first box.spawn() (one prepared sandbox: plan, views, a spare cgroup set)");
  const warm = await warmCost(api.compile);
  step(`compile(fully restricted, { warm: ${WARM_COUNT} }), made, waited for and closed (what this process kept; each waiting sandbox's memory below)`);
  await box.close();

  const sym = lib.symbols as unknown as { cordon_abi_version: () => number; cordon_linux_pidfd_send_signal: (fd: number, sig: number) => number };
  const time = (fn: () => number, iterations: number, rounds: number) => {
    const per: number[] = [];
    for (let i = 0; i < 10_000; i++) fn(); // JIT warm-up
    for (let r = 0; r < rounds; r++) {
      const s = Bun.nanoseconds();
      for (let i = 0; i < iterations; i++) fn();
      per.push((Bun.nanoseconds() - s) / iterations);
    }
    return stats(per);
  };
  const noop = () => 0;
  const badFd = 1 << 20; // never open: pidfd_send_signal → -EBADF
  if (sym.cordon_linux_pidfd_send_signal(badFd, 0) !== -9) throw new Error("expected -EBADF from pidfd_send_signal on a closed fd");
  const calls = [
    { name: "JS call of an empty function (loop overhead)", nsPerCall: time(noop, 1_000_000, 15) },
    { name: "cordon_abi_version() (no syscall)", nsPerCall: time(() => sym.cordon_abi_version(), 1_000_000, 15) },
    { name: "cordon_linux_pidfd_send_signal(bad fd, 0) → -EBADF (one syscall)", nsPerCall: time(() => sym.cordon_linux_pidfd_send_signal(badFd, 0), 200_000, 15) },
  ];
  return { calls, rss, ...(warm && { warm }) };
}

/**
 * WARM_COUNT warm sandboxes made and waiting: what this process gained, what
 * their pid 1 processes hold (RSS, and PSS: the static cordon-init's pages
 * are shared between them), and what the machine lost (MemAvailable: the
 * kernel's namespaces, mounts, cgroups and page tables included; other
 * work on the machine moves it too).
 */
async function warmCost(compile: typeof import("../lib/index.ts").compile): Promise<FfiResult["warm"]> {
  const before = new Set(children());
  const avail0 = kib(readFileSync("/proc/meminfo", "utf8"), "MemAvailable");
  Bun.gc(true);
  const rss0 = process.memoryUsage().rss;
  const box = compile(FULL, { warm: WARM_COUNT });
  try {
    await box.warmed();
    Bun.gc(true);
    const rss1 = process.memoryUsage().rss;
    const avail1 = kib(readFileSync("/proc/meminfo", "utf8"), "MemAvailable");
    const helpers = children().filter((p) => !before.has(p));
    if (helpers.length !== WARM_COUNT) return undefined;
    let rss = 0;
    let pss = 0;
    for (const p of helpers) {
      const r = readFileSync(`/proc/${p}/smaps_rollup`, "utf8");
      rss += kib(r, "Rss");
      pss += kib(r, "Pss");
    }
    return { count: WARM_COUNT, bunKiB: (rss1 - rss0) / 1024 / WARM_COUNT, helperRssKiB: rss / WARM_COUNT, helperPssKiB: pss / WARM_COUNT, systemKiB: (avail0 - avail1) / WARM_COUNT };
  } finally {
    await box.close();
  }
}

export function ffiMarkdown(r: FfiResult): string {
  const a = ["| call | median ns/call | p90 ns/call |", "| --- | ---: | ---: |"];
  for (const c of r.calls) a.push(`| ${c.name} | ${c.nsPerCall.median.toFixed(1)} | ${c.nsPerCall.p90.toFixed(1)} |`);
  const b = ["| step | RSS MiB | added MiB |", "| --- | ---: | ---: |"];
  for (const s of r.rss) b.push(`| ${s.step} | ${s.rssMiB.toFixed(1)} | ${s.addedMiB >= 0 ? "+" : ""}${s.addedMiB.toFixed(1)} |`);
  const w = r.warm;
  const c = w
    ? [
        `Per waiting warm sandbox (${w.count} made at once, fully restricted policy), KiB:`,
        "",
        "| this process | its pid 1 (cordon-init) RSS | PSS | machine (MemAvailable drop, kernel objects included) |",
        "| ---: | ---: | ---: | ---: |",
        `| ${w.bunKiB.toFixed(0)} | ${w.helperRssKiB.toFixed(0)} | ${w.helperPssKiB.toFixed(0)} | ${w.systemKiB.toFixed(0)} |`,
      ]
    : ["Warm sandboxes: not measured (none could be made here)."];
  return `${a.join("\n")}\n\n${b.join("\n")}\n\n${c.join("\n")}`;
}

if (import.meta.main) {
  const r = await runFfi();
  console.log(process.argv.includes("--json") ? JSON.stringify(r) : ffiMarkdown(r));
  process.exit(0);
}
