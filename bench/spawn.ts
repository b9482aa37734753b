// Spawn-to-exit of /bin/true from Bun, median over hundreds of spawns, every
// variant in the same run and interleaved in rounds: Bun.spawn, cordon's bare
// spawnLinux unrestricted, cordon's full sandbox (lib/spawn.ts), and the peers a
// user would pick instead (bubblewrap, firejail, sandbox-runtime as library
// and CLI). Then where the time of the fully restricted spawn goes, phase by
// phase, and which child-side mechanism costs what.
//   bun bench/spawn.ts            markdown on stdout
//   bun bench/spawn.ts --json     for bench/run.ts
// BENCH_ROUNDS (default 30) rounds; fast variants run 10 times a round.
import { rmSync } from "node:fs";
import { CLONE_NEW } from "../ffi/linux-spawn.ts";
import { closeFd } from "../ffi/linux.ts";
import { SandboxCgroup } from "../lib/backend/linux/cgroup/sandbox-cgroup.ts";
import { prepareLandlock } from "../lib/backend/linux/landlock.ts";
import { spentNetns, takeNetns } from "../lib/backend/linux/netns-pool.ts";
import { privateRootView } from "../lib/backend/linux/private-root.ts";
import { initPath, LinuxState, sandboxHost, sandboxSpawn } from "../lib/backend/linux/sandbox.ts";
import { spawnLinux } from "../lib/backend/linux/spawn.ts";
import { probeContainmentHost } from "../lib/backend/linux/tree-kill.ts";
import { planContainment } from "../lib/plan/linux/containment.ts";
import { bestEffortRights, coveredElsewhere, planSandbox, type SandboxHost } from "../lib/plan/linux/sandbox.ts";
import type { Policy } from "../lib/policy/types.ts";
import { resolvePolicy } from "../lib/resolve-policy.ts";
import { compile, spawn } from "../lib/spawn.ts";
import { commandPeers, loadSrt, srtCli, srtMissing, srtSettings, type SrtManager } from "./peers/index.ts";
import { fmt, interleave, ratio, stats, type Stats, type Variant } from "./stats.ts";

