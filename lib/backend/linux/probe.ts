// Live probes of the Linux mechanisms cordon uses. Each answer comes from
// asking the kernel (a syscall, a namespace actually created, a cgroup
// actually made and removed), with the evidence in words beside it.
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmdirSync } from "node:fs";
import { landlockAbiVersion } from "../../../ffi/linux.ts";

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

/** Runs argv, answers whether it exited 0, with its first stderr line. */
async function tryCommand(argv: string[]): Promise<{ ok: boolean; why: string }> {
  try {
    const p = Bun.spawn(argv, { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
    return { ok: code === 0, why: err.trim().split("\n")[0] || `exit ${code}` };
  } catch (e) {
    return { ok: false, why: errCode(e) };
  }
}

const unshareFlags: Record<NamespaceKind, string> = {
  user: "--user",
  mount: "--mount",
  pid: "--pid",
  net: "--net",
  ipc: "--ipc",
  uts: "--uts",
  cgroup: "--cgroup",
};

function which(cmd: string): string | undefined {
  return Bun.which(cmd) ?? undefined;
}

async function namespaces(root: boolean): Promise<{ each: Record<NamespaceKind, Evidence>; unprivileged: Evidence }> {
  const unshare = which("unshare");
  const kinds = Object.keys(unshareFlags) as NamespaceKind[];
  if (!unshare) {
    const none: Evidence = { outcome: "untested", evidence: "unshare(1) not installed" };
    return { each: Object.fromEntries(kinds.map((k) => [k, none])) as Record<NamespaceKind, Evidence>, unprivileged: none };
  }
  const each = await Promise.all(
    kinds.map(async (k) => {
      // Without privilege every namespace but user needs a user namespace around it.
      const argv = root || k === "user" ? [unshare, unshareFlags[k], ...(k === "pid" ? ["--fork"] : []), "true"] : [unshare, "--user", "--map-root-user", unshareFlags[k], ...(k === "pid" ? ["--fork"] : []), "true"];
      const r = await tryCommand(argv);
      const how = root ? "as root" : k === "user" ? "unprivileged" : "inside a user namespace";
      return [k, { outcome: r.ok ? "yes" : "no", evidence: r.ok ? `unshare ${unshareFlags[k]} ${how}: ok` : `unshare ${unshareFlags[k]} ${how}: ${r.why}` }] as const;
    }),
  );
  const all = ["--user", "--map-root-user", "--mount", "--pid", "--fork", "--net", "--ipc", "--uts", "true"];
  const setpriv = which("setpriv");
  let unprivileged: Evidence;
  if (!root) {
    const r = await tryCommand([unshare, ...all]);
    unprivileged = { outcome: r.ok ? "yes" : "no", evidence: `unshare -U -r -m -p -f -n -i -u as uid ${process.getuid?.()}: ${r.ok ? "ok" : r.why}` };
  } else if (setpriv) {
    const r = await tryCommand([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--", unshare, ...all]);
    unprivileged = { outcome: r.ok ? "yes" : "no", evidence: `unshare -U -r -m -p -f -n -i -u as uid 65534: ${r.ok ? "ok" : r.why}` };
  } else {
    unprivileged = { outcome: "untested", evidence: "running as root and setpriv(1) is not installed" };
  }
  const limits = [
    ["/proc/sys/user/max_user_namespaces", "max_user_namespaces"],
    ["/proc/sys/kernel/unprivileged_userns_clone", "unprivileged_userns_clone"],
    ["/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "apparmor_restrict_unprivileged_userns"],
  ]
    .map(([path, name]) => [name, read(path!)] as const)
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => `${name}=${v}`);
  if (limits.length) unprivileged = { ...unprivileged, evidence: `${unprivileged.evidence}; ${limits.join(", ")}` };
  return { each: Object.fromEntries(each) as Record<NamespaceKind, Evidence>, unprivileged };
}

const v1Controllers = ["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "blkio", "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc"];

/** mkdir + rmdir of a child under `dir`; `look` inspects it while it exists. */
function tryChild(dir: string, look?: (child: string) => Evidence): { made: Evidence; look?: Evidence } {
  const child = `${dir}/cordon-probe-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    mkdirSync(child);
  } catch (e) {
    return { made: { outcome: "no", evidence: `mkdir in ${dir}: ${errCode(e)}` } };
  }
  try {
    return { made: { outcome: "yes", evidence: `mkdir + rmdir in ${dir}: ok` }, ...(look && { look: look(child) }) };
  } finally {
    try {
      rmdirSync(child);
    } catch {
      // A child cgroup with no process in it always goes; nothing else to do.
    }
  }
}

function cgroups(): CgroupFeatures {
  const v1: Record<string, string> = {};
  let v2: CgroupFeatures["v2"];
  const own = new Map<string, string>();
  for (const line of (read("/proc/self/cgroup") ?? "").split("\n")) {
    const [, ctrls, path] = line.split(":");
    if (ctrls !== undefined && path !== undefined) own.set(ctrls === "" ? "" : ctrls, path);
  }
  for (const line of (read("/proc/self/mountinfo") ?? "").split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const mount = left.split(" ")[4]!;
    const [fstype, , superOpts = ""] = right.split(" ");
    if (fstype === "cgroup2" && !v2) {
      const controllers = (read(`${mount}/cgroup.controllers`) ?? "").split(" ").filter(Boolean);
      v2 = { mount, controllers, path: own.get("") ?? "/" };
    } else if (fstype === "cgroup") {
      for (const c of superOpts.split(",").filter((o) => v1Controllers.includes(o))) v1[c] ??= mount;
    }
  }
  const mode = v2 && Object.keys(v1).length ? "hybrid" : v2 ? "v2" : Object.keys(v1).length ? "v1" : "none";
  const childCgroup: Record<string, Evidence> = {};
  let kill: Evidence = { outcome: "no", evidence: "no cgroup2 hierarchy mounted" };
  if (v2) {
    const dir = `${v2.mount}${v2.path === "/" ? "" : v2.path}`;
    const r = tryChild(dir, (child) =>
      existsSync(`${child}/cgroup.kill`) ? { outcome: "yes", evidence: `cgroup.kill present in a fresh child of ${dir}` } : { outcome: "no", evidence: "no cgroup.kill in a child cgroup (kernel < 5.14)" },
    );
    childCgroup.v2 = r.made;
    kill = r.look ?? { outcome: "untested", evidence: `cannot create a child cgroup: ${r.made.evidence}` };
  }
  for (const c of ["memory", "pids", "cpu", "freezer"]) {
    const mount = v1[c];
    if (!mount) continue;
    const path = [...own].find(([k]) => k.split(",").includes(c))?.[1] ?? "/";
    childCgroup[c] = tryChild(`${mount}${path === "/" ? "" : path}`).made;
  }
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
  const root = process.getuid?.() === 0;
  const abi = landlockAbiVersion();
  const actions = read("/proc/sys/kernel/seccomp/actions_avail")?.split(" ").filter(Boolean) ?? [];
  const seccompMode = statusField("Seccomp");
  const [ns, pid] = await Promise.all([namespaces(root), pidfd()]);
  const iommuGroups = (() => {
    try {
      return readdirSync("/sys/kernel/iommu_groups").length;
    } catch {
      return 0;
    }
  })();
  const resctrl = (read("/proc/filesystems") ?? "").split("\n").some((l) => l.trim().endsWith("resctrl"));
  return {
    kernel: read("/proc/sys/kernel/osrelease") ?? "unknown",
    root,
    landlock: {
      abi,
      outcome: abi > 0 ? "yes" : "no",
      evidence: abi > 0 ? `landlock_create_ruleset(VERSION) = ${abi}` : "landlock_create_ruleset(VERSION) failed: landlock absent or disabled",
    },
    seccomp: {
      actions,
      outcome: seccompMode === undefined ? "no" : actions.includes("errno") ? "yes" : "untested",
      evidence:
        seccompMode === undefined
          ? "no Seccomp field in /proc/self/status (CONFIG_SECCOMP off)"
          : `actions_avail: ${actions.join(" ") || "unreadable"}; this process: Seccomp ${seccompMode}, ${statusField("Seccomp_filters") ?? "?"} filters`,
    },
    noNewPrivs: {
      outcome: statusField("NoNewPrivs") === undefined ? "no" : "yes",
      evidence: statusField("NoNewPrivs") === undefined ? "no NoNewPrivs field in /proc/self/status" : `kernel tracks it (this process: NoNewPrivs ${statusField("NoNewPrivs")})`,
    },
    namespaces: ns.each,
    unprivilegedUserns: ns.unprivileged,
    cgroups: cgroups(),
    pidfd: pid,
    iommu: { outcome: iommuGroups > 0 && existsSync("/dev/vfio") ? "yes" : "no", evidence: `${iommuGroups} IOMMU groups; /dev/vfio ${existsSync("/dev/vfio") ? "present" : "absent"}` },
    resctrl: { outcome: resctrl ? "yes" : "no", evidence: resctrl ? "resctrl in /proc/filesystems" : "no resctrl in /proc/filesystems" },
  };
}
