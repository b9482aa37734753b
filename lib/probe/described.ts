// The hosts `cordon probe --compare` and docs/security-model.md describe
// rather than measure: each OS cordon targets, planned for one CI job by its
// own pure planner. Each host comes in two variants, with and without
// privilege: the column shows one, and P23 compares the two.
import type { CgroupHost } from "../plan/linux/containment-host.ts";
import { planDarwin } from "../plan/darwin/index.ts";
import { planFreebsd } from "../plan/freebsd/index.ts";
import { planOpenbsd } from "../plan/openbsd/index.ts";
import { planWindows } from "../plan/windows/index.ts";
import type { ResolvedPolicy } from "../policy/types.ts";
import type { GuaranteeReport } from "../report.ts";
import { linuxReport } from "./linux-report.ts";
import type { LinuxPlanHost } from "../plan/linux/host.ts";

export type Os = "linux" | "windows" | "darwin" | "freebsd" | "openbsd";

export type HostColumn = {
  readonly key: string;
  readonly os: Os;
  /** Column header. */
  readonly title: string;
  /** The host in words: what the marks assume. */
  readonly host: string;
  /** Which variant the column shows. */
  readonly shows: "privileged" | "unprivileged";
  /** The planner that makes the report: the marks' source. */
  readonly plan: string;
  readonly privileged: () => GuaranteeReport[];
  readonly unprivileged: () => GuaranteeReport[];
  readonly live?: true;
};

const GiB = 2 ** 30;

/** The CI job every host plans: reads its sources, writes its output, no network, every limit set. */
export function ciJob(os: Os): ResolvedPolicy {
  const win = os === "windows";
  const p = (unix: string, windows: string) => (win ? windows : unix);
  return {
    fs: {
      read: win ? ["C:\\Windows", "C:\\work\\src"] : ["/usr", "/etc", "/job/src"],
      write: [p("/job/out", "C:\\work\\out"), p("/job/tmp", "C:\\work\\tmp")],
    },
    env: { PATH: p("/usr/bin:/bin", "C:\\Windows\\System32") },
    cwd: p("/job/src", "C:\\work\\src"),
    net: "none",
    limits: { memory: 2 * GiB, pids: 256, cpuSeconds: 600, timeoutMs: 1_800_000, openFiles: 1024, fileSize: GiB },
    compat: "best-effort",
  };
}

export const ciJobWords =
  "reads /usr, /etc and its sources, writes its output directory and a private TMPDIR, no network; " +
  "memory 2 GiB, 256 processes, 600 CPU seconds, 30 minutes, 1024 open files, 1 GiB per file; best-effort (the report says what is missing)";

/** A dedicated uid for the tree: needs root, and lets the BSD and macOS planners pool limits by uid. */
const dedicated = (os: Os): ResolvedPolicy => ({ ...ciJob(os), user: { uid: 2000, gid: 2000 } });

const noCgroups = (why: string): CgroupHost => ({ v1: {}, notes: [why] });

export const linuxPlan = "lib/plan/linux (landlock, sandbox, containment) as lib/probe/linux-report.ts composes them";
const linux = (host: LinuxPlanHost) => () => linuxReport(ciJob("linux"), host);

/** This project's CI host as measured (docs/assumptions/linux*.md): root, hybrid cgroups, every namespace. */
const ciHost: LinuxPlanHost = {
  sandbox: { arch: "x86_64", seccomp: true, landlockAbi: 7, namespaces: "direct", procfs: true, netns: true, capabilities: true },
  containment: {
    cgroups: {
      v2: { base: "/sys/fs/cgroup/unified/cordon", controllers: [], kill: true, swap: false },
      v1: { memory: { base: "/sys/fs/cgroup/memory/cordon", memsw: true }, pids: { base: "/sys/fs/cgroup/pids/cordon" }, cpu: { base: "/sys/fs/cgroup/cpu/cordon" }, cpuacct: { base: "/sys/fs/cgroup/cpuacct/cordon" }, freezer: { base: "/sys/fs/cgroup/freezer/cordon" } },
      notes: ["cgroup v2: controllers memory, pids, cpu not delegated"],
    },
    euid: 0,
    pidNamespace: true,
  },
};

export const asUser = (host: LinuxPlanHost, namespaces: "user" | "none"): LinuxPlanHost => ({
  sandbox: { ...host.sandbox, namespaces, procfs: namespaces !== "none" && host.sandbox.procfs, netns: namespaces !== "none" && host.sandbox.netns, capabilities: false },
  containment: { cgroups: noCgroups("no cgroup delegated to the user"), euid: 1000, pidNamespace: namespaces !== "none" },
});

