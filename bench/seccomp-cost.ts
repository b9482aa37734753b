// seccomp: what cordon's filters cost, against a plain linear filter over the
// same syscalls. Each filter is installed by the bare spawnLinux in a child:
//  - compile: compileSeccomp() in TypeScript, per policy;
//  - install: CPU time of a child that installs the filter and execs
//    /bin/true, minus the same child without a filter (child CPU time is
//    steadier than wall time on a shared machine);
//  - per syscall: `dd bs=1` from /dev/zero to /dev/null (one read + one write
//    per byte) under each filter, child CPU time / syscalls, minus no filter.
// Filters that decide a syscall by its number alone are answered from the
// kernel's per-filter action cache (Linux >= 5.11) without running the BPF.
//   bun bench/seccomp-cost.ts [--json]      (BENCH_SECCOMP_BYTES, BENCH_ROUNDS)
import { spawnLinux } from "../lib/backend/linux/spawn.ts";
import {
  AUDIT_ARCH,
  compileSeccomp,
  HARDENING,
  IPC_ISOLATION,
  NO_NETWORK,
  PRESETS,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  syscallNumber,
  X32_SYSCALL_BIT,
  type Arch,
  type Rule,
} from "../lib/plan/linux/seccomp/index.ts";
import { stats, type Stats } from "./stats.ts";

