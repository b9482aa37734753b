// seccomp filter costs measured where they happen, inside the child, by a
// small Zig program (bench/seccomp-loop.zig, built here with `zig build-exe`):
//  - install: the seccomp(SECCOMP_SET_MODE_FILTER) call itself, timed with the
//    monotonic clock around the raw syscall, one fresh process per sample;
//  - per call: loops of raw syscalls in the same process before and after
//    the install; the difference is the filter's cost. getppid is allowed by
//    every filter, so the kernel's action cache answers it without running
//    BPF; ioctl(FIONREAD) runs an argument check under ipc-isolation (a
//    cached allow in the number-only filters); keyctl is refused by every
//    filter, refusals are never cached, and its refused cost compared across
//    filters is the BPF path (linear scan vs binary search).
// On a shared VM the per-call figures are noisy; the medians over rounds are
// what to read, and differences under ~20 ns are within the noise.
// Compared: cordon's compiled presets against a linear filter (arch check,
// one jeq per syscall number) over the same syscalls.
//   bun bench/seccomp.ts [--json]     BENCH_ROUNDS (default 15), BENCH_CALLS (default 200000), ZIG
import {
  type Arch,
  AUDIT_ARCH,
  compileSeccomp,
  HARDENING,
  IPC_ISOLATION,
  NO_NETWORK,
  presetPolicy,
  PRESET_NAMES,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  syscallNumber,
  X32_SYSCALL_BIT,
} from "../lib/plan/linux/seccomp/index.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stats, type Stats } from "./stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CALLS = Number(process.env.BENCH_CALLS ?? 200_000);
const INSTALLS = 20; // fresh processes per filter per round

const arch: Arch | undefined = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : undefined;

/** Linear deny-list: ld arch; jeq or kill; ld nr; [x32 → kill]; per number: jeq → EPERM; allow. */
function linearFilter(a: Arch, numbers: readonly number[]): Uint8Array {
  const prog: [number, number, number, number][] = [
    [0x20, 0, 0, 4],
    [0x15, 1, 0, AUDIT_ARCH[a]],
    [0x06, 0, 0, SECCOMP_RET_KILL_PROCESS],
    [0x20, 0, 0, 0],
  ];
  if (a === "x86_64") prog.push([0x35, 0, 1, X32_SYSCALL_BIT], [0x06, 0, 0, SECCOMP_RET_KILL_PROCESS]);
  for (const nr of numbers) prog.push([0x15, 0, 1, nr], [0x06, 0, 0, SECCOMP_RET_ERRNO | 1]);
  prog.push([0x06, 0, 0, SECCOMP_RET_ALLOW]);
  const out = new Uint8Array(prog.length * 8);
  const v = new DataView(out.buffer);
  prog.forEach(([code, jt, jf, k], i) => {
    v.setUint16(i * 8, code, true);
    v.setUint8(i * 8 + 2, jt);
    v.setUint8(i * 8 + 3, jf);
    v.setUint32(i * 8 + 4, k >>> 0, true);
  });
  return out;
}

type Filter = { name: string; bytes: Uint8Array };

const PIN = Bun.which("taskset") ? ["taskset", "-c", "0"] : [];

