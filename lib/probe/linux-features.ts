// Live probes of the Linux mechanisms cordon uses, in words: the host model
// (lib/host/linux, probed once per process, the one spawn plans with) with the
// evidence beside each answer, plus a few facts only `cordon probe` shows
// (pidfd, IOMMU, resctrl).
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { landlockOf, linuxHostModel, type LinuxHostModel } from "../host/linux/index.ts";
import { locateOwnCgroups } from "../backend/linux/cgroup/mounts.ts";

export type Outcome = "yes" | "no" | "untested";
export type Evidence = { readonly outcome: Outcome; readonly evidence: string };

export type NamespaceKind = "user" | "mount" | "pid" | "net" | "ipc" | "uts" | "cgroup";

export type CgroupFeatures = {
  /** "v2": unified only; "v1": legacy only; "hybrid": both mounted; "none". */
  readonly mode: "v2" | "v1" | "hybrid" | "none";
  /** v1 controller → mount point. */
  readonly v1: Readonly<Record<string, string>>;
  readonly v2?: { readonly mount: string; readonly controllers: readonly string[]; readonly path: string };
  /** Could this process create (and remove) a child cgroup? Per hierarchy: "v2", "memory", "pids", ... */
  readonly childCgroup: Readonly<Record<string, Evidence>>;
  /** cgroup.kill in a fresh v2 child (Linux 5.14). */
  readonly kill: Evidence;
};

export type LinuxFeatures = {
  readonly kernel: string;
  readonly root: boolean;
  readonly landlock: Evidence & { readonly abi: number };
  readonly seccomp: Evidence & { readonly actions: readonly string[] };
  readonly noNewPrivs: Evidence;
  readonly namespaces: Readonly<Record<NamespaceKind, Evidence>>;
  /** All of user+mount+pid+net+ipc+uts created by an unprivileged uid. */
  readonly unprivilegedUserns: Evidence;
  readonly cgroups: CgroupFeatures;
  readonly pidfd: Evidence;
  readonly iommu: Evidence;
  readonly resctrl: Evidence;
};

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

const kinds: readonly NamespaceKind[] = ["user", "mount", "pid", "net", "ipc", "uts", "cgroup"];

/** What the host model's native probe found: each kind made by clone, directly and inside a user namespace. */
function namespaces(host: LinuxHostModel): { each: Record<NamespaceKind, Evidence>; unprivileged: Evidence } {
  const ns = host.namespaces;
  const each = Object.fromEntries(
    kinds.map((k) => {
      if (k === "user") return [k, { outcome: ns.user ? "yes" : "no", evidence: `clone(CLONE_NEWUSER) as uid ${host.euid}: ${ns.user ? "ok" : "refused"}` }];
      const direct = ns.direct[k];
      const inUser = ns.inUser[k];
      const evidence = `clone(CLONE_NEW${k === "mount" ? "NS" : k.toUpperCase()}) directly: ${direct ? "ok" : "refused"}; inside a user namespace: ${inUser ? "ok" : "refused"}`;
      return [k, { outcome: direct || inUser ? "yes" : "no", evidence }];
    }),
  ) as Record<NamespaceKind, Evidence>;
  const who = host.euid === 0 ? "uid 65534" : `uid ${host.euid}`;
  let unprivileged: Evidence = { outcome: ns.unprivileged ? "yes" : "no", evidence: `clone of user + mount, pid, net, ipc, uts namespaces as ${who}: ${ns.unprivileged ? "ok" : "refused"}` };
  const limits = [
    ["/proc/sys/user/max_user_namespaces", "max_user_namespaces"],
    ["/proc/sys/kernel/unprivileged_userns_clone", "unprivileged_userns_clone"],
    ["/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "apparmor_restrict_unprivileged_userns"],
  ]
    .map(([path, name]) => [name, read(path!)] as const)
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => `${name}=${v}`);
  if (limits.length) unprivileged = { ...unprivileged, evidence: `${unprivileged.evidence}; ${limits.join(", ")}` };
  return { each, unprivileged };
}

