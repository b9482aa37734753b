// The macOS backend: plan the policy, refuse in hard mode what cannot be
// enforced, then Bun.spawn the cordon-exec launcher, which applies the
// Seatbelt profile and rlimits single-threaded and execs the command. Bun
// owns the process (waiting, stdio); this module owns the tree around it.
import { launcherPath, killUid, sandboxedSelf } from "../../../ffi/darwin.ts";
import { CompatError } from "../../errors.ts";
import { launcherArgv, planDarwin } from "../../plan/darwin/index.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import { missing, type Report } from "../../report.ts";
import { programPath, sandboxedView, stdioOnly, timeoutClock, type SandboxSpawn, type SandboxStdioOptions } from "../../sandbox-backend.ts";
import { ProcessTree } from "./tree.ts";

/** How often the tree is polled for forks while the command runs. */
const POLL_MS = 25;
const SIGKILL = 9;

export function sandboxSpawn(argv: readonly string[], policy: ResolvedPolicy, stdio: SandboxStdioOptions = {}): SandboxSpawn {
  const enclosing = sandboxedSelf() ? "this process already runs under Seatbelt, and a sandboxed process cannot apply another profile" : undefined;
  const callerUid = process.getuid?.();
  const plan = planDarwin(policy, { ...(enclosing === undefined ? {} : { enclosingSandbox: enclosing }), ...(callerUid === undefined ? {} : { callerUid }) });
  const report: Report = { platform: "darwin", compat: policy.compat, guarantees: plan.report };
  const gaps = missing(report);
  if (policy.compat === "hard" && gaps.length > 0) {
    throw new CompatError(gaps.map((g) => ({ guarantee: g.guarantee, reason: g.reason ?? g.status })));
  }

  stdioOnly(stdio, "the macOS launcher (cordon-exec)");
  const cmd = [launcherPath(), ...launcherArgv(plan.launch, programPath(argv[0]!, policy), argv.slice(1))];
  const proc = Bun.spawn(cmd, {
    env: { ...policy.env },
    cwd: policy.cwd,
    stdin: stdio.stdin ?? "ignore",
    stdout: stdio.stdout ?? "pipe",
    stderr: stdio.stderr ?? "inherit",
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
