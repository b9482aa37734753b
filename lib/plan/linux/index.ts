// The Linux plan of one sandbox: every decision the backend carries out —
// which grants (with "/" expanded and cordon-init added), the landlock
// ruleset, the seccomp program, the namespaces, the private root's
// description, rlimits, cgroups and the tree kill — and the report of what
// enforces each guarantee. Pure: the host is described (host.ts), nothing is
// probed, opened or cached here, so it runs (and is tested) on any OS.
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeReport } from "../../report.ts";
import { carveOutReport } from "./carve-outs.ts";
import { planContainment, type ContainmentPlan } from "./containment.ts";
import type { LinuxPlanHost } from "./host.ts";
import { FS_RIGHTS, landlockGuarantees, planLandlock, rightsOf, type LandlockPlan } from "./landlock/index.ts";
import { bestEffortRights, coveredElsewhere, foldCovered, planSandbox, type SandboxPlan } from "./sandbox.ts";
import type { CompiledFilter } from "./seccomp/index.ts";

export type { LinuxPlanHost } from "./host.ts";

/** A guarantee hard mode refuses, and why. */
export type Refusal = { readonly guarantee: string; readonly reason: string };

/** LANDLOCK_ACCESS_FS_READ_FILE | READ_DIR: the sandbox reads its own /proc (or its own /proc/<pid>). */
const PROC_ACCESS = FS_RIGHTS.read_file.bit | FS_RIGHTS.read_dir.bit;
/**
 * LANDLOCK_ACCESS_FS_READ_DIR beneath the private root's own tmpfs, so `ls /`
 * works: the view holds only grants (each readable already), the mount
 * points of the working directory and /proc, and symlinks, so listing it
 * shows nothing a stat could not.
 */
const ROOT_ACCESS = FS_RIGHTS.read_dir.bit;

/** LANDLOCK_ACCESS_NET_CONNECT_TCP: the one rule egress's proxy-only mode adds for the proxy's port. */
const CONNECT_TCP = rightsOf("net").find((r) => r.name === "net.connect_tcp")!.bit;

/**
 * For the report where no private root can be made: the system devices are
 * then the host's nodes under landlock write rules, and landlock has no right
 * for chmod, chown or utimes.
 */
export const DEVICES_WITHOUT_PRIVATE_ROOT =
  "devices: no private root here, so /dev/null, /dev/zero and /dev/full are the host's nodes under landlock write rules; landlock has no right for chmod, chown or utimes: a command running as their owner (root) can change their mode and times (chown to another owner needs CAP_CHOWN, which is dropped), and any command can set their times to now";

/**
 * The part of a plan that depends on the policy's shape only (limits, user,
 * network, egress, compat) and the host, not on its paths: every spawn of one
 * compiled sandbox shares it.
 */
export type ShapePlan = {
  readonly containment: ContainmentPlan;
  readonly sandbox: SandboxPlan;
  /** What other mechanisms cover, and the landlock rights that are best-effort for it. */
  readonly covered: Readonly<Record<string, string>>;
  readonly rights: Readonly<Record<string, "best-effort">>;
};

/** The shape's plan (throws CompatError in hard mode for a containment guarantee this host cannot give). */
export function planShape(policy: ResolvedPolicy, host: LinuxPlanHost): ShapePlan {
  const sandbox = planSandbox(policy, host.sandbox);
  const covered = coveredElsewhere({ net: sandbox.net }, host.sandbox, sandbox);
  // Whether a pid namespace can be had is what the namespace probe found, not what sysctls suggest.
  const containment = planContainment(policy, { ...host.containment, pidNamespace: host.sandbox.namespaces !== "none" });
  return { containment, sandbox, covered, rights: bestEffortRights(covered) };
}

/** The private root's description; the backend lists it against the filesystem and the grants' fds. */
export type ViewPlan = {
  readonly read: readonly string[];
  readonly write: readonly string[];
  /** The spawn's own writable directory (its private TMPDIR and HOME), when it has one. */
  readonly own?: string;
  readonly cwd: string;
  readonly procfs: boolean;
  readonly links: readonly string[];
  /** What the view's own filesystems are sized and ruled by. */
  readonly mounts: { readonly landlockAbi: number; readonly memory?: number; readonly pty: boolean };
};

