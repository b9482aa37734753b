// One sandboxed spawn on Linux: plan every mechanism (landlock, seccomp,
// namespaces, cgroups, rlimits, tree kill), refuse in hard mode what cannot be
// enforced, then hand the spine one spawn with every slot filled. The command's
// whole tree is killed when it exits, on a limit, or on kill(); `exited`
// settles once the tree is gone and every cgroup made for it removed.
import { readFileSync } from "node:fs";
import { helperPath, openHelper } from "../../../ffi/library.ts";
import type { NativeFile } from "../../../ffi/pinned.ts";
import { CLONE_NEW } from "../../../ffi/linux-spawn.ts";
import { closeFd } from "../../../ffi/linux.ts";
import { OsError } from "../../../ffi/errors.ts";
import { CompatError } from "../../errors.ts";
import { carveOutReport } from "../../plan/linux/carve-outs.ts";
import { planContainment, type ContainmentPlan } from "../../plan/linux/containment.ts";
import type { ContainmentHost } from "../../plan/linux/containment-host.ts";
import { landlockGuarantees } from "../../plan/linux/landlock/index.ts";
import { bestEffortRights, coveredElsewhere, foldCovered, planSandbox, type SandboxHost, type SandboxPlan } from "../../plan/linux/sandbox.ts";
import { identitiesOf } from "../../policy/identity.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport, Report } from "../../report.ts";
import { programPath, sandboxedView, type SandboxSpawn, type SandboxStdioOptions } from "../../sandbox-backend.ts";
import { cleanupStale } from "./cgroup/cleanup.ts";
import { beginExplain } from "./denials/explain.ts";
import { EgressRelay } from "./egress.ts";
import { SandboxCgroup } from "./cgroup/sandbox-cgroup.ts";
import { supervise, type LimitVerdict } from "./cgroup/supervise.ts";
import { grantChangedInChild, openGrants } from "./grant-fds.ts";
import { landlockFeatures, prepareLandlock } from "./landlock.ts";
import { carveOutsOf, carvePaths, type CarveOuts } from "./carve-outs.ts";
import { hierarchiesOf, insideMounts } from "./inside-mounts.ts";
import { DEVICES_WITHOUT_PRIVATE_ROOT, expandRoot, privateRootView, privateRootViewWith } from "./private-root.ts";
import { spawnLinux } from "./spawn.ts";
import { linuxStdio } from "./stdio.ts";
import { killTree, probeContainmentHost, signalTree } from "./tree-kill.ts";
import { signalEveryProcess } from "./tree-signal.ts";
import { checkGroups, giveTo } from "./user-switch.ts";

/** LANDLOCK_ACCESS_FS_READ_FILE | READ_DIR: the sandbox reads its own /proc (or its own /proc/<pid>). */
const PROC_ACCESS = (1 << 2) | (1 << 3);
/**
 * LANDLOCK_ACCESS_FS_READ_DIR beneath the private root's own tmpfs, so `ls /`
 * works: the view holds only grants (each readable already), the mount
 * points of the working directory and /proc, and symlinks, so listing it
 * shows nothing a stat could not.
 */
const ROOT_ACCESS = 1 << 3;

let hostCache: SandboxHost | undefined;
let containmentHostCache: ContainmentHost | undefined;
let notesCache: readonly string[] | undefined;
let staleCleaned = false;

let initFound: string | undefined;

/** cordon-init beside the native library, when it was built or installed (looked for until found). */
export function initPath(): string | undefined {
  if (initFound) return initFound;
  initFound = helperPath("cordon-init");
  return initFound;
}

/** The probed host the sandbox plans for (probed once per process). */
export function sandboxHost(): SandboxHost {
  if (hostCache) return hostCache;
  let actions = "";
  try {
    actions = readFileSync("/proc/sys/kernel/seccomp/actions_avail", "utf8");
  } catch {
    // no seccomp filter support in this kernel
  }
  const arch = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : undefined;
  hostCache = { arch, seccomp: /\berrno\b/.test(actions), landlockAbi: landlockFeatures().abi, capabilities: holdsCapabilities(), ...probeNamespaces() };
  return hostCache;
}

/** CapPrm of this process is not empty (read, not assumed from the uid: a container's root may hold few, a non-root caller some). */
function holdsCapabilities(): boolean {
  try {
    return !/^CapPrm:\s*0+$/m.test(readFileSync("/proc/self/status", "utf8"));
  } catch {
    return process.geteuid?.() === 0; // no /proc to read: the uid decides
  }
}

