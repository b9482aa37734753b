// The macOS backend: the host (an enclosing Seatbelt, the caller's uid), the
// plan (lib/plan/darwin), and its execution: Bun.spawn the cordon-exec launcher, which applies the
// Seatbelt profile and rlimits single-threaded and execs the command. Bun
// owns the process (waiting, stdio); this module owns the tree around it.
import { launcherPath, killUid, sandboxedSelf } from "../../../ffi/darwin.ts";
import { launcherArgv, planDarwin, type DarwinHost, type DarwinPlan } from "../../plan/darwin/index.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { Report } from "../../report.ts";
import { sandboxedView, startSandbox, stdioOnly, timeoutClock, type BackendStdio, type SandboxBackend, type SandboxSpawn, type SandboxStdioOptions } from "../contract.ts";
import { ProcessTree } from "./tree.ts";
import { EgressProxy } from "../../net/proxy.ts";

/** How often the tree is polled for forks while the command runs. */
const POLL_MS = 25;
const SIGKILL = 9;

/** The plan, the policy and host it is of (host grants are planned again with the port of the spawn's own proxy). */
type Plan = { readonly policy: ResolvedPolicy; readonly host: DarwinHost; readonly darwin: DarwinPlan };

/**
 * Host grants go through cordon's proxy on loopback, the one place Seatbelt
 * lets the command connect to (plan/darwin/egress.ts). Its port is known only
 * once it listens, so the plan refused on is made with this stand-in and
 * execute plans again with the real one: only the port differs.
 */
const PROXY_PORT_TO_COME = 65535;

export const backend: SandboxBackend<DarwinHost, Plan, undefined> = {
  host() {
    const enclosing = sandboxedSelf() ? "this process already runs under Seatbelt, and a sandboxed process cannot apply another profile" : undefined;
    const callerUid = process.getuid?.();
    return { ...(enclosing === undefined ? {} : { enclosingSandbox: enclosing }), ...(callerUid === undefined ? {} : { callerUid }) };
  },
  state: () => undefined,
  plan(policy, host) {
    const darwin = planDarwin(policy, withProxy(policy, host, PROXY_PORT_TO_COME));
    return { plan: { policy, host, darwin }, report: { platform: "darwin", compat: policy.compat, guarantees: darwin.report } };
  },
  execute: (plan, argv, file, stdio) => executeDarwin(plan, argv, file, stdio),
};

/** One sandboxed spawn of a resolved policy (the one-shot steps, without lib/spawn.ts's options). */
export function sandboxSpawn(argv: readonly string[], policy: ResolvedPolicy, stdio: SandboxStdioOptions = {}): SandboxSpawn {
  return startSandbox(backend, argv, policy, stdio, { state: undefined });
}

function withProxy(policy: ResolvedPolicy, host: DarwinHost, port: number): DarwinHost {
  return policy.egress && host.enclosingSandbox === undefined ? { ...host, egressProxyPort: port } : host;
}

function executeDarwin(planned: Plan, argv: readonly string[], file: string, stdio: BackendStdio): SandboxSpawn {
  const { policy } = planned;
  stdioOnly(stdio, "the macOS launcher (cordon-exec)");
  const proxy = withProxy(policy, planned.host, 0).egressProxyPort === undefined ? undefined : EgressProxy.start(policy.egress!, { onNetwork: stdio.onNetwork });
  try {
    const plan = proxy ? planDarwin(policy, withProxy(policy, planned.host, proxy.port)) : planned.darwin;
    const report: Report = { platform: "darwin", compat: policy.compat, guarantees: plan.report, ...(proxy && { network: proxy.network }) };
    const cmd = [launcherPath(), ...launcherArgv(plan.launch, file, argv.slice(1))];
    const proc = Bun.spawn(cmd, {
      env: { ...policy.env, ...plan.env },
      cwd: policy.cwd,
      stdin: stdio.stdin,
      stdout: stdio.stdout,
      stderr: stdio.stderr,
    });
    return watch(proc, plan, report, policy, proxy);
  } catch (e) {
    void proxy?.stop();
    throw e;
  }
}

/** The tree around the launched command, its clock, and the proxy (stopped when the command is done). */
function watch(proc: ReturnType<typeof Bun.spawn>, plan: DarwinPlan, report: Report, policy: ResolvedPolicy, proxy: EgressProxy | undefined): SandboxSpawn {
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