export type LinuxPlan = {
  readonly policy: ResolvedPolicy;
  /** The host it was planned for. */
  readonly host: LinuxPlanHost;
  readonly shape: ShapePlan;
  /** Grants as ruled and bound: "/" expanded, cordon-init added to the reads. */
  readonly read: readonly string[];
  readonly write: readonly string[];
  /** Carve-outs beneath the grants (denyRead, then denyWrite and protected), when the policy has any. */
  readonly carve?: { readonly denyRead: readonly string[]; readonly readOnly: readonly string[] };
  /** Every path opened once and checked against its resolution before the spawn. */
  readonly checked: readonly string[];
  readonly landlock: LandlockPlan;
  /** Egress: the relay in the command's network namespace, or a proxy on this host's loopback (landlock then lets TCP connect to its port). */
  readonly relay?: { readonly mode: "netns" | "proxy"; readonly connectAccess: number };
  readonly seccomp?: CompiledFilter;
  readonly namespaces: {
    readonly pid: boolean;
    readonly ipc: boolean;
    readonly mount: boolean;
    readonly net: boolean;
    /** All of them inside a new user namespace keeping these ids (unprivileged). */
    readonly user?: { readonly uid: number; readonly gid: number };
  };
  /** A fresh /proc in the pid and mount namespaces. */
  readonly mountProc: boolean;
  /** No fresh /proc but landlock: the command is granted its own /proc/<pid> only. */
  readonly procSelf: boolean;
  /** cordon-init, granted read-only wherever namespaces can be had. */
  readonly init?: string;
  /** cordon-init runs as pid 1 of the pid namespace and execs the command. */
  readonly underInit: boolean;
  readonly view?: ViewPlan;
  readonly landlockAccess: { readonly proc: number; readonly root?: number };
  readonly report: readonly GuaranteeReport[];
  /** Refused in hard mode beyond the report's gaps (the portable layer refuses them all at once). */
  readonly refusals: readonly Refusal[];
  /** What shaped this sandbox here, for the report (refusals' reasons follow them there). */
  readonly notes: readonly string[];
};

/**
 * Grants with "/" replaced by what lies at the top of "/" (but /proc): a
 * view's root is always its own tmpfs, so landlock rules and binds go on what
 * lies beneath it, and the sandbox's /proc is its own or none.
 */
export function expandRoot(grants: readonly string[], rootTop: readonly string[] | undefined): readonly string[] {
  // A host described without its top of "/" keeps "/" as it is.
  if (!grants.includes("/") || rootTop === undefined) return grants;
  return [...new Set(grants.flatMap((g) => (g === "/" ? rootTop : [g])))];
}

function hostNotes(host: LinuxPlanHost): string[] {
  const h = host.sandbox;
  const notes: string[] = [
    h.namespaces === "none"
      ? "namespaces: none can be created here (container profile, sysctl or AppArmor)"
      : `namespaces: ${h.namespaces === "user" ? "inside a user namespace" : "created directly"}${h.procfs ? "" : "; no fresh /proc (mount refused, e.g. inside another sandbox)"}${h.netns ? "" : "; no network namespace"}`,
  ];
  if (!h.procfs) notes.push("/proc: only the command's own /proc/<pid> is readable (its /proc/self); processes it starts have no /proc/self, and /proc/self/net shows this host's network namespace");
  if (h.namespaces === "none" || !h.procfs) notes.push(DEVICES_WITHOUT_PRIVATE_ROOT);
  return [...notes, ...(host.notes ?? []), ...host.containment.cgroups.notes.map((n) => `cgroups: ${n}`)];
}

/** Stands for a spawn's run directory in its landlock plan (see landlockWithRunDir); never a path cordon makes. */
export const RUN_DIR_STAND_IN = "/.cordon-run-directory";

/**
 * The landlock plan of `read` and `write` from `plan`, with the spawn's run
 * directory planned as RUN_DIR_STAND_IN and put back in the result. Each
 * path's rule is planned on its own (merged only with the same path), so
 * the swap changes nothing but the name; it makes the planned input the same
 * for every spawn of one policy, which planLandlock then keeps instead of
 * compiling and freezing it anew per spawn. Where the stand-in would not be
 * unique (the run directory also read, or the stand-in granted), planned as is.
 */
export function landlockWithRunDir(runDir: string | undefined, read: readonly string[], write: readonly string[], plan: (write: readonly string[]) => LandlockPlan): LandlockPlan {
  const unique = runDir !== undefined && !read.includes(runDir) && write.indexOf(runDir) === write.lastIndexOf(runDir) && write.includes(runDir);
  if (!unique || read.includes(RUN_DIR_STAND_IN) || write.includes(RUN_DIR_STAND_IN)) return plan(write);
  const p = plan(write.map((w) => (w === runDir ? RUN_DIR_STAND_IN : w)));
  return {
    ...p,
    rules: p.rules.map((r) => (r.path === RUN_DIR_STAND_IN ? { ...r, path: runDir } : r)),
    report: { ...p.report, rules: p.report.rules.map((r) => (r.target === RUN_DIR_STAND_IN ? { ...r, target: runDir } : r)) },
  };
}

/**
 * Plans one sandbox of `policy` for `host`. In hard mode a containment or
 * landlock requirement this host cannot meet throws CompatError here; the
 * other gaps are in the report (and `refusals`) for the caller to refuse.
 */