/**
 * Tries the namespaces the sandbox wants: a spawn of a path that does not
 * exist gets as far as execve only if every earlier step — clone with those
 * flags, the /proc mount — worked. With a fresh /proc first, then without
 * (a sandbox nested in cordon may not mount); directly, then inside a user
 * namespace; each with a network namespace first, then without (a profile
 * may refuse only that one). A few failed spawns, once per process.
 */
function probeNamespaces(): Pick<SandboxHost, "namespaces" | "procfs" | "netns"> {
  const reachesExec = (userNamespace: boolean, mountProc: boolean, net: boolean): boolean => {
    try {
      // A path nobody can create: the probe can only ever fail at execve.
      spawnLinux(["/proc/self/fd/-1/cordon-namespace-probe"], {
        searchPath: false,
        stdin: "ignore",
        stdout: "ignore",
        stderr: "ignore",
        cloneNamespaces: CLONE_NEW.PID | CLONE_NEW.IPC | (mountProc ? CLONE_NEW.NS : 0) | (net ? CLONE_NEW.NET : 0),
        mountProc,
        ...(mountProc ? { privateRoot: [{ kind: "mkdir", path: "/proc" }] } : {}),
        ...(userNamespace ? { userNamespace: { uid: process.getuid!(), gid: process.getgid!() } } : {}),
      });
    } catch (e) {
      return e instanceof OsError && e.op === "execve" && e.errorName === "ENOENT";
    }
    return false;
  };
  for (const procfs of [true, false]) {
    for (const namespaces of ["direct", "user"] as const) {
      for (const netns of [true, false]) if (reachesExec(namespaces === "user", procfs, netns)) return { namespaces, procfs, netns };
    }
  }
  return { namespaces: "none", procfs: false, netns: false };
}

/**
 * What the probes found that shapes this sandbox, for the report: the host
 * and this process's own filter state (only this process could change it),
 * worked out once per process.
 */
function hostNotes(host: SandboxHost, cgroupNotes: readonly string[]): string[] {
  if (!notesCache) {
    const notes: string[] = [
      host.namespaces === "none"
        ? "namespaces: none can be created here (container profile, sysctl or AppArmor)"
        : `namespaces: ${host.namespaces === "user" ? "inside a user namespace" : "created directly"}${host.procfs ? "" : "; no fresh /proc (mount refused, e.g. inside another sandbox)"}${host.netns ? "" : "; no network namespace"}`,
    ];
    if (!host.procfs) notes.push("/proc: only the command's own /proc/<pid> is readable (its /proc/self); processes it starts have no /proc/self, and /proc/self/net shows this host's network namespace");
    if (host.namespaces === "none" || !host.procfs) notes.push(DEVICES_WITHOUT_PRIVATE_ROOT);
    try {
      const status = readFileSync("/proc/self/status", "utf8");
      if (/^Seccomp:\s*2/m.test(status)) notes.push("seccomp: this process already runs under a filter (nested or containerized); filters stack");
      if (/^NoNewPrivs:\s*1/m.test(status)) notes.push("no_new_privs already set on this process");
    } catch {
      // no /proc: nothing to add
    }
    notes.push(...cgroupNotes.map((n) => `cgroups: ${n}`));
    notesCache = notes;
  }
  return [...notesCache];
}

/**
 * Plans are pure functions of the policy's limits, user, network and compat
 * and of the host probed once per process, so a run of spawns with the same
 * policy plans once. Bounded; entries are frozen because every spawn's report
 * shares them.
 */
type Plans = {
  containment: ContainmentPlan;
  plan: SandboxPlan;
  /** Guarantees of the sandbox plan not enforced here (hard mode refuses them). */
  missing: { guarantee: string; reason: string }[];
  /** What other mechanisms cover, and the landlock rights that are best-effort for it. */
  covered: Record<string, string>;
  rights: Record<string, "best-effort">;
};
const planCache = new Map<string, Plans>();
const PLAN_CACHE_SIZE = 32;