/** The hierarchies as mounted, and what the host model's cgroup probe could make in each. */
function cgroups(host: LinuxHostModel): CgroupFeatures {
  const v1: Record<string, string> = {};
  let v2: CgroupFeatures["v2"];
  let located: ReturnType<typeof locateOwnCgroups> = [];
  try {
    located = locateOwnCgroups();
  } catch {
    // no /proc: nothing mounted that this process can see
  }
  for (const { mount, ownDir } of located) {
    if (mount.version === 2 && !v2) {
      const controllers = (read(`${mount.mountPoint}/cgroup.controllers`) ?? "").split(" ").filter(Boolean);
      v2 = { mount: mount.mountPoint, controllers, path: ownDir?.slice(mount.mountPoint.length) || "/" };
    } else if (mount.version === 1) {
      for (const c of mount.controllers) v1[c] ??= mount.mountPoint;
    }
  }
  const mode = v2 && Object.keys(v1).length ? "hybrid" : v2 ? "v2" : Object.keys(v1).length ? "v1" : "none";
  const notes = host.cgroups.notes;
  const made = (label: string, base: string | undefined, prefix: string): Evidence =>
    base ? { outcome: "yes", evidence: `probe cgroup made and removed in ${base}` } : { outcome: "no", evidence: notes.find((n) => n.startsWith(prefix)) ?? `${label}: no writable cgroup` };
  const childCgroup: Record<string, Evidence> = {};
  if (v2) childCgroup.v2 = made("cgroup v2", host.cgroups.v2?.base, "cgroup v2");
  for (const c of ["memory", "pids", "cpu", "freezer"] as const) if (v1[c]) childCgroup[c] = made(`cgroup v1 ${c}`, host.cgroups.v1[c]?.base, `cgroup v1 ${c}`);
  const kill: Evidence = !v2
    ? { outcome: "no", evidence: "no cgroup2 hierarchy mounted" }
    : !host.cgroups.v2
      ? { outcome: "untested", evidence: `cannot create a child cgroup: ${childCgroup.v2?.evidence}` }
      : host.cgroups.v2.kill
        ? { outcome: "yes", evidence: `cgroup.kill present in a fresh child of ${host.cgroups.v2.base}` }
        : { outcome: "no", evidence: "no cgroup.kill in a child cgroup (kernel < 5.14)" };
  return { mode, v1, ...(v2 && { v2 }), childCgroup, kill };
}

/** Bun waits on children with a pidfd where the kernel has one: look for it in our fd table. */
async function pidfd(): Promise<Evidence> {
  let child: ReturnType<typeof Bun.spawn> | undefined;
  try {
    child = Bun.spawn(["sleep", "10"], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
    for (const fd of readdirSync("/proc/self/fd")) {
      let link = "";
      try {
        link = readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue;
      }
      if (link !== "anon_inode:[pidfd]") continue;
      const pid = /^Pid:\s*(-?\d+)/m.exec(read(`/proc/self/fdinfo/${fd}`) ?? "")?.[1];
      if (Number(pid) === child.pid) return { outcome: "yes", evidence: `fd ${fd} is a pidfd for child ${child.pid} (fdinfo Pid: ${pid})` };
    }
    return { outcome: "untested", evidence: "no pidfd found for a spawned child" };
  } catch (e) {
    return { outcome: "untested", evidence: `could not spawn sleep(1): ${errCode(e)}` };
  } finally {
    child?.kill(9);
    await child?.exited;
  }
}

function statusField(name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.*)$`, "m").exec(read("/proc/self/status") ?? "")?.[1];
}

export async function linuxFeatures(): Promise<LinuxFeatures> {
  const host = linuxHostModel();
  const root = host.euid === 0;
  const abi = landlockOf(host).abi;
  const actions = host.seccomp.actions;
  const seccompMode = statusField("Seccomp");
  const ns = namespaces(host);
  const pid = await pidfd();
  const iommuGroups = (() => {
    try {
      return readdirSync("/sys/kernel/iommu_groups").length;
    } catch {
      return 0;
    }
  })();
  const resctrl = (read("/proc/filesystems") ?? "").split("\n").some((l) => l.trim().endsWith("resctrl"));
  return {
    kernel: host.kernel,
    root,
    landlock: {
      abi,
      outcome: abi > 0 ? "yes" : "no",
      evidence: abi > 0 ? `landlock_create_ruleset(VERSION) = ${host.landlock.kernelAbi}${abi < host.landlock.kernelAbi ? `, capped at ${abi}` : ""}` : `landlock_create_ruleset(VERSION) failed: ${landlockOf(host).unavailable ?? "landlock absent or disabled"}`,
    },
    seccomp: {
      actions,
      outcome: seccompMode === undefined ? "no" : actions.includes("errno") ? "yes" : "untested",
      evidence:
        seccompMode === undefined
          ? "no Seccomp field in /proc/self/status (CONFIG_SECCOMP off)"
          : `actions_avail: ${actions.join(" ") || "unreadable"}; this process: ${host.seccomp.filtered ? "under a filter" : "no filter"} (Seccomp ${seccompMode}, ${statusField("Seccomp_filters") ?? "?"} filters)`,
    },
    noNewPrivs: {
      outcome: statusField("NoNewPrivs") === undefined ? "no" : "yes",
      evidence: statusField("NoNewPrivs") === undefined ? "no NoNewPrivs field in /proc/self/status" : `kernel tracks it (this process: NoNewPrivs ${host.noNewPrivs ? 1 : 0})`,
    },
    namespaces: ns.each,
    unprivilegedUserns: ns.unprivileged,
    cgroups: cgroups(host),
    pidfd: pid,
    iommu: { outcome: iommuGroups > 0 && existsSync("/dev/vfio") ? "yes" : "no", evidence: `${iommuGroups} IOMMU groups; /dev/vfio ${existsSync("/dev/vfio") ? "present" : "absent"}` },
    resctrl: { outcome: resctrl ? "yes" : "no", evidence: resctrl ? "resctrl in /proc/filesystems" : "no resctrl in /proc/filesystems" },
  };
}
