// The macOS backend: the host (an enclosing Seatbelt, the caller's uid), the
// plan (lib/plan/darwin), and its execution: Bun.spawn the cordon-exec launcher, which applies the
// Seatbelt profile and rlimits single-threaded and execs the command. Bun
// owns the process (waiting, stdio); this module owns the tree around it.
import { launcherPath, killUid, sandboxedSelf } from "../../../ffi/darwin.ts";
import { launcherArgv, planDarwin, type DarwinPlan } from "../../plan/darwin/index.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { Report } from "../../report.ts";
import { sandboxedView, startSandbox, stdioOnly, timeoutClock, type BackendStdio, type SandboxBackend, type SandboxSpawn, type SandboxStdioOptions } from "../../sandbox-backend.ts";
import { ProcessTree } from "./tree.ts";

/** How often the tree is polled for forks while the command runs. */
const POLL_MS = 25;
const SIGKILL = 9;

type DarwinHost = { readonly enclosingSandbox?: string; readonly callerUid?: number };

/** The plan and the policy it is of. */
type Plan = { readonly policy: ResolvedPolicy; readonly darwin: DarwinPlan };

export const backend: SandboxBackend<DarwinHost, Plan, undefined> = {
  host() {
    const enclosing = sandboxedSelf() ? "this process already runs under Seatbelt, and a sandboxed process cannot apply another profile" : undefined;
    const callerUid = process.getuid?.();
    return { ...(enclosing === undefined ? {} : { enclosingSandbox: enclosing }), ...(callerUid === undefined ? {} : { callerUid }) };
  },
  state: () => undefined,
  plan(policy, host) {
    const darwin = planDarwin(policy, host);
    return { plan: { policy, darwin }, report: { platform: "darwin", compat: policy.compat, guarantees: darwin.report } };
  },
  execute: (plan, argv, file, stdio) => executeDarwin(plan, argv, file, stdio),
};

/** One sandboxed spawn of a resolved policy (the one-shot steps, without lib/spawn.ts's options). */
export function sandboxSpawn(argv: readonly string[], policy: ResolvedPolicy, stdio: SandboxStdioOptions = {}): SandboxSpawn {
  return startSandbox(backend, argv, policy, stdio, { state: undefined });
}

function executeDarwin({ policy, darwin: plan }: Plan, argv: readonly string[], file: string, stdio: BackendStdio): SandboxSpawn {
  const report: Report = { platform: "darwin", compat: policy.compat, guarantees: plan.report };
  stdioOnly(stdio, "the macOS launcher (cordon-exec)");
  const cmd = [launcherPath(), ...launcherArgv(plan.launch, file, argv.slice(1))];
  const proc = Bun.spawn(cmd, {
    env: { ...policy.env },
    cwd: policy.cwd,
    stdin: stdio.stdin,
    stdout: stdio.stdout,
    stderr: stdio.stderr,
  });
  const tree = new ProcessTree(proc.pid);
  const poller = setInterval(() => tree.poll(), POLL_MS);
  poller.unref();

  const killAll = () => {
    tree.kill(SIGKILL);
    if (plan.killUid !== undefined) killUid(plan.killUid, SIGKILL);
  };
  const signalAll = (signal: number) => tree.kill(signal);
  const clock = timeoutClock(policy.limits, { signal: signalAll, kill: killAll });

  // The command is done when its first process exits; what it left behind goes with it.
  const exited = proc.exited.then((code) => {
    clock.stop();
    clearInterval(poller);
    killAll();
    tree.close();
    return code;
  });

  return { report, proc: sandboxedView(proc, { exited, killTree: killAll, timedOut: clock.expired, signalTree: signalAll }) };
}
