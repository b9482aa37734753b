// Where a sandboxed spawn's kernel time goes, syscall by syscall: the kernel's
// own tracepoints (tracefs raw_syscalls, sched_process_fork/exec/exit) for
// this process and everything it forks, over ROUNDS spawns of /bin/true from
// a compiled sandbox of the fully restricted policy, and of Bun.spawn for
// reference. Each syscall's time is its exit minus its entry on the same
// task; the spawn child's part ends at its execve (cordon-init), the
// command's at its exit. Needs root (tracefs) and perturbs what it measures
// (every syscall is traced): read the shares, not the totals.
//   bun bench/spawn-syscalls.ts      markdown on stdout
// BENCH_ROUNDS (default 50).
import { closeSync, constants, openSync, readFileSync, writeFileSync } from "node:fs";
import { SYSCALLS_AARCH64, SYSCALLS_X86_64 } from "../ffi/generated/linux-tables.ts";
import { compile } from "../lib/index.ts";
import { FULL_POLICY } from "./spawn.ts";
import { machineLine } from "./stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const T = "/sys/kernel/tracing";
const quiet = { stdin: "ignore", stdout: "ignore", stderr: "ignore" } as const;
const TRUE = ["/bin/true"];

const table: Record<string, number> = process.arch === "arm64" ? SYSCALLS_AARCH64 : SYSCALLS_X86_64;
const names = new Map(Object.entries(table).map(([n, nr]) => [nr, n]));

function traceable(): string | undefined {
  if (process.platform !== "linux") return "not Linux";
  if (process.getuid?.() !== 0) return "needs root (tracefs)";
  try {
    readFileSync(`${T}/tracing_on`);
  } catch (e) {
    return `tracefs unavailable: ${(e as Error).message}`;
  }
  return undefined;
}

const put = (file: string, value: string) => writeFileSync(`${T}/${file}`, value);
/** Empties the trace buffer: tracefs clears it on an open with O_TRUNC. */
const clear = () => closeSync(openSync(`${T}/trace`, constants.O_WRONLY | constants.O_TRUNC));

/** Traces `run` (this process and its descendants); returns the trace's lines. */
async function traced(run: () => Promise<void>): Promise<string[]> {
  put("tracing_on", "0");
  clear();
  put("buffer_size_kb", "32768");
  put("options/record-tgid", "1");
  put("set_event_pid", String(process.pid));
  put("options/event-fork", "1");
  for (const e of ["raw_syscalls/sys_enter", "raw_syscalls/sys_exit", "sched/sched_process_fork", "sched/sched_process_exec", "sched/sched_process_exit"]) put(`events/${e}/enable`, "1");
  put("tracing_on", "1");
  try {
    await run();
  } finally {
    put("tracing_on", "0");
    put("events/enable", "0");
    put("set_event_pid", "");
    put("options/event-fork", "0");
  }
  // Read while record-tgid is on: the tgid column is printed only then.
  const out = readFileSync(`${T}/trace`, "utf8").split("\n");
  put("options/record-tgid", "0");
  clear();
  return out;
}

type Role = "JS thread" | "spawn child (before its execve)" | "cordon-init" | "the command" | "other threads";
// A fork event names threads too: a task whose tgid is this process is one of its threads, never a child.
type Row = { role: Role; syscall: string; count: number; us: number };

// comm-pid (tgid) [cpu] flags timestamp: event: fields (options/record-tgid)
const line = /^\s*(.+?)-(\d+)\s+\(\s*(\d+|-+)\)\s+\[\d+\]\s+\S+\s+([\d.]+): (\w+): (.*)$/;