/** Builds bench/seccomp-loop.zig once; returns the executable's path. */
function buildLoop(): string {
  const dir = mkdtempSync(join(tmpdir(), "cordon-seccomp-bench-"));
  const exe = join(dir, "seccomp-loop");
  const zig = process.env.ZIG ?? "zig";
  const p = Bun.spawnSync([zig, "build-exe", "-O", "ReleaseFast", join(import.meta.dir, "seccomp-loop.zig"), `-femit-bin=${exe}`], { cwd: dir, stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`zig build-exe failed: ${p.stderr.toString()}`);
  return exe;
}

type Sample = { installNs: number; getppid0: number; ioctl0: number; getppid: number; keyctl: number; ioctl: number };

function sample(exe: string, f: Filter, calls: number): Sample {
  const hex = f.bytes.length ? Buffer.from(f.bytes).toString("hex") : "-";
  // One CPU for every sample, where taskset exists: less migration noise.
  const p = Bun.spawnSync([...PIN, exe, hex, "0", String(calls)], { stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`seccomp-loop failed under ${f.name}: ${p.stderr.toString()}`);
  return JSON.parse(p.stdout.toString()) as Sample;
}

export type SeccompBenchRow = { name: string; instructions: number; installUs: Stats; perCallNs: Record<string, Stats> };

export function runSeccompBench(log: (s: string) => void = () => {}): { arch: Arch; rows: SeccompBenchRow[] } {
  if (!arch) throw new Error(`no seccomp filters for ${process.arch}`);
  const numbersOf = (names: readonly string[]) =>
    [...new Set(names)].map((n) => syscallNumber(arch, n)).filter((n): n is number => n !== undefined);
  const sandbox = [...NO_NETWORK, ...IPC_ISOLATION, ...HARDENING];
  // A number-only filter cannot express socket()/ioctl() argument checks: it leaves them out.
  const linearNames = sandbox.map((r) => r.syscall).filter((n) => n !== "socket" && n !== "ioctl");
  const filters: Filter[] = [
    { name: "no filter", bytes: new Uint8Array() },
    // The kernel's floor: the cheapest filter there is.
    { name: "return ALLOW only", bytes: linearFilter(arch, []).subarray(-8) },
    { name: `linear: hardening's ${numbersOf(HARDENING.map((r) => r.syscall)).length} syscalls`, bytes: linearFilter(arch, numbersOf(HARDENING.map((r) => r.syscall))) },
    { name: "cordon: hardening", bytes: compileSeccomp(presetPolicy(["hardening"]), arch).filter },
    { name: `linear: sandbox's ${numbersOf(linearNames).length} syscalls (no argument checks)`, bytes: linearFilter(arch, numbersOf(linearNames)) },
    { name: "cordon: no-network + ipc-isolation + hardening", bytes: compileSeccomp({ defaultAction: "allow", rules: sandbox }, arch).filter },
    { name: `cordon: all presets (${PRESET_NAMES.join(", ")})`, bytes: compileSeccomp(presetPolicy([...PRESET_NAMES]), arch).filter },
  ];
  const exe = buildLoop();
  const install = new Map<string, number[]>(filters.map((f) => [f.name, []]));
  const per = new Map<string, Record<string, number[]>>(filters.map((f) => [f.name, { getppid: [], keyctl: [], ioctl: [] }]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      log(`seccomp bench: round ${round + 1}/${ROUNDS}`);
      for (const f of filters) {
        for (let i = 0; i < INSTALLS; i++) install.get(f.name)!.push(sample(exe, f, 1000).installNs / 1000);
        const s = sample(exe, f, CALLS);
        const row = per.get(f.name)!;
        row.getppid!.push(s.getppid - s.getppid0);
        row.ioctl!.push(s.ioctl - s.ioctl0);
        row.keyctl!.push(s.keyctl);
      }
    }
  } finally {
    rmSync(dirname(exe), { recursive: true, force: true });
  }
  const rows = filters.map((f) => ({
    name: f.name,
    instructions: f.bytes.length / 8,
    installUs: stats(install.get(f.name)!),
    perCallNs: Object.fromEntries(Object.entries(per.get(f.name)!).map(([k, v]) => [k, stats(v)])),
  }));
  return { arch, rows };
}

export function seccompBenchMarkdown(r: { arch: Arch; rows: SeccompBenchRow[] }): string {
  const none = r.rows[0]!;
  const ns = (x: Stats) => x.median.toFixed(1);
  const lines = [
    `${r.arch}; medians over ${ROUNDS} rounds (${INSTALLS} installs and one loop pair of ${CALLS} calls per filter per round).`,
    "getppid and ioctl: ns per call after the install minus before it, same process. keyctl: ns per refused call (the no-filter row runs the real keyctl).",
    "",
    "| filter | insns | install µs (p90) | getppid (cached allow) | ioctl FIONREAD | keyctl refused |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of r.rows) {
    const p = row.perCallNs;
    const install = row === none ? "–" : `${row.installUs.median.toFixed(1)} (${row.installUs.p90.toFixed(1)})`;
    lines.push(`| ${row.name} | ${row.instructions} | ${install} | ${ns(p.getppid!)} | ${ns(p.ioctl!)} | ${ns(p.keyctl!)} |`);
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const r = runSeccompBench((s) => console.error(s));
  console.log(process.argv.includes("--json") ? JSON.stringify(r) : seccompBenchMarkdown(r));
}