function plans(policy: ResolvedPolicy, host: SandboxHost, containmentHost: ContainmentHost): Plans {
  const key = JSON.stringify([policy.limits, policy.user ?? null, policy.net, policy.egress ?? null, policy.compat]);
  const hit = planCache.get(key);
  if (hit) return hit;
  const plan = planSandbox(policy, host);
  const covered = coveredElsewhere({ net: plan.net }, host, plan);
  const entry: Plans = {
    containment: planContainment(policy, containmentHost),
    plan,
    missing: plan.report.filter((g) => g.status !== "enforced").map((g) => ({ guarantee: g.guarantee, reason: g.reason ?? g.status })),
    covered,
    rights: bestEffortRights(covered),
  };
  for (const g of [...entry.containment.report, ...entry.plan.report]) Object.freeze(g);
  if (planCache.size >= PLAN_CACHE_SIZE) planCache.clear();
  planCache.set(key, entry);
  return entry;
}

/**
 * The private root of one spawn: the (expanded) grants, the policy's
 * carve-outs beneath them, and the sandbox's own /dev/shm, devpts (with
 * `pty`) and cgroups, at the host's mount points of the hierarchies it joined.
 */
function sandboxView(
  policy: ResolvedPolicy,
  fs: { readonly read: readonly string[]; readonly write: readonly string[] },
  opened: ReturnType<typeof openGrants>,
  o: { carve: CarveOuts | undefined; procfs: boolean; cgroup: SandboxCgroup | undefined; landlockAbi: number },
) {
  const mounts = insideMounts(
    { landlockAbi: o.landlockAbi, ...(policy.limits.memory !== undefined && { memory: policy.limits.memory }), pty: policy.pty === true, cgroups: o.cgroup ? hierarchiesOf(o.cgroup.dirs.keys()) : [] },
    [...fs.read, ...fs.write],
  );
  const extras = { carve: o.carve, mounts };
  return policy.tmpDir === undefined
    ? privateRootView(fs.read, fs.write, policy.cwd, o.procfs, policy.fs.links, opened, extras)
    : privateRootViewWith(fs.read, fs.write, policy.runDir ?? policy.tmpDir, policy.cwd, o.procfs, policy.fs.links, opened, extras);
}

/** Phase names `sandboxSpawn` reports to its `mark` callback, in order (bench/spawn.ts times them). */
export const SPAWN_PHASES = {
  plans: "plans: containment, seccomp, namespaces (cached per policy shape)",
  landlock: "landlock ruleset build (one native call for every grant)",
  cgroup: "fresh cgroup set: mkdir, limit files, fds",
  spawn: "spawn call: private root view, clone3, child set-up, the command's execve (then cordon-init's)",
  exit: "child runs; exit seen through the pidfd watcher",
  teardown: "tree check (kill if populated) + supervisor stop + cgroup set removal",
} as const;

const noMark = (_phase: string) => {};

