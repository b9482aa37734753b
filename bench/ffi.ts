// FFI: the cost of the hot calls through bun:ffi and the memory that loading
// cordon adds. Run in a fresh process so the RSS figures start clean:
//   bun bench/ffi.ts [--json]
import { stats, type Stats } from "./stats.ts";

export type FfiResult = {
  calls: { name: string; nsPerCall: Stats }[];
  rss: { step: string; rssMiB: number; addedMiB: number }[];
};

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
  return { calls, rss };
}

export function ffiMarkdown(r: FfiResult): string {
  const a = ["| call | median ns/call | p90 ns/call |", "| --- | ---: | ---: |"];
  for (const c of r.calls) a.push(`| ${c.name} | ${c.nsPerCall.median.toFixed(1)} | ${c.nsPerCall.p90.toFixed(1)} |`);
  const b = ["| step | RSS MiB | added MiB |", "| --- | ---: | ---: |"];
  for (const s of r.rss) b.push(`| ${s.step} | ${s.rssMiB.toFixed(1)} | ${s.addedMiB >= 0 ? "+" : ""}${s.addedMiB.toFixed(1)} |`);
  return `${a.join("\n")}\n\n${b.join("\n")}`;
}

if (import.meta.main) {
  const r = await runFfi();
  console.log(process.argv.includes("--json") ? JSON.stringify(r) : ffiMarkdown(r));
  process.exit(0);
}
