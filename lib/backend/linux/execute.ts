// Carries out one Linux plan (lib/plan/linux): opens and checks the grants,
// builds the landlock ruleset on their fds, makes the cgroup set, lists the
// private root, and hands the native spawn one call with every slot filled.
// Nothing is decided here that the plan has not. The command's whole tree is
// killed when it exits, on a limit, or on kill(); `exited` settles once the
// tree is gone and every cgroup made for it removed.
import { openHelper } from "../../../ffi/library.ts";
import type { NativeFile } from "../../../ffi/pinned.ts";
import { closeFd } from "../../../ffi/linux.ts";
import type { LinuxPlan } from "../../plan/linux/index.ts";
import { identitiesOf } from "../../policy/identity.ts";
import type { Report } from "../../report.ts";
import { sandboxedView, type BackendStdio, type SandboxedProcess, type SandboxSpawn } from "../contract.ts";
import { cleanupStale } from "./cgroup/cleanup.ts";
import { childOptions } from "./child-options.ts";
import type { CgroupPool } from "./cgroup/pool.ts";
import { SandboxCgroup } from "./cgroup/sandbox-cgroup.ts";
import { supervise, type LimitVerdict } from "./cgroup/supervise.ts";
import { beginExplain } from "./denials/explain.ts";
import { EgressRelay } from "./egress.ts";
import { grantChangedInChild, openGrants, type GrantFds } from "./grant-fds.ts";
import { hierarchiesOf, insideMounts } from "./inside-mounts.ts";
import { buildLandlock } from "./landlock.ts";
import { privateRootView, privateRootViewWith, type ViewCache } from "./private-root.ts";
import { spawnLinux, type LinuxSubprocess } from "./spawn.ts";
import { linuxStdio, type LinuxStdio } from "./stdio.ts";
import { spentNetns, takeNetns } from "./netns-pool.ts";
import { killTree, signalTree } from "./tree-kill.ts";
import { signalEveryProcess } from "./tree-signal.ts";
import { checkGroups, giveTo } from "./user-switch.ts";

/** Phase names `executeLinux` reports to its `mark` callback, in order (bench/spawn.ts times them). */
export const SPAWN_PHASES = {
  landlock: "landlock ruleset build (one native call for every grant)",
  cgroup: "cgroup set: a spare of the sandbox's pool, else made (mkdir, limit files, fds)",
  spawn: "spawn call: private root view, clone3, child set-up, the command's execve (then cordon-init's)",
  exit: "child runs; exit seen through the pidfd watcher",
  teardown: "tree check (kill if populated) + supervisor stop + cgroup set back to the pool (or removed)",
} as const;

/** What a compiled sandbox keeps for its spawns: the view of its grants beside the spawn's own directory, its spare cgroup sets. */
export type ExecuteState = { readonly views?: ViewCache; readonly cgroups?: CgroupPool };

const noMark = (_phase: string) => {};

type Explain = NonNullable<ReturnType<typeof beginExplain>>;

/** Leftovers of cordon processes that died without tearing down (SIGKILL, crash), swept before the first cgroup set of this process. */
let staleSwept = false;

/** The private root of one spawn: the grants, the carve-outs beneath them, and the sandbox's own /dev/shm, devpts and cgroups. */
function listView(plan: LinuxPlan, opened: GrantFds, cgroup: SandboxCgroup | undefined, views: ViewCache | undefined) {
  const v = plan.view!;
  const mounts = insideMounts({ ...v.mounts, cgroups: cgroup ? hierarchiesOf(cgroup.dirs.keys()) : [] }, [...v.read, ...v.write]);
  const extras = { carve: plan.carve, mounts };
  return v.own === undefined
    ? privateRootView(v.read, v.write, v.cwd, v.procfs, v.links, opened, extras)
    : privateRootViewWith(v.read, v.write, v.own, v.cwd, v.procfs, v.links, opened, extras, views);
}

export function executeLinux(plan: LinuxPlan, argv: readonly string[], file: string, stdio: BackendStdio, mark: (phase: string) => void = noMark, state: ExecuteState = {}): SandboxSpawn {
  const s = startLinux(plan, argv, file, stdio, mark, state);
  return { proc: watchTree(plan, s.proc, s, mark), report: s.report };
}