const BYTES = Number(process.env.BENCH_SECCOMP_BYTES ?? 300_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const quiet = { stdin: "ignore", stdout: "ignore", stderr: "ignore" } as const;

export type SeccompRow = { name: string; instructions: number; compileUs?: Stats; installUs?: Stats; perSyscallNs?: Stats };
export type SeccompResult = { arch: string; bytes: number; rows: SeccompRow[]; noFilterSyscallNs: Stats; noFilterTrueUs: Stats };

/** A classic BPF denylist: arch check, then one jeq per syscall number, default allow. */
function linearFilter(arch: Arch, numbers: readonly number[]): Uint8Array {
  const LD_ABS = 0x20, JEQ = 0x15, JGE = 0x35, RET = 0x06;
  const prog: [number, number, number, number][] = [
    [LD_ABS, 0, 0, 4], // seccomp_data.arch
    [JEQ, 1, 0, AUDIT_ARCH[arch]],
    [RET, 0, 0, SECCOMP_RET_KILL_PROCESS],
    [LD_ABS, 0, 0, 0], // seccomp_data.nr
  ];
  if (arch === "x86_64") prog.push([JGE, 0, 1, X32_SYSCALL_BIT], [RET, 0, 0, SECCOMP_RET_KILL_PROCESS]);
  for (const nr of numbers) prog.push([JEQ, 0, 1, nr], [RET, 0, 0, SECCOMP_RET_ERRNO | 1]);
  prog.push([RET, 0, 0, SECCOMP_RET_ALLOW]);
  const bytes = new Uint8Array(prog.length * 8);
  const view = new DataView(bytes.buffer);
  prog.forEach(([code, jt, jf, k], i) => {
    view.setUint16(i * 8, code, true);
    view.setUint8(i * 8 + 2, jt);
    view.setUint8(i * 8 + 3, jf);
    view.setUint32(i * 8 + 4, k >>> 0, true);
  });
  return bytes;
}

const cpuUs = (p: ReturnType<typeof spawnLinux>) => Number(p.resourceUsage()?.cpuTime.total ?? Number.NaN);

export async function runSeccomp(log: (s: string) => void = () => {}): Promise<SeccompResult> {
  const arch: Arch | undefined = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : undefined;
  if (!arch) throw new Error(`no seccomp filters for ${process.arch}`);
  type F = { name: string; filter?: Uint8Array; instructions: number; compileUs?: Stats };
  const compiled = (name: string, rules: readonly Rule[]): F => {
    const t: number[] = [];
    let f = compileSeccomp({ defaultAction: "allow", rules }, arch);
    for (let i = 0; i < 200; i++) {
      const s = performance.now();
      f = compileSeccomp({ defaultAction: "allow", rules }, arch);
      t.push((performance.now() - s) * 1000);
    }
    return { name, filter: f.filter, instructions: f.instructions, compileUs: stats(t) };
  };
  const sandboxRules = [...NO_NETWORK, ...IPC_ISOLATION, ...HARDENING];
  const names = [...new Set(sandboxRules.map((r) => r.syscall))];
  const numbers = names.map((n) => syscallNumber(arch, n)).filter((n): n is number => n !== undefined);
  const linear = linearFilter(arch, numbers);
  const filters: F[] = [
    { name: "no filter", instructions: 0 },
    { name: "return ALLOW only", filter: linearFilter(arch, []).subarray(-8), instructions: 1 },
    { name: `linear denylist of the sandbox's ${numbers.length} syscalls (no argument checks)`, filter: linear, instructions: linear.length / 8 },
    compiled("cordon sandbox filter (no-network + ipc-isolation + hardening)", sandboxRules),
    ...Object.entries(PRESETS).map(([name, rules]) => compiled(`cordon preset ${name}`, rules)),
  ];

  // Install: /bin/true under each filter (child CPU time), interleaved.
  log("seccomp: install cost");
  const installs = new Map<string, number[]>(filters.map((f) => [f.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const f of filters) {
      for (let i = 0; i < 5; i++) {
        const p = spawnLinux(["/bin/true"], { ...quiet, ...(f.filter ? { seccomp: { filter: f.filter, flags: 0 } } : {}) });
        await p.exited;
        if (r > 0) installs.get(f.name)!.push(cpuUs(p));
      }
    }
  }
  // Per syscall: dd bs=1 under each filter.
  log("seccomp: per-syscall overhead");
  const syscalls = 2 * BYTES;
  const per = new Map<string, number[]>(filters.map((f) => [f.name, []]));
  const ddRounds = Math.max(5, Math.floor(ROUNDS / 4));
  for (let r = 0; r < ddRounds; r++) {
    for (const f of filters) {
      const p = spawnLinux(["dd", "if=/dev/zero", "of=/dev/null", "bs=1", `count=${BYTES}`, "status=none"], {
        ...quiet,
        ...(f.filter ? { seccomp: { filter: f.filter, flags: 0 } } : {}),
      });
      if ((await p.exited) !== 0) throw new Error(`dd under ${f.name} exited ${p.exitCode}`);
      per.get(f.name)!.push((cpuUs(p) * 1000) / syscalls);
    }
  }
  const noTrue = stats(installs.get("no filter")!);
  const noSys = stats(per.get("no filter")!);
  const rows: SeccompRow[] = filters.slice(1).map((f) => ({
    name: f.name,
    instructions: f.instructions,
    ...(f.compileUs ? { compileUs: f.compileUs } : {}),
    installUs: stats(installs.get(f.name)!),
    perSyscallNs: stats(per.get(f.name)!),
  }));
  return { arch, bytes: BYTES, rows, noFilterSyscallNs: noSys, noFilterTrueUs: noTrue };
}

export function seccompMarkdown(r: SeccompResult): string {
  const out = [
    `Child CPU time, medians. /bin/true without a filter: ${r.noFilterTrueUs.median.toFixed(0)} µs; a read or write syscall without a filter: ${r.noFilterSyscallNs.median.toFixed(0)} ns (${r.arch}, dd of ${r.bytes} bytes, bs=1).`,
    "",
    "| filter | BPF insns | compile µs (TS) | install µs (CPU, minus no filter) | per syscall ns | minus no filter ns |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const x of r.rows) {
    out.push(
      `| ${x.name} | ${x.instructions} | ${x.compileUs ? x.compileUs.median.toFixed(0) : "–"} | ${(x.installUs!.median - r.noFilterTrueUs.median).toFixed(0)} | ${x.perSyscallNs!.median.toFixed(0)} | ${(x.perSyscallNs!.median - r.noFilterSyscallNs.median).toFixed(0)} |`,
    );
  }
  return out.join("\n");
}

if (import.meta.main) {
  const r = await runSeccomp((s) => console.error(s));
  console.log(process.argv.includes("--json") ? JSON.stringify(r) : seccompMarkdown(r));
  process.exit(0);
}