/** /bin/true in a network namespace made ahead by the pool, as executeLinux does: the fd closed right after the spawn call. */
function pooledNetns(): Promise<number> {
  const fd = takeNetns("plain");
  try {
    return spawnLinux(TRUE, { ...quiet, ...(fd === undefined ? { cloneNamespaces: CLONE_NEW.NET } : { joinNetns: fd }) }).exited;
  } finally {
    if (fd !== undefined) spentNetns(fd, "plain");
  }
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const TRUE = ["/bin/true"];
const quiet = { stdin: "ignore", stdout: "ignore", stderr: "ignore" } as const;

/** What "fully restricted" means here: landlock + seccomp + rlimits + a fresh cgroup set (limits) + tree kill. */
export const FULL_POLICY: Policy = {
  limits: { memory: 256 * 2 ** 20, pids: 64, openFiles: 1024, fileSize: 2 ** 30 },
};

export type SpawnRow = { name: string; notRun?: string; stats?: Stats };
export type PhaseRow = { phase: string; stats: Stats };
export type SpawnResult = { rows: SpawnRow[]; phases: PhaseRow[]; ablation: SpawnRow[]; guarantees: string[] };

const bunSpawn = (argv: readonly string[], env?: Record<string, string | undefined>) =>
  Bun.spawn([...argv], { stdio: ["ignore", "ignore", "ignore"], ...(env ? { env } : {}) }).exited;

/**
 * One fully restricted spawn through the real sandboxSpawn() of
 * lib/backend/linux/sandbox.ts, with a clock read at each phase it reports
 * (SPAWN_PHASES); policy resolution and the TMPDIR removal are lib/spawn.ts's
 * steps around it.
 */
/** What the instrumented spawns keep across calls, as one-shot spawn() does (the plan of the policy's shape, the views). */
const instrumentedState = new LinuxState();

export async function instrumentedSandboxSpawn(policy: Policy, out: Map<string, number[]>): Promise<void> {
  const marks: [string, number][] = [];
  let t = performance.now();
  const start = t;
  const mark = (phase: string) => {
    const now = performance.now();
    marks.push([phase, now - t]);
    t = now;
  };
  const { policy: resolved, cleanup } = resolvePolicy(policy);
  mark("policy: validate, real paths, private TMPDIR");
  const { proc } = sandboxSpawn(TRUE, resolved, quiet, mark, instrumentedState);
  await proc.exited;
  cleanup();
  mark("back on the caller after exited (waits behind other work under load), private TMPDIR removal");
  for (const [p, d] of marks) out.get(p)?.push(d) ?? out.set(p, [d]);
  out.get("total (instrumented)")?.push(t - start) ?? out.set("total (instrumented)", [t - start]);
}

export function seccompHost(): SandboxHost {
  return sandboxHost();
}

export async function runSpawn(log: (s: string) => void = () => {}): Promise<SpawnResult> {
  const rows: SpawnRow[] = [];
  const variants: Variant[] = [];
  const add = (name: string, once: () => Promise<unknown>, perRound = 10, before?: () => Promise<unknown>) => {
    variants.push({ name, once, perRound, ...(before && { before }) });
    rows.push({ name });
  };
  const skip = (name: string, notRun: string) => rows.push({ name, notRun });

  // What the full sandbox enforces here, for the table's footnote.
  const probe = spawn(TRUE, FULL_POLICY, quiet);
  await probe.exited;
  const guarantees = probe.report.guarantees.map((g) => `${g.guarantee}: ${g.status} (${g.by.join(", ")})`);

  add("Bun.spawn", () => bunSpawn(TRUE));
  add("cordon bare spawnLinux (formerly spine), unrestricted", () => spawnLinux(TRUE, { ...quiet, newSession: false, noNewPrivs: false, parentDeathSignal: 0 }).exited);
  add("cordon spawn(), default policy (landlock + seccomp + namespaces + tree kill)", () => spawn(TRUE, {}, quiet).exited);
  add("cordon spawn(), fully restricted (default + rlimits + fresh cgroup set with limits)", () => spawn(TRUE, FULL_POLICY, quiet).exited);
  // Compiled once, spawned many times: what issue "prepared sandboxes" builds on.
  const box = compile(FULL_POLICY);
  add("cordon compile(), fully restricted, box.spawn() each", () => box.spawn(TRUE, quiet).exited);
  // Warm, fully restricted: each spawn takes a sandbox made ahead; its replacement is made on the event loop meanwhile (inside the clock).
  const warmBox = compile(FULL_POLICY, { warm: 8 });
  await warmBox.warmed();
  add("cordon compile(), fully restricted, { warm: 8 }, box.spawn() each (refill in the background)", () => warmBox.spawn(TRUE, quiet).exited);
  // Warm as the goal means it: a sandbox made ahead is waiting at each spawn (the refill is awaited before the clock starts).
  const readyBox = compile(FULL_POLICY, { warm: 1 });
  add("cordon compile(), fully restricted, { warm: 1 }, a sandbox ready at each spawn (refill outside the clock)", () => readyBox.spawn(TRUE, quiet).exited, 10, () => readyBox.warmed());
  // The same steps with a clock between them, in the same rounds: the phase breakdown below.
  const sh = seccompHost();
  const phaseSamples = new Map<string, number[]>();
  add("(the fully restricted spawn again, with a clock read at each phase)", () => instrumentedSandboxSpawn(FULL_POLICY, phaseSamples));
  for (const p of commandPeers()) {
    if ("notRun" in p) skip(p.name, p.notRun);
    else add(p.name, () => bunSpawn(p.argv), p.name.startsWith("firejail") ? 2 : 5);
  }

  const srtLibName = "srt library (wrapWithSandboxArgv + Bun.spawn)";
  const srtPreName = "srt library, argv wrapped once (Bun.spawn only)";
  let srt: SrtManager | undefined;
  const settings = srtSettings();
  const missing = srtMissing();
  if (missing) {
    skip(srtLibName, missing);
    skip(srtPreName, missing);
  } else {
    try {
      srt = await loadSrt();
      await srt.initialize(settings.config);
      const wrap = () => srt!.wrapWithSandboxArgv("/bin/true", undefined, undefined, undefined, settings.scratch);
      const pre = await wrap();
      const check = await Bun.spawn(pre.argv, { env: pre.env, cwd: settings.scratch, stdio: ["ignore", "ignore", "pipe"] });
      if ((await check.exited) !== 0) throw new Error(`wrapped /bin/true exits ${check.exitCode}: ${(await new Response(check.stderr).text()).slice(0, 120)}`);
      const spawnWrapped = (w: { argv: string[]; env: Record<string, string | undefined> }) =>
        Bun.spawn(w.argv, { env: w.env, cwd: settings.scratch, stdio: ["ignore", "ignore", "ignore"] }).exited;
      add(srtLibName, async () => spawnWrapped(await wrap()), 1);
      add(srtPreName, () => spawnWrapped(pre), 1);
    } catch (e) {
      skip(srtLibName, `srt library fails here: ${(e as Error).message.slice(0, 160)}`);
      skip(srtPreName, "as above");
    }
  }
  const cli = srtCli(settings.file);
  // The CLI takes ~0.3-0.5 s a run: a third of the rounds, one run each.
  let cliRound = 0;
  if ("notRun" in cli) skip(cli.name, cli.notRun);
  else add(cli.name, () => (cliRound++ % 3 === 0 ? bunSpawn(cli.argv) : Promise.resolve()), 1);

  const samples = await interleave(variants, ROUNDS, 3, (r) => log(`spawn: round ${r + 1}/${ROUNDS}`));
  box.close();
  await warmBox.close();
  await readyBox.close();
  // Warm-up runs of the phase-timed copy are not samples.
  for (const t of phaseSamples.values()) t.splice(0, 3);
  // The skipped CLI turns are not samples: keep the measured ones (> 1 ms).
  if (!("notRun" in cli)) samples.set(cli.name, samples.get(cli.name)!.filter((x) => x > 1));
  for (const r of rows) if (!r.notRun) r.stats = stats(samples.get(r.name)!);
  if (srt) await srt.reset().catch(() => {});
  rmSync(settings.scratch, { recursive: true, force: true });

  const phases = [...phaseSamples].map(([phase, t]) => ({ phase, stats: stats(t) }));

  // Child-side mechanisms one at a time through the bare spawnLinux (spawn-to-exit each).
  log("spawn: child-side ablation");
  const { policy: resolved, cleanup } = resolvePolicy({});
  const plan = planSandbox(resolved, sh);
  // As the sandbox does: rights another mechanism covers here are best-effort for landlock (e.g. ABI 9-10 rights on an ABI 7 kernel).
  const coveredRights = bestEffortRights(coveredElsewhere(resolved, sh, plan));
  const landlockOptions = { compat: { default: resolved.compat, rights: coveredRights } };
  const landlock = prepareLandlock(resolved, landlockOptions);
  const host = probeContainmentHost();
  const containment = planContainment({ ...resolved, limits: FULL_POLICY.limits! }, host);
  const ll = landlock.rulesetFd !== undefined ? { landlock: { rulesetFd: landlock.rulesetFd, restrictFlags: landlock.restrictFlags } } : {};
  const sc = plan.seccomp ? { seccomp: { filter: plan.seccomp.filter, flags: 0 } } : {};
  const view = privateRootView(resolved.fs.read, resolved.fs.write, resolved.cwd, true);
  const init = initPath();
  const noNs = planSandbox(resolved, { ...sh, namespaces: "none", procfs: false, netns: false });
  const scNoNs = noNs.seccomp ? { seccomp: { filter: noNs.seccomp.filter, flags: 0 } } : {};
  const ablation: Variant[] = [
    { name: "Bun.spawn (reference)", once: () => bunSpawn(TRUE), perRound: 10 },
    { name: "bare spawnLinux, unrestricted", once: () => spawnLinux(TRUE, { ...quiet, newSession: false, noNewPrivs: false, parentDeathSignal: 0 }).exited, perRound: 10 },
    { name: "spawnLinux defaults (setsid, no_new_privs, pdeathsig) + rlimits", once: () => spawnLinux(TRUE, { ...quiet, rlimits: containment.rlimits }).exited, perRound: 10 },
    { name: "+ landlock restrict_self (ruleset built once)", once: () => spawnLinux(TRUE, { ...quiet, rlimits: containment.rlimits, ...ll }).exited, perRound: 10 },
    { name: "+ seccomp filter (compiled once)", once: () => spawnLinux(TRUE, { ...quiet, rlimits: containment.rlimits, ...sc }).exited, perRound: 10 },
    { name: "+ landlock + seccomp", once: () => spawnLinux(TRUE, { ...quiet, rlimits: containment.rlimits, ...ll, ...sc }).exited, perRound: 10 },
    { name: "+ CLONE_NEWIPC", once: () => spawnLinux(TRUE, { ...quiet, cloneNamespaces: CLONE_NEW.IPC }).exited, perRound: 10 },
    { name: "+ CLONE_NEWPID", once: () => spawnLinux(TRUE, { ...quiet, cloneNamespaces: CLONE_NEW.PID }).exited, perRound: 10 },
    { name: "+ CLONE_NEWNET", once: () => spawnLinux(TRUE, { ...quiet, cloneNamespaces: CLONE_NEW.NET }).exited, perRound: 10 },
    { name: "+ network namespace joined from the pool (clone3 makes one when none is ready)", once: () => pooledNetns(), perRound: 10 },
    { name: "+ CLONE_NEWPID + CLONE_NEWNS + fresh /proc", once: () => spawnLinux(TRUE, { ...quiet, cloneNamespaces: CLONE_NEW.PID | CLONE_NEW.NS, mountProc: true }).exited, perRound: 10 },
    {
      name: `+ CLONE_NEWPID + CLONE_NEWNS + private root (tmpfs, ${view.length} entries for the default grants) + fresh /proc`,
      once: () => spawnLinux(TRUE, { ...quiet, cloneNamespaces: CLONE_NEW.PID | CLONE_NEW.NS, mountProc: true, privateRoot: view }).exited,
      perRound: 10,
    },
  ];
  if (init) {
    const withInit = privateRootView([...resolved.fs.read, init], resolved.fs.write, resolved.cwd, true);
    ablation.push({
      name: "+ the same with cordon-init as pid 1 (reaper; the spawn returns once the command was exec'd)",
      once: () => spawnLinux(TRUE, { ...quiet, cloneNamespaces: CLONE_NEW.PID | CLONE_NEW.NS, mountProc: true, privateRoot: withInit, init }).exited,
      perRound: 10,
    });
  }
  if (containment.cgroups) {
    const plan2 = containment.cgroups;
    ablation.push({
      name: "+ born into a fresh cgroup set (create + spawn + destroy)",
      once: async () => {
        const c = SandboxCgroup.create(host.cgroups, plan2);
        try {
          await spawnLinux(TRUE, { ...quiet, ...(c.cgroupFd !== undefined ? { cgroupFd: c.cgroupFd } : {}), ...(c.cgroupProcsFds.length ? { cgroupProcsFds: c.cgroupProcsFds } : {}) }).exited;
        } finally {
          c.destroy();
        }
      },
      perRound: 10,
    });
    // The issue's "fully restricted" set and nothing else, everything made per
    // spawn as the sandbox does, but no namespaces, no private root, no
    // cordon-init and no policy resolution: what cordon runs on a host where
    // namespaces cannot be created (a container's seccomp profile).
    ablation.push({
      name: "landlock (ruleset built per spawn) + seccomp + rlimits + fresh cgroup set with limits + tree check, no namespaces",
      once: async () => {
        const rules = prepareLandlock(resolved, landlockOptions);
        const c = SandboxCgroup.create(host.cgroups, plan2);
        try {
          const p = spawnLinux(TRUE, {
            ...quiet,
            rlimits: containment.rlimits,
            dropCapabilities: true,
            ...(rules.rulesetFd !== undefined ? { landlock: { rulesetFd: rules.rulesetFd, restrictFlags: rules.restrictFlags } } : {}),
            ...scNoNs,
            ...(c.cgroupFd !== undefined ? { cgroupFd: c.cgroupFd } : {}),
            ...(c.cgroupProcsFds.length ? { cgroupProcsFds: c.cgroupProcsFds } : {}),
          });
          if (rules.rulesetFd !== undefined) closeFd(rules.rulesetFd);
          await p.exited;
          if (c.populated()) throw new Error("the tree outlived /bin/true");
        } finally {
          c.destroy();
        }
      },
      perRound: 10,
    });
  }
  const abl = await interleave(ablation, Math.max(10, Math.floor(ROUNDS / 2)), 3);
  if (landlock.rulesetFd !== undefined) closeFd(landlock.rulesetFd);
  cleanup();
  return { rows, phases, ablation: [...abl].map(([name, t]) => ({ name, stats: stats(t) })), guarantees };
}

export function spawnMarkdown(r: SpawnResult): string {
  const base = r.rows[0]!.stats!.median;
  const out = ["| variant | n | median ms | p90 ms | median / Bun.spawn |", "| --- | ---: | ---: | ---: | ---: |"];
  for (const row of r.rows) {
    if (row.notRun || !row.stats) out.push(`| ${row.name} | – | – | – | not run: ${row.notRun} |`);
    else out.push(`| ${row.name} | ${row.stats.n} | ${fmt(row.stats.median)} | ${fmt(row.stats.p90)} | ${ratio(row.stats.median, base)} |`);
  }
  return out.join("\n");
}

export function phasesMarkdown(r: SpawnResult): string {
  const total = r.phases.find((p) => p.phase.startsWith("total"))?.stats.median ?? Number.NaN;
  const out = ["| phase of one fully restricted spawn | median ms | p90 ms | share of total median |", "| --- | ---: | ---: | ---: |"];
  for (const p of r.phases) out.push(`| ${p.phase} | ${fmt(p.stats.median)} | ${fmt(p.stats.p90)} | ${p.phase.startsWith("total") ? "" : `${((p.stats.median / total) * 100).toFixed(0)}%`} |`);
  return out.join("\n");
}

export function ablationMarkdown(r: SpawnResult): string {
  const bun = r.ablation.find((a) => a.name.startsWith("Bun.spawn"))!.stats!.median;
  const base = r.ablation.find((a) => a.name.startsWith("bare spawnLinux, unrestricted"))!.stats!.median;
  const out = ["| bare spawnLinux of /bin/true with | median ms | p90 ms | minus unrestricted (ms) | median / Bun.spawn |", "| --- | ---: | ---: | ---: | ---: |"];
  for (const a of r.ablation) out.push(`| ${a.name} | ${fmt(a.stats!.median)} | ${fmt(a.stats!.p90)} | ${a.name.startsWith("Bun.spawn") ? "–" : fmt(a.stats!.median - base)} | ${ratio(a.stats!.median, bun)} |`);
  return out.join("\n");
}

if (import.meta.main) {
  const r = await runSpawn((s) => console.error(s));
  if (process.argv.includes("--json")) console.log(JSON.stringify(r));
  else console.log([spawnMarkdown(r), phasesMarkdown(r), ablationMarkdown(r)].join("\n\n"));
  process.exit(0);
}
