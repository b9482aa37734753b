// The portable API's Windows backend: the host, the plan (lib/plan/windows,
// which refuses in hard mode what it cannot enforce, before anything is
// created), the program found Windows' way, then the command run in its job. The command is done when its own process
// exits; whatever it left in the job goes with it, and `exited` settles once
// the job is empty. Windows has no signals: kill(), whatever the signal, ends
// the whole tree (TerminateJobObject) and the run reports that signal.
import { constants } from "node:os";
import { exitStatus } from "../../exit-status.ts";
import { planWindows, type WindowsPlan, type WindowsVerdict } from "../../plan/windows/index.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { Report } from "../../report.ts";
import { startSandbox, stdioOnly, type BackendStdio, type SandboxBackend, type SandboxedProcess, type SandboxSpawn, type SandboxStdioOptions } from "../contract.ts";
import { windowsHost } from "./host.ts";
import { windowsProgram } from "./program.ts";
import { spawnWindows, type WindowsExit } from "./spawn.ts";
import { emptyDir } from "./tmp-dir.ts";
import { EgressProxy } from "../../net/proxy.ts";

const limitNames: Partial<Record<WindowsVerdict, string>> = { timeout: "timeout", memory: "memory limit exceeded", cpu: "cpu limit exceeded" };

function signalName(signal: number | string | undefined): string {
  if (signal === undefined) return "SIGKILL";
  if (typeof signal === "string") return signal;
  return Object.entries(constants.signals).find(([, n]) => n === signal)?.[0] ?? "SIGKILL";
}

type WindowsHost = ReturnType<typeof windowsHost>;

/** The plan, the policy it is of and the host's package paths the program lookup may use. */
type Plan = { readonly policy: ResolvedPolicy; readonly host: WindowsHost; readonly windows: WindowsPlan };

/** The proxy's port is known only once it listens: the plan refused on names this one, execute plans again with the real one. */
const PROXY_PORT_TO_COME = 65535;

export const backend: SandboxBackend<WindowsHost, Plan, undefined> = {
  host: () => windowsHost(),
  state: () => undefined,
  plan(policy, host) {
    const windows = planWindows(policy, host, policy.egress ? { egressProxyPort: PROXY_PORT_TO_COME } : {});
    return { plan: { policy, host, windows }, report: { platform: `win32-${process.arch}`, compat: policy.compat, guarantees: windows.report, host: [...windows.notes] } };
  },
  // Windows finds programs its own way (PATHEXT, the package's readable directories).
  program: (argv0, policy, plan, host) => windowsProgram(argv0, policy, plan.windows, host.packageReadable ?? []),
  execute: (plan, argv, file, stdio) => executeWindows(plan, argv, file, stdio),
};

/** One sandboxed spawn of a resolved policy (the one-shot steps, without lib/spawn.ts's options). */
export function sandboxSpawn(argv: readonly string[], policy: ResolvedPolicy, stdio: SandboxStdioOptions = {}): SandboxSpawn {
  return startSandbox(backend, argv, policy, stdio, { state: undefined });
}

function executeWindows({ policy, host, windows: planned }: Plan, argv: readonly string[], application: string, stdio: BackendStdio): SandboxSpawn {
  // The handle list carries stdin, stdout and stderr only; extra fds and argv0 are refused, never dropped.
  stdioOnly(stdio, "the Windows backend");
  const modes = [stdio.stdin, stdio.stdout, stdio.stderr] as const;
  // Host grants: cordon's proxy on loopback, the one place the WFP filters let the command connect to
  // (plan/windows/egress.ts); planned with a stand-in port, planned again here with the real one.
  const proxy = planned.isolation.egressProxy ? EgressProxy.start(policy.egress!, { onNetwork: stdio.onNetwork }) : undefined;
  let plan = planned;
  let p: ReturnType<typeof spawnWindows>;
  try {
    if (proxy) plan = planWindows(policy, host, { egressProxyPort: proxy.port });
    p = spawnWindows(argv, plan, { stdio: modes, application, endWithCommand: true });
  } catch (e) {
    void proxy?.stop();
    throw e;
  }

  let result: WindowsExit | undefined;
  let asked: string | undefined;
  const status = () => {
    // Ended by cordon (kill, timeout, its CPU poll) or by the job's own CPU-time limit: killed, as on Linux.
    const killed = result?.ended === true || result?.verdicts.includes("cpu") === true;
    return {
      exitCode: result === undefined || killed ? null : result.exitCode,
      signalCode: killed ? (asked ?? "SIGKILL") : null,
      timedOut: result?.timedOut === true,
    };
  };
  const exited = p.exited.then(async (e) => {
    result = e;
    await proxy?.stop();
    // The run's directory holds the private TMPDIR and HOME.
    const runDir = policy.runDir ?? policy.tmpDir;
    if (runDir !== undefined) emptyDir(runDir);
    return exitStatus(status());
  });
  const passed = (i: 0 | 1 | 2) => (typeof modes[i] === "number" ? (modes[i] as number) : undefined);

  const proc: SandboxedProcess & { readonly timedOut: boolean } = {
    pid: p.pid,
    stdin: p.stdin ?? passed(0),
    stdout: p.stdout ?? passed(1),
    stderr: p.stderr ?? passed(2),
    exited,
    get exitCode() {
      return status().exitCode;
    },
    get signalCode() {
      return status().signalCode;
    },
    get timedOut() {
      return status().timedOut;
    },
    get limit() {
      const hit = result?.verdicts.map((v) => limitNames[v]).find((v) => v !== undefined);
      return hit;
    },
    kill(signal?: number | string) {
      asked ??= signalName(signal);
      p.kill();
    },
  };
  const startup = p.unchecked.length ? [`start-up check (read back before the first instruction): not read back: ${p.unchecked.join("; ")}`] : [];
  const report: Report = { platform: `win32-${process.arch}`, compat: policy.compat, guarantees: p.report, host: [...plan.notes, ...startup], ...(proxy && { network: proxy.network }) };
  return { proc, report };
}

export { spawnWindows, backendReport, TIMEOUT_EXIT_CODE, KILLED_EXIT_CODE, type WindowsSubprocess, type WindowsExit, type SpawnWindowsOptions } from "./spawn.ts";