/** What startLinux made: the process and the resources its teardown removes. */
export type Started = { readonly proc: LinuxSubprocess; readonly io: LinuxStdio; readonly cgroup?: SandboxCgroup; readonly relay?: EgressRelay; readonly explain?: Explain; readonly report: Report };

/**
 * Everything of executeLinux up to the running process, not yet watched:
 * with `warm` (a socket), the sandbox is made whole but cordon-init waits
 * there for its command (warm.ts) instead of starting `argv`.
 */
export function startLinux(plan: LinuxPlan, argv: readonly string[], file: string, stdio: BackendStdio, mark: (phase: string) => void, state: ExecuteState, warm?: number): Started {
  const { policy, host } = plan;
  const { containment } = plan.shape;
  const groupsNote = policy.user ? checkGroups() : undefined;
  // Each grant opened once, checked against what the policy resolved: the
  // landlock rules go on these fds, and the view's binds are checked against them.
  const opened = openGrants(plan.checked, identitiesOf(policy));
  let relay: EgressRelay | undefined;
  let landlock: ReturnType<typeof buildLandlock>;
  try {
    relay = plan.relay ? new EgressRelay(policy.egress!, plan.relay.mode, stdio.onNetwork) : undefined;
    landlock = buildLandlock(plan.landlock, opened, relay?.proxyPort !== undefined ? [{ port: relay.proxyPort, access: plan.relay!.connectAccess }] : []);
  } catch (e) {
    opened.close();
    relay?.abort();
    throw e;
  }
  mark(SPAWN_PHASES.landlock);
  // Denials asked for: only then does the kernel log them past execve (and cordon read them).
  const explain = stdio.explain
    ? beginExplain(stdio.explain.log, {
        landlock: { applied: landlock.rulesetFd !== undefined, abi: host.sandbox.landlockAbi },
        seccomp: plan.seccomp && host.sandbox.arch ? { filter: plan.seccomp.filter, arch: host.sandbox.arch } : undefined,
        view: plan.view ? { read: [...plan.read, ...policy.fs.read], write: [...plan.write, ...policy.fs.write], links: policy.fs.links ?? [], cwd: policy.cwd } : undefined,
        net: policy.net,
        onCall: stdio.explain.onCall,
        ignore: plan.init ? [plan.init] : [],
      })
    : undefined;
  let cgroup: SandboxCgroup | undefined;
  let proc: ReturnType<typeof spawnLinux>;
  const io = linuxStdio(stdio);
  let initFile: NativeFile | undefined;
  let netnsFd: number | undefined;
  // A new network namespace made ahead, joined instead of made by clone3 (never into a new user namespace):
  // with lo up already when the child would bring it up (host grants: the relay's sockets), else as clone3 leaves it.
  const netnsKind = plan.namespaces.net && !plan.namespaces.user ? (plan.relay?.mode === "netns" ? "loopbackUp" : "plain") : undefined;
  try {
    if (containment.cgroups && !staleSwept) {
      staleSwept = true;
      cleanupStale(host.containment.cgroups);
    }
    const cgroups = containment.cgroups;
    cgroup = cgroups ? (state.cgroups?.take(host.containment.cgroups, cgroups) ?? SandboxCgroup.create(host.containment.cgroups, cgroups)) : undefined;
    mark(SPAWN_PHASES.cgroup);
    // Checked against its pinned digest now; the child execs this open file, not the path again.
    initFile = plan.underInit ? openHelper("cordon-init") : undefined;
    // A user switch: its private TMPDIR becomes the user's (it was made 0700 by this process).
    if (policy.user && policy.tmpDir !== undefined) giveTo(policy.user, [policy.tmpDir]);
    const view = plan.view ? listView(plan, opened, cgroup, state.views) : undefined;
    netnsFd = netnsKind && takeNetns(netnsKind);
    const netns = netnsFd !== undefined && { netns: { fd: netnsFd, loopbackUp: netnsKind === "loopbackUp" } };
    const made = { file, io, landlock, ...(cgroup && { cgroup }), ...(initFile && { initFile }), ...(view && { view }), ...(relay && { relay }), ...(explain && { explain }), ...(warm !== undefined && { warm }), ...netns };
    proc = spawnLinux(stdio.argv0 === undefined ? argv : [stdio.argv0, ...argv.slice(1)], childOptions(plan, made));
  } catch (e) {
    io.done(false);
    relay?.abort();
    cgroup?.destroy();
    void explain?.finish(policy.limits, {});
    throw grantChangedInChild(e) ?? e;
  } finally {
    explain?.spawned();
    if (landlock.rulesetFd !== undefined) closeFd(landlock.rulesetFd);
    if (initFile) closeFd(initFile.fd);
    // Each namespace serves this one spawn: joined by its child, or by none.
    if (netnsFd !== undefined) spentNetns(netnsFd, netnsKind!);
    opened.close();
  }
  io.done(true);
  mark(SPAWN_PHASES.spawn);
  explain?.started(proc.pid, plan.init !== undefined);
  const report: Report = {
    platform: `linux-${process.arch}`,
    compat: policy.compat,
    guarantees: [...plan.report],
    host: [...plan.notes, ...(groupsNote ? [groupsNote] : []), ...plan.refusals.map((r) => r.reason)],
    ...(relay && { network: relay.network }),
  };
  return { proc, io, ...(cgroup && { cgroup }), ...(relay && { relay }), ...(explain && { explain }), report };
}