export function sandboxSpawn(argv: readonly string[], policy: ResolvedPolicy, stdio: SandboxStdioOptions, mark: (phase: string) => void = noMark): SandboxSpawn {
  // Plans first: nothing is created before every hard requirement is known to hold.
  const host = sandboxHost();
  // Whether a pid namespace can be had is what the probe above found, not what sysctls suggest.
  const containmentHost = (containmentHostCache ??= { ...probeContainmentHost(), pidNamespace: host.namespaces !== "none" });
  const { containment, plan, missing, covered, rights } = plans(policy, host, containmentHost);
  mark(SPAWN_PHASES.plans);
  // Carve-outs depend on the policy's paths, not its shape: reported per spawn.
  const carved = carveOutReport(policy, { privateRoot: plan.namespaces.privateRoot, landlock: host.landlockAbi > 0 });
  const guarantees: GuaranteeReport[] = [...plan.report, ...carved, ...containment.report];
  // pty asks for a devpts of the sandbox's own, which only a private root holds: without one, hard mode refuses; best-effort notes it.
  const noPty = policy.pty && !plan.namespaces.privateRoot ? "pty: no private root here (mount namespace), so no devpts of the sandbox's own: the command cannot open ptys" : undefined;
  const refused = [
    ...missing,
    ...carved.filter((g) => g.status !== "enforced").map((g) => ({ guarantee: g.guarantee, reason: g.reason ?? g.status })),
    ...(noPty ? [{ guarantee: "pty", reason: noPty }] : []),
  ];
  if (policy.compat === "hard" && refused.length) throw new CompatError(refused);
  const file = programPath(argv[0]!, policy);
  const groupsNote = policy.user ? checkGroups() : undefined;

  // cordon-init (pid 1 of the sandbox's pid namespace) must be executable inside.
  const init = host.namespaces !== "none" ? initPath() : undefined;
  // "/" is granted as what lies at its top (private-root.ts); cordon-init is read-only.
  const read = expandRoot(init ? [...policy.fs.read, init] : policy.fs.read);
  // Host grants: the relay's sockets are made by the child in its network
  // namespace, or (no namespace here) a proxy on this host's loopback is made
  // now, whose port landlock lets TCP connect to (egress.ts).
  const relay = !policy.egress ? undefined : plan.namespaces.net ? new EgressRelay(policy.egress, "netns") : plan.egressProxy ? new EgressRelay(policy.egress, "proxy") : undefined;
  const net = relay?.proxyPort !== undefined ? { connect: [relay.proxyPort], bind: [] } : plan.net;
  const grants = { ...policy, net, fs: { read, write: expandRoot(policy.fs.write) } };
  // Rights another mechanism covers are best-effort for landlock (an older
  // kernel is not refused for them); everything else keeps the policy's level,
  // and hard mode throws CompatError from the landlock plan itself.
  // Each grant opened once, checked against what the policy resolved: the
  // landlock rules go on these fds, and the view's binds are checked against them.
  const carve = carveOutsOf(policy.fs);
  const opened = openGrants([...read, ...grants.fs.write, ...carvePaths(carve)], identitiesOf(policy));
  let landlock: ReturnType<typeof prepareLandlock>;
  try {
    landlock = prepareLandlock(grants, { compat: { default: policy.compat, rights } }, opened);
  } catch (e) {
    opened.close();
    relay?.abort();
    throw e;
  }
  guarantees.unshift(...foldCovered(landlockGuarantees(landlock.report), covered));
  mark(SPAWN_PHASES.landlock);
  // Denials asked for: only then does the kernel log them past execve (and cordon read them).
  const explain = stdio.explain
    ? beginExplain(stdio.explain.log, {
        landlock: { applied: landlock.rulesetFd !== undefined, abi: host.landlockAbi },
        seccomp: plan.seccomp && host.arch ? { filter: plan.seccomp.filter, arch: host.arch } : undefined,
        view: plan.namespaces.privateRoot ? { read: [...read, ...policy.fs.read], write: [...grants.fs.write, ...policy.fs.write], links: policy.fs.links ?? [], cwd: policy.cwd } : undefined,
        net: policy.net,
        onCall: stdio.explain.onCall,
        ignore: init ? [init] : [],
      })
    : undefined;
  let cgroup: SandboxCgroup | undefined;
  let proc: ReturnType<typeof spawnLinux>;
  const io = linuxStdio(stdio);
  let underInit = false;
  let initFile: NativeFile | undefined;
  try {
    if (containment.cgroups && !staleCleaned) {
      // Leftovers of cordon processes that died without tearing down (SIGKILL, crash).
      staleCleaned = true;
      cleanupStale(containmentHost.cgroups);
    }
    cgroup = containment.cgroups ? SandboxCgroup.create(containmentHost.cgroups, containment.cgroups) : undefined;
    mark(SPAWN_PHASES.cgroup);
    const procfs = plan.namespaces.procfs;
    const ns =
      (plan.namespaces.ipc ? CLONE_NEW.IPC : 0) |
      (containment.newPidNamespace || procfs ? CLONE_NEW.PID : 0) |
      (procfs || plan.namespaces.privateRoot ? CLONE_NEW.NS : 0) |
      (plan.namespaces.net ? CLONE_NEW.NET : 0);
    underInit = init !== undefined && (ns & CLONE_NEW.PID) !== 0;
    // Checked against its pinned digest now; the child execs this open file, not the path again.
    initFile = underInit ? openHelper("cordon-init") : undefined;
    // A user switch: its private TMPDIR becomes the user's (it was made 0700 by this process).
    if (policy.user && policy.tmpDir !== undefined) giveTo(policy.user, [policy.tmpDir]);
    // Unprivileged: the same namespaces inside a user namespace that keeps the caller's ids.
    const userNamespace = host.namespaces === "user" && ns !== 0 ? { userNamespace: { uid: process.getuid!(), gid: process.getgid!() } } : {};
    proc = spawnLinux(stdio.argv0 === undefined ? argv : [stdio.argv0, ...argv.slice(1)], {
      file,
      env: relay ? { ...policy.env, ...relay.env } : policy.env,
      ...relay?.spawnOptions(),
      cwd: policy.cwd,
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      extraFds: io.extraFds,
      rlimits: containment.rlimits.map(({ resource, soft, hard }) => ({ resource, soft, hard })),
      ...(policy.user ? { user: policy.user } : {}),
      cloneNamespaces: ns,
      dropCapabilities: true,
      ...userNamespace,
      ...(cgroup?.cgroupFd !== undefined ? { cgroupFd: cgroup.cgroupFd } : {}),
      ...(cgroup && cgroup.cgroupProcsFds.length ? { cgroupProcsFds: cgroup.cgroupProcsFds } : {}),
      ...(procfs ? { mountProc: true } : {}),
      ...(plan.namespaces.privateRoot ? { privateRoot: sandboxView(policy, grants.fs, opened, { carve, procfs, cgroup, landlockAbi: landlock.rulesetFd === undefined ? 0 : landlock.report.abi }) } : {}),
      ...(initFile ? { init: initFile.use } : {}),
      ...(landlock.rulesetFd !== undefined
        ? { landlock: { rulesetFd: landlock.rulesetFd, restrictFlags: landlock.restrictFlags | (explain?.restrictFlags ?? 0), procAccess: PROC_ACCESS, ...(plan.namespaces.privateRoot ? { rootAccess: ROOT_ACCESS } : {}) } }
        : {}),
      // No fresh /proc: the command's own /proc/<pid> only (never all of /proc).
      ...(!procfs && landlock.rulesetFd !== undefined ? { procSelf: true } : {}),
      ...(explain?.seccomp
        ? { seccomp: { filter: explain.seccomp.filter, flags: 0 }, notifySock: explain.seccomp.notifySock }
        : plan.seccomp
          ? { seccomp: { filter: plan.seccomp.filter, flags: 0 } }
          : {}),
    });
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
    opened.close();
  }
  io.done(true);
  mark(SPAWN_PHASES.spawn);
  explain?.started(proc.pid, init !== undefined);

  // The command is signalled through its pidfd only (LinuxSubprocess.kill): never a pid reaped and reused.
  const target = { ...(cgroup ? { cgroup } : {}), command: proc, ...(underInit ? { initPid: proc.pid } : {}) };
  const tree = () => killTree(containment.treeKill.rung, target);
  // Once the command has exited, the exit path kills whatever it left: nothing more to signal.
  const signalAll = (signal: number) => (proc.exitCode === null && proc.signalCode === null ? signalEveryProcess(containment.treeKill.rung, target, signal) : Promise.resolve());
  const supervisor = supervise({ ...(cgroup ? { cgroup } : {}), watch: containment.watch, killTree: tree, signalTree: signalAll });
  let limit: LimitVerdict | undefined;
  const exited = proc.exited.then(async (code) => {
    mark(SPAWN_PHASES.exit);
    // The command is gone; whatever it left behind goes with it.
    // Most commands leave nothing: an empty cgroup needs no kill (one read instead of a watch).
    if (!cgroup || cgroup.populated()) await tree().catch(() => {});
    limit = supervisor.stop();
    relay?.stop();
    const facts = explain ? { verdict: limit, ...cgroup?.events() } : {};
    cgroup?.destroy();
    await explain?.finish(policy.limits, facts);
    mark(SPAWN_PHASES.teardown);
    return limit === "timeout" ? 124 : code;
  });

  const report: Report = {
    platform: `linux-${process.arch}`,
    compat: policy.compat,
    guarantees,
    host: [...hostNotes(host, containmentHost.cgroups.notes), ...(groupsNote ? [groupsNote] : []), ...(noPty ? [noPty] : [])],
    ...(relay && { network: relay.network }),
  };
  if (relay) {
    try {
      relay.start();
    } catch (e) {
      // The command runs but its relay does not: it must not go on (its tree is ended, then torn down as on exit).
      void signalTree(containment.treeKill.rung, target).catch(() => {});
      exited.catch(() => {});
      throw e;
    }
  }
  const sandboxed = sandboxedView(proc, {
    exited,
    // The caller's kill only starts the kill; the exit path above waits for the tree to be gone.
    killTree: () => void signalTree(containment.treeKill.rung, target).catch(() => {}),
    timedOut: () => limit === "timeout" || supervisor.verdict() === "timeout",
    limit: () => limit ?? supervisor.verdict(),
    signalTree: (signal) => void signalAll(signal).catch(() => {}),
    stdio: io.stdio,
    ref: (on) => (on ? supervisor.ref() : supervisor.unref()),
  });
  return { proc: sandboxed, report };
}