/** Per role and syscall: calls and µs, per spawn. */
function analyse(lines: readonly string[], rounds: number): { rows: Row[]; perRole: Map<Role, number> } {
  const forked = new Set<number>();
  const execs = new Map<number, string>();
  const pending = new Map<number, { nr: number; t: number }>();
  const acc = new Map<string, Row>();
  for (const l of lines) {
    const m = line.exec(l);
    if (!m) continue;
    const pid = Number(m[2]);
    const tgid = Number(m[3]);
    const t = Number(m[4]);
    const ev = m[5]!;
    const rest = m[6]!;
    if (ev === "sched_process_fork") {
      forked.add(Number(/child_pid=(\d+)/.exec(rest)?.[1]));
    } else if (ev === "sched_process_exec") {
      execs.set(pid, /filename=(\S+)/.exec(rest)?.[1] ?? "");
    } else if (ev === "sys_enter") {
      pending.set(pid, { nr: Number(/NR (\d+)/.exec(rest)?.[1]), t });
    } else if (ev === "sys_exit") {
      const p = pending.get(pid);
      if (!p) continue;
      pending.delete(pid);
      const exe = execs.get(pid);
      const role: Role =
        pid === process.pid ? "JS thread" : tgid === process.pid || !forked.has(pid) ? "other threads" : exe === undefined ? "spawn child (before its execve)" : exe === "/bin/true" ? "the command" : "cordon-init";
      const syscall = names.get(p.nr) ?? `#${p.nr}`;
      const key = `${role}\0${syscall}`;
      const r = acc.get(key) ?? { role, syscall, count: 0, us: 0 };
      r.count++;
      r.us += (t - p.t) * 1e6;
      acc.set(key, r);
    }
  }
  const rows = [...acc.values()].map((r) => ({ ...r, count: r.count / rounds, us: r.us / rounds }));
  const perRole = new Map<Role, number>();
  for (const r of rows) perRole.set(r.role, (perRole.get(r.role) ?? 0) + r.us);
  return { rows, perRole };
}

function markdown(title: string, a: ReturnType<typeof analyse>, wallMs: number, top = 12): string[] {
  const out = [`## ${title}`, "", `Wall clock per spawn (traced): ${wallMs.toFixed(3)} ms.`, "", "| who | µs in syscalls per spawn |", "| --- | ---: |"];
  for (const [role, us] of [...a.perRole].sort((x, y) => y[1] - x[1])) out.push(`| ${role} | ${us.toFixed(0)} |`);
  for (const role of ["JS thread", "spawn child (before its execve)"] as const) {
    const rows = a.rows.filter((r) => r.role === role).sort((x, y) => y.us - x.us).slice(0, top);
    if (rows.length === 0) continue;
    out.push("", `${role}, the costliest syscalls:`, "", "| syscall | calls per spawn | µs per spawn | µs per call |", "| --- | ---: | ---: | ---: |");
    for (const r of rows) out.push(`| ${r.syscall} | ${r.count.toFixed(1)} | ${r.us.toFixed(0)} | ${(r.us / r.count).toFixed(1)} |`);
  }
  return out;
}

async function timed(once: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) await once();
  return (performance.now() - t0) / ROUNDS;
}

const why = traceable();
if (why) {
  console.log(`spawn-syscalls bench not run: ${why}`);
  process.exit(0);
}
const box = compile(FULL_POLICY);
try {
  for (let i = 0; i < 20; i++) {
    await box.spawn(TRUE, quiet).exited;
    await Bun.spawn(TRUE, quiet).exited;
  }
  const md = [`# Syscalls of a sandboxed spawn`, "", machineLine(), "", `${ROUNDS} spawns of /bin/true each, traced through tracefs (every syscall of this process and its descendants).`, ""];
  let wall = 0;
  const cordon = analyse(await traced(async () => void (wall = await timed(() => box.spawn(TRUE, quiet).exited))), ROUNDS);
  md.push(...markdown("cordon compile(fully restricted), box.spawn() each", cordon, wall), "");
  const bun = analyse(await traced(async () => void (wall = await timed(() => Bun.spawn(TRUE, quiet).exited))), ROUNDS);
  md.push(...markdown("Bun.spawn (reference)", bun, wall, 6));
  console.log(md.join("\n"));
} finally {
  await box.close();
}
process.exit(0);
