// What the native spawn is told for one plan: the plan's decisions mapped to
// LinuxSpawnOptions, with the resources execute.ts opened or made for this
// spawn (stdio, the cgroup set, the ruleset, cordon-init, the listed view,
// the relay, the denial source). Nothing is decided here.
import type { NativeFile } from "../../../ffi/pinned.ts";
import { CLONE_NEW, type ViewEntry } from "../../../ffi/linux-spawn.ts";
import type { LinuxPlan } from "../../plan/linux/index.ts";
import type { SandboxCgroup } from "./cgroup/sandbox-cgroup.ts";
import type { EgressRelay } from "./egress.ts";
import type { LandlockRuleset, NoLandlock } from "./landlock.ts";
import type { LinuxSpawnOptions } from "./spawn-options.ts";
import type { LinuxStdio } from "./stdio.ts";

/** What execute.ts made for this spawn. */
export type SpawnResources = {
  readonly file: string;
  readonly io: LinuxStdio;
  readonly landlock: LandlockRuleset | NoLandlock;
  readonly cgroup?: SandboxCgroup;
  readonly initFile?: NativeFile;
  readonly view?: ViewEntry[];
  readonly relay?: EgressRelay;
  /** Denials asked for: the restrict flags that log them, and a seccomp filter with a notify socket in place of the plan's. */
  readonly explain?: { readonly restrictFlags: number; readonly seccomp?: { readonly filter: Uint8Array; readonly notifySock: number } };
  /** A warm sandbox (warm.ts): cordon-init's end of the request socket. */
  readonly warm?: number;
  /** A fresh network namespace made ahead (netns-pool.ts), joined instead of CLONE_NEWNET; `loopbackUp`: its lo is up already. */
  readonly netns?: { readonly fd: number; readonly loopbackUp: boolean };
};

export function childOptions(plan: LinuxPlan, r: SpawnResources): LinuxSpawnOptions {
  const { policy } = plan;
  const n = plan.namespaces;
  const { landlock, cgroup, explain } = r;
  const relay = r.relay?.spawnOptions();
  return {
    file: r.file,
    env: r.relay ? { ...policy.env, ...r.relay.env } : policy.env,
    // The relay's sockets need lo up: the child brings it up unless the joined namespace has it up already.
    ...(relay && { netns: relay.netns, ...(!r.netns?.loopbackUp && { loopback: true }) }),
    cwd: policy.cwd,
    stdin: r.io.stdin,
    stdout: r.io.stdout,
    stderr: r.io.stderr,
    extraFds: r.io.extraFds,
    rlimits: plan.shape.containment.rlimits.map(({ resource, soft, hard }) => ({ resource, soft, hard })),
    ...(policy.user ? { user: policy.user } : {}),
    cloneNamespaces: (n.ipc ? CLONE_NEW.IPC : 0) | (n.pid ? CLONE_NEW.PID : 0) | (n.mount ? CLONE_NEW.NS : 0) | (n.net && !r.netns ? CLONE_NEW.NET : 0),
    ...(r.netns ? { joinNetns: r.netns.fd } : {}),
    dropCapabilities: true,
    ...(n.user ? { userNamespace: n.user } : {}),
    ...(cgroup?.cgroupFd !== undefined ? { cgroupFd: cgroup.cgroupFd } : {}),
    ...(cgroup && cgroup.cgroupProcsFds.length ? { cgroupProcsFds: cgroup.cgroupProcsFds } : {}),
    ...(plan.mountProc ? { mountProc: true } : {}),
    ...(r.view ? { privateRoot: r.view } : {}),
    ...(r.initFile ? { init: r.initFile.use } : {}),
    ...(r.warm !== undefined ? { warm: r.warm } : {}),
    ...(landlock.rulesetFd !== undefined
      ? {
          landlock: {
            rulesetFd: landlock.rulesetFd,
            restrictFlags: landlock.restrictFlags | (explain?.restrictFlags ?? 0),
            procAccess: plan.landlockAccess.proc,
            ...(plan.landlockAccess.root !== undefined ? { rootAccess: plan.landlockAccess.root } : {}),
          },
        }
      : {}),
    // No fresh /proc: the command's own /proc/<pid> only (never all of /proc).
    ...(plan.procSelf && landlock.rulesetFd !== undefined ? { procSelf: true } : {}),
    ...(explain?.seccomp
      ? { seccomp: { filter: explain.seccomp.filter, flags: 0 }, notifySock: explain.seccomp.notifySock }
      : plan.seccomp
        ? { seccomp: { filter: plan.seccomp.filter, flags: 0 } }
        : {}),
  };
}