/**
 * The command's tree from its start to its teardown: supervised for the
 * plan's limits, killed whole when the command exits (then its cgroup set
 * removed and its denials collected), the relay started. `exited` settles
 * once all that is done.
 */
export function watchTree(
  plan: LinuxPlan,
  proc: LinuxSubprocess,
  r: { readonly io: LinuxStdio; readonly cgroup?: SandboxCgroup; readonly relay?: EgressRelay; readonly explain?: Explain },
  mark: (phase: string) => void,
): SandboxedProcess {
  const { cgroup, relay, explain } = r;
  const { containment } = plan.shape;
  // The command is signalled through its pidfd only (LinuxSubprocess.kill): never a pid reaped and reused.
  const mechanism = containment.treeKill.mechanism;
  const target = { ...(cgroup ? { cgroup } : {}), command: proc, ...(plan.underInit ? { initPid: proc.pid } : {}) };
  const tree = () => killTree(mechanism, target);
  // Once the command has exited, the exit path kills whatever it left: nothing more to signal.
  const signalAll = (signal: number) => (proc.exitCode === null && proc.signalCode === null ? signalEveryProcess(mechanism, target, signal) : Promise.resolve());
  const supervisor = supervise({ ...(cgroup ? { cgroup } : {}), watch: containment.watch, killTree: tree, signalTree: signalAll });
  let limit: LimitVerdict | undefined;
  const exited = proc.exited.then(async (code) => {
    mark(SPAWN_PHASES.exit);
    // The command is gone; whatever it left behind goes with it.
    // Most commands leave nothing: an empty cgroup needs no kill (one read instead of a watch).
    if (!cgroup || cgroup.populated()) await tree().catch(() => {});
    limit = supervisor.stop();
    // The relay's last closes told before the run counts as exited: the report is whole then.
    const relayStopped = relay?.stop();
    const facts = explain ? { verdict: limit, ...cgroup?.events() } : {};
    // Back to its pool only if empty, never killed (pool.ts), else removed.
    cgroup?.release();
    await explain?.finish(plan.policy.limits, facts);
    await relayStopped;
    mark(SPAWN_PHASES.teardown);
    return limit === "timeout" ? 124 : code;
  });

  if (relay) {
    try {
      relay.start();
    } catch (e) {
      // The command runs but its relay does not: it must not go on (its tree is ended, then torn down as on exit).
      void signalTree(mechanism, target).catch(() => {});
      exited.catch(() => {});
      throw e;
    }
  }
  return sandboxedView(proc, {
    exited,
    // The caller's kill only starts the kill; the exit path above waits for the tree to be gone.
    killTree: () => void signalTree(mechanism, target).catch(() => {}),
    timedOut: () => limit === "timeout" || supervisor.verdict() === "timeout",
    limit: () => limit ?? supervisor.verdict(),
    signalTree: (signal) => void signalAll(signal).catch(() => {}),
    stdio: r.io.stdio,
    ref: (on) => (on ? supervisor.ref() : supervisor.unref()),
  });
}
