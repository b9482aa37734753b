// Where the cgroup hierarchies are mounted and where the caller sits in each,
// read from /proc/self/mountinfo (proc(5)) and /proc/self/cgroup (cgroups(7)).
import { readFileSync } from "node:fs";

export type CgroupMount = {
  readonly version: 1 | 2;
  /** Mount point in this mount namespace. */
  readonly mountPoint: string;
  /** The hierarchy path shown at the mount point ("/" unless a sub-tree is bind-mounted or a cgroup namespace hides the rest). */
  readonly root: string;
  /** v1: the controllers bound to this hierarchy (memory, pids, cpu, cpuacct, freezer, name=...). v2: empty. */
  readonly controllers: readonly string[];
};

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** The cgroup and cgroup2 mounts in mountinfo text, first mount of each hierarchy only. */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  const seen = new Set<string>();
  for (const line of mountinfo.split("\n")) {
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    const pre = line.slice(0, sep).split(" ");
    const [fsType, , superOptions = ""] = line.slice(sep + 3).split(" ");
    if (fsType !== "cgroup" && fsType !== "cgroup2") continue;
    const devId = pre[2]!;
    // A hierarchy mounted twice has one major:minor; the first mount is enough.
    if (seen.has(devId)) continue;
    seen.add(devId);
    const controllers =
      fsType === "cgroup"
        ? superOptions.split(",").filter((o) => !["rw", "ro", "noprefix", "clone_children", "xattr", "cpuset_v2_mode"].includes(o) && !o.startsWith("release_agent="))
        : [];
    mounts.push({ version: fsType === "cgroup2" ? 2 : 1, mountPoint: unescape(pre[4]!), root: unescape(pre[3]!), controllers });
  }
  return mounts;
}

export type OwnCgroup = {
  /** "" for the v2 line (hierarchy id 0). */
  readonly controllers: readonly string[];
  readonly path: string;
  readonly version: 1 | 2;
};

/** Lines of /proc/<pid>/cgroup: "hierarchy-id:controller-list:path". */
export function parseOwnCgroups(text: string): OwnCgroup[] {
  const out: OwnCgroup[] = [];
  for (const line of text.split("\n")) {
    const m = line.match(/^(\d+):([^:]*):(.*)$/);
    if (!m) continue;
    const v2 = m[1] === "0" && m[2] === "";
    out.push({ version: v2 ? 2 : 1, controllers: m[2] ? m[2].split(",") : [], path: m[3]! });
  }
  return out;
}

/** The directory of `own` below `mount`, or undefined when the mount does not show it. */
export function ownDirectory(mount: CgroupMount, own: string): string | undefined {
  const root = mount.root === "/" ? "" : mount.root;
  if (own !== root && !own.startsWith(`${root}/`)) return undefined;
  const rel = own.slice(root.length);
  return rel === "" || rel === "/" ? mount.mountPoint : `${mount.mountPoint}${rel}`;
}

/** Each mounted hierarchy with the caller's directory in it. */
export function locateOwnCgroups(pid: number | "self" = "self"): { mount: CgroupMount; ownDir: string | undefined }[] {
  const mounts = parseCgroupMounts(readFileSync("/proc/self/mountinfo", "utf8"));
  const own = parseOwnCgroups(readFileSync(`/proc/${pid}/cgroup`, "utf8"));
  return mounts.map((mount) => {
    const line =
      mount.version === 2
        ? own.find((o) => o.version === 2)
        : own.find((o) => o.version === 1 && o.controllers.length === mount.controllers.length && o.controllers.every((c) => mount.controllers.includes(c)));
    return { mount, ownDir: line ? ownDirectory(mount, line.path) : undefined };
  });
}
