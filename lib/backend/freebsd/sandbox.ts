// The FreeBSD backend. This process becomes a procctl(2) reaper once; every
// sandbox is then one reaper subtree (its id is the launcher's pid), so
// PROC_REAP_KILL with REAPER_KILL_SUBTREE ends exactly that tree, orphans and
// setsid escapees included. The cordon-exec launcher does the child-side
// steps (session, rlimits, uid) and execs the command; Bun owns the process.
import { launcherPath, racctProbe, rctlAddRule, rctlRemoveRule, reapAcquire, reapKillSubtree, reapOrphans } from "../../../ffi/freebsd.ts";
import { launcherArgv, planFreebsd, type FreebsdPlan } from "../../plan/freebsd/index.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { Report } from "../../report.ts";
import { sandboxedView, startSandbox, stdioOnly, timeoutClock, type BackendStdio, type SandboxBackend, type SandboxSpawn, type SandboxStdioOptions } from "../contract.ts";

const SIGKILL = 9;
/** How often adopted orphans that exited are reaped while sandboxes run. */
const REAP_MS = 100;

let reaper = false;
let running = 0;
let reapTimer: ReturnType<typeof setInterval> | undefined;

function becomeReaper(): void {
  if (reaper) return;
  reapAcquire();
  reaper = true;
}

type FreebsdHost = Parameters<typeof planFreebsd>[1];

/** The plan and the policy it is of. */
type Plan = { readonly policy: ResolvedPolicy; readonly freebsd: FreebsdPlan };

export const backend: SandboxBackend<FreebsdHost, Plan, undefined> = {
  host() {
    const callerUid = process.getuid?.();
    return { root: callerUid === 0, racct: racctProbe() === 0, ...(callerUid === undefined ? {} : { callerUid }) };
  },
  state: () => undefined,
  plan(policy, host) {
    const freebsd = planFreebsd(policy, host);
    return { plan: { policy, freebsd }, report: { platform: "freebsd", compat: policy.compat, guarantees: freebsd.report } };
  },
  execute: (plan, argv, file, stdio) => executeFreebsd(plan, argv, file, stdio),
};

/** One sandboxed spawn of a resolved policy (the one-shot steps, without lib/spawn.ts's options). */
export function sandboxSpawn(argv: readonly string[], policy: ResolvedPolicy, stdio: SandboxStdioOptions = {}): SandboxSpawn {
  return startSandbox(backend, argv, policy, stdio, { state: undefined });
}

function executeFreebsd({ policy, freebsd: plan }: Plan, argv: readonly string[], file: string, stdio: BackendStdio): SandboxSpawn {
  const report: Report = { platform: "freebsd", compat: policy.compat, guarantees: plan.report };
  stdioOnly(stdio, "the FreeBSD launcher (cordon-exec)");
  becomeReaper();
  for (const rule of plan.rctl?.rules ?? []) rctlAddRule(rule);
  const launch = { newSession: plan.newSession, rlimits: plan.rlimits, ...(plan.user ? { user: plan.user } : {}) };
  const proc = Bun.spawn([launcherPath(), ...launcherArgv(launch, file, argv.slice(1))], {
    env: { ...policy.env },
    cwd: policy.cwd,
    stdin: stdio.stdin,
    stdout: stdio.stdout,
    stderr: stdio.stderr,
  });
  const subtree = proc.pid;
  if (running++ === 0) reapTimer = setInterval(() => reapOrphans(), REAP_MS);
  reapTimer?.unref();

  const killAll = () => reapKillSubtree(subtree, SIGKILL);
  const signalAll = (signal: number) => reapKillSubtree(subtree, signal);
  const clock = timeoutClock(policy.limits, { signal: signalAll, kill: killAll });

  const exited = proc.exited.then((code) => {
    clock.stop();
    killAll();
    reapOrphans();
    if (plan.rctl) rctlRemoveRule(plan.rctl.filter);
    if (--running === 0) clearInterval(reapTimer);
    return code;
  });

  return { report, proc: sandboxedView(proc, { exited, killTree: killAll, timedOut: clock.expired, signalTree: signalAll }) };
}
