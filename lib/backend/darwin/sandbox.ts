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
import { EgressProxy } from "../../net/proxy.ts";

/** How often the tree is polled for forks while the command runs. */
const POLL_MS = 25;
const SIGKILL = 9;

export function sandboxSpawn(argv: readonly string[], policy: ResolvedPolicy, stdio: SandboxStdioOptions = {}): SandboxSpawn {
  const enclosing = sandboxedSelf() ? "this process already runs under Seatbelt, and a sandboxed process cannot apply another profile" : undefined;
  const callerUid = process.getuid?.();
  stdioOnly(stdio, "the macOS launcher (cordon-exec)");
  // Host grants: cordon's proxy on loopback, the one place Seatbelt lets the command connect to (plan/darwin/egress.ts).
  const proxy = policy.egress && enclosing === undefined ? EgressProxy.start(policy.egress) : undefined;
  const host = { ...(enclosing === undefined ? {} : { enclosingSandbox: enclosing }), ...(callerUid === undefined ? {} : { callerUid }), ...(proxy && { egressProxyPort: proxy.port }) };
  try {
    const plan = planDarwin(policy, host);
    const report: Report = { platform: "darwin", compat: policy.compat, guarantees: plan.report, ...(proxy && { network: proxy.network }) };
    const gaps = missing(report);
    if (policy.compat === "hard" && gaps.length > 0) {
      throw new CompatError(gaps.map((g) => ({ guarantee: g.guarantee, reason: g.reason ?? g.status })));
    }
    const cmd = [launcherPath(), ...launcherArgv(plan.launch, programPath(argv[0]!, policy), argv.slice(1))];
    return watch(spawnLauncher(cmd, { ...policy.env, ...plan.env }, policy.cwd, stdio), plan, report, policy, proxy);
  } catch (e) {
    void proxy?.stop();
    throw e;
  }
}

function spawnLauncher(cmd: string[], env: Record<string, string>, cwd: string, stdio: SandboxStdioOptions) {
  return Bun.spawn(cmd, {
    env,
    cwd,
    stdin: stdio.stdin ?? "ignore",
    stdout: stdio.stdout ?? "pipe",
    stderr: stdio.stderr ?? "inherit",
  });
}

/** The tree around the launched command, its clock, and the proxy (stopped when the command is done). */
function watch(proc: ReturnType<typeof Bun.spawn>, plan: ReturnType<typeof planDarwin>, report: Report, policy: ResolvedPolicy, proxy: EgressProxy | undefined): SandboxSpawn {
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
  const exited = proc.exited.then(async (code) => {
    clock.stop();
    clearInterval(poller);
    killAll();
    tree.close();
    await proxy?.stop();
    return code;
  });

  return { report, proc: sandboxedView(proc, { exited, killTree: killAll, timedOut: clock.expired, signalTree: signalAll }) };
}