export function planLinux(policy: ResolvedPolicy, host: LinuxPlanHost, shape: ShapePlan = planShape(policy, host)): LinuxPlan {
  const { sandbox, containment, covered, rights } = shape;
  const hostLandlock = host.sandbox.landlockAbi;
  // Carve-outs depend on the policy's paths, not its shape.
  const carved = carveOutReport(policy, { privateRoot: sandbox.namespaces.privateRoot, landlock: hostLandlock > 0 });
  // pty asks for a devpts of the sandbox's own, which only a private root holds: without one, hard mode refuses; best-effort notes it.
  const noPty = policy.pty && !sandbox.namespaces.privateRoot ? "pty: no private root here (mount namespace), so no devpts of the sandbox's own: the command cannot open ptys" : undefined;
  const refusals: Refusal[] = noPty ? [{ guarantee: "pty", reason: noPty }] : [];
  const gaps = [...sandbox.report, ...carved].some((g) => g.status !== "enforced") || refusals.length > 0;

  // cordon-init (pid 1 of the sandbox's pid namespace) must be executable inside, read-only.
  const init = host.sandbox.namespaces !== "none" ? host.init : undefined;
  const read = expandRoot(init ? [...policy.fs.read, init] : policy.fs.read, host.rootTop);
  const write = expandRoot(policy.fs.write, host.rootTop);
  // Host grants: the relay's sockets are made by the child in its network
  // namespace, or (no namespace here) a proxy on this host's loopback, whose
  // port landlock lets TCP connect to (the backend adds that rule).
  const relayMode = !policy.egress ? undefined : sandbox.namespaces.net ? "netns" : sandbox.egressProxy ? "proxy" : undefined;
  // Rights another mechanism covers are best-effort for landlock (an older
  // kernel is not refused for them); everything else keeps the policy's level.
  // Where hard mode refuses for another gap anyway, landlock's own gaps join
  // the report instead of refusing first.
  const compat = { default: gaps && policy.compat === "hard" ? ("best-effort" as const) : policy.compat, rights };
  const landlock = landlockWithRunDir(policy.runDir, read, write, (w) =>
    planLandlock({ ...policy, net: sandbox.net, fs: { ...policy.fs, read, write: w } }, { abi: hostLandlock, ...(host.sandbox.landlockUnavailable ? { unavailable: host.sandbox.landlockUnavailable } : {}) }, { compat }),
  );
  const carve = carveOf(policy.fs);

  const procfs = sandbox.namespaces.procfs;
  const privateRoot = sandbox.namespaces.privateRoot;
  const pid = containment.newPidNamespace || procfs;
  const mount = procfs || privateRoot;
  const any = sandbox.namespaces.ipc || pid || mount || sandbox.namespaces.net;
  // Unprivileged: the same namespaces inside a user namespace that keeps the caller's ids.
  const user = host.sandbox.namespaces === "user" && any && host.ids ? host.ids : undefined;
  const landlockAbi = landlock.apply ? landlock.report.abi : 0;
  const view: ViewPlan | undefined = privateRoot
    ? {
        read,
        write,
        ...(policy.tmpDir !== undefined ? { own: policy.runDir ?? policy.tmpDir } : {}),
        cwd: policy.cwd,
        procfs,
        links: policy.fs.links ?? [],
        mounts: { landlockAbi, ...(policy.limits.memory !== undefined ? { memory: policy.limits.memory } : {}), pty: policy.pty === true },
      }
    : undefined;
  const report = [...foldCovered(landlockGuarantees(landlock.report), covered), ...sandbox.report, ...carved, ...containment.report];
  return {
    policy,
    host,
    shape,
    read,
    write,
    ...(carve ? { carve } : {}),
    checked: [...read, ...write, ...(carve ? [...carve.denyRead, ...carve.readOnly] : [])],
    landlock,
    ...(relayMode ? { relay: { mode: relayMode, connectAccess: CONNECT_TCP } } : {}),
    ...(sandbox.seccomp ? { seccomp: sandbox.seccomp } : {}),
    namespaces: { pid, ipc: sandbox.namespaces.ipc, mount, net: sandbox.namespaces.net, ...(user ? { user } : {}) },
    mountProc: procfs,
    procSelf: !procfs && landlock.apply,
    ...(init ? { init } : {}),
    underInit: init !== undefined && pid,
    ...(view ? { view } : {}),
    landlockAccess: { proc: PROC_ACCESS, ...(privateRoot ? { root: ROOT_ACCESS } : {}) },
    report,
    refusals,
    notes: hostNotes(host),
  };
}

/** The policy's carve-outs, or undefined when it has none. */
function carveOf(fs: Pick<ResolvedPolicy["fs"], "denyRead" | "denyWrite" | "protected">): LinuxPlan["carve"] {
  const readOnly = [...(fs.denyWrite ?? []), ...(fs.protected ?? [])];
  if (!fs.denyRead?.length && !readOnly.length) return undefined;
  return { denyRead: fs.denyRead ?? [], readOnly };
}