/** A hosted ubuntu-24.04 runner: kernel 6.8 (landlock ABI 4), AppArmor blocks unprivileged user namespaces, systemd's cgroup v2. */
const runnerRoot: LinuxPlanHost = {
  sandbox: { arch: "x86_64", seccomp: true, landlockAbi: 4, namespaces: "direct", procfs: true, netns: true, capabilities: true },
  containment: { cgroups: { v2: { base: "/sys/fs/cgroup/cordon", controllers: ["memory", "pids", "cpu"], kill: true, swap: true }, v1: {}, notes: [] }, euid: 0, pidNamespace: true },
};

/** Root inside a container: the runtime's seccomp profile refuses namespaces and mounts; cgroupfs is read-only. */
const containerRoot: LinuxPlanHost = {
  sandbox: { arch: "x86_64", seccomp: true, landlockAbi: 7, namespaces: "none", procfs: false, netns: false, capabilities: true },
  containment: { cgroups: noCgroups("cgroupfs is mounted read-only in the container"), euid: 0, pidNamespace: false },
};

export const describedColumns: readonly HostColumn[] = [
  {
    key: "linux-ci",
    os: "linux",
    title: "Linux CI",
    host: "this project's CI host as measured: kernel 6.18, root, landlock ABI 7, seccomp, every namespace, cgroup v1 memory/pids/cpu/freezer beside a cgroup2 tree without controllers (cgroup.kill)",
    shows: "privileged",
    plan: linuxPlan,
    privileged: linux(ciHost),
    unprivileged: linux(asUser(ciHost, "user")),
  },
  {
    key: "linux-runner",
    os: "linux",
    title: "Linux runner",
    host: "an ordinary user on a hosted ubuntu-24.04 runner: kernel 6.8 (landlock ABI 4), unprivileged user namespaces blocked by AppArmor, no cgroup delegated (privileged variant: the same runner under sudo)",
    shows: "unprivileged",
    plan: linuxPlan,
    privileged: linux(runnerRoot),
    unprivileged: linux(asUser(runnerRoot, "none")),
  },
  {
    key: "linux-container",
    os: "linux",
    title: "Linux container",
    host: "root inside a container: landlock ABI 7 and seccomp, but the runtime's seccomp profile refuses namespaces and mounts, and cgroupfs is read-only",
    shows: "privileged",
    plan: linuxPlan,
    privileged: linux(containerRoot),
    unprivileged: linux(asUser(containerRoot, "none")),
  },
  {
    key: "windows",
    os: "windows",
    title: "Windows",
    host: "Windows 10/11 as an administrator, AppContainer identity (unprivileged variant: a standard user)",
    shows: "privileged",
    plan: "lib/plan/windows/index.ts planWindows",
    privileged: () => [...planWindows(ciJob("windows"), { elevated: true }).report],
    unprivileged: () => [...planWindows(ciJob("windows"), { elevated: false }).report],
  },
  {
    key: "darwin",
    os: "darwin",
    title: "macOS",
    host: "macOS as root running the tree under a dedicated uid, not itself under Seatbelt (unprivileged variant: the caller's own uid)",
    shows: "privileged",
    plan: "lib/plan/darwin/index.ts planDarwin",
    privileged: () => [...planDarwin(dedicated("darwin"), { callerUid: 0 }).report],
    unprivileged: () => [...planDarwin(ciJob("darwin"), { callerUid: 501 }).report],
  },
  {
    key: "freebsd",
    os: "freebsd",
    title: "FreeBSD",
    host: "FreeBSD as root with kern.racct.enable=1 at boot, the tree under a dedicated uid (unprivileged variant: a user on GENERIC, racct off)",
    shows: "privileged",
    plan: "lib/plan/freebsd/index.ts planFreebsd",
    privileged: () => [...planFreebsd(dedicated("freebsd"), { root: true, racct: true, callerUid: 0 }).report],
    unprivileged: () => [...planFreebsd(ciJob("freebsd"), { root: false, racct: false, callerUid: 1001 }).report],
  },
  {
    key: "openbsd",
    os: "openbsd",
    title: "OpenBSD",
    host: "OpenBSD as root, the tree under a dedicated uid (unprivileged variant: the caller's own uid)",
    shows: "privileged",
    plan: "lib/plan/openbsd/index.ts planOpenbsd",
    privileged: () => [...planOpenbsd(dedicated("openbsd"), 0).report],
    unprivileged: () => [...planOpenbsd(ciJob("openbsd"), 1000).report],
  },
];
