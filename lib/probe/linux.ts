// What this Linux host can enforce for each property, judged from the live
// mechanism probes (lib/backend/linux/probe.ts). A row says which mechanism
// carries it here and what it leaves open.
import type { LinuxFeatures } from "../backend/linux/probe.ts";
import type { HostStatus } from "./status.ts";

type Row = { status: HostStatus; evidence: string };

const yes = (e: { outcome: string }) => e.outcome === "yes";

export function assessLinux(f: LinuxFeatures): Record<string, Row> {
  const abi = f.landlock.abi;
  const ll = abi > 0;
  const seccomp = yes(f.seccomp);
  const ns = f.namespaces;
  const netns = yes(ns.net);
  const pidns = yes(ns.pid) && yes(ns.mount);
  const cg = f.cgroups;
  const made = (h: string) => cg.childCgroup[h] !== undefined && yes(cg.childCgroup[h]!);
  const memory = cg.v2?.controllers.includes("memory") || made("memory");
  const pids = cg.v2?.controllers.includes("pids") || made("pids");
  const cpu = cg.v2?.controllers.includes("cpu") || made("cpu");
  const kill = yes(cg.kill);
  const anyCgroup = made("v2") || Object.keys(cg.childCgroup).some(made);
  const llText = ll ? `landlock ABI ${abi}` : "no landlock";
  const rows: Record<string, Row> = {};
  const set = (id: string, status: HostStatus, evidence: string) => (rows[id] = { status, evidence });

  set("P01", ll ? (abi >= 3 ? "enforced" : "partial") : "not-available", ll ? `${llText}${abi < 2 ? ": no cross-directory rename rules" : abi < 3 ? ": truncate not covered" : ""}` : "no landlock and no other path allow-list used");

  const netNone = netns || seccomp;
  const ports = abi >= 4;
  set("P02", netNone && ports ? "enforced" : netNone || ports ? "partial" : "not-available",
    [netns ? "empty network namespace" : seccomp ? "seccomp socket-family filter" : "", ports ? `TCP port rules (landlock ABI ${abi})` : "no TCP port rules (landlock ABI < 4)"].filter(Boolean).join("; "));

  const ipcns = yes(ns.ipc);
  set("P03", netns && ipcns && yes(ns.mount) ? "enforced" : abi >= 6 ? "partial" : "not-available",
    netns && ipcns ? "network, IPC and mount namespaces isolate abstract and pathname sockets and SysV IPC" : abi >= 6 ? `landlock ABI ${abi} abstract-socket scope only` : "no namespaces, landlock ABI < 6");

  set("P04", abi >= 6 || pidns ? "enforced" : ll ? "partial" : "not-available",
    abi >= 6 ? `landlock ABI ${abi}: ptrace and signal scopes` : pidns ? "PID namespace" : ll ? `landlock ABI ${abi}: ptrace scope only, signals not scoped` : "no landlock scopes, no PID namespace");

  set("P05", pidns ? "enforced" : ll ? "partial" : "not-available",
    pidns ? "PID namespace with its own /proc" : ll ? "landlock keeps /proc out of the grants; process ids still probe-able with kill(pid, 0)" : "nothing hides other processes");

  set("P06", "partial", `close_range + exact environment + ${f.noNewPrivs.outcome === "yes" ? "no_new_privs" : "no no_new_privs"}; uid permissions and keyrings stay ambient`);

  set("P07", ll ? "partial" : "not-available", ll ? `open mode plus landlock per-file rights (truncate ABI >= 3, device ioctl ABI >= 5; here ${abi})` : "open mode only");

  set("P08", (ll || seccomp) && yes(f.noNewPrivs) ? "enforced" : "not-available", `${[ll && "landlock", seccomp && "seccomp"].filter(Boolean).join(" + ") || "no inherited confinement"}, inherited across fork and exec; no_new_privs`);

  set("P09", anyCgroup || pidns ? "enforced" : "not-available", anyCgroup ? `cgroup membership (${cg.mode}) is inherited and cannot be left` : pidns ? "PID namespace" : "no cgroup this process can create, no PID namespace");

  set("P10", kill ? "enforced" : pidns || made("freezer") ? "partial" : "not-available",
    kill ? "cgroup.kill on a fresh child cgroup" : made("freezer") ? "v1 freezer: freeze, kill, thaw" : pidns ? "kill the PID namespace's init" : "no atomic tree kill");

  set("P11", memory ? "enforced" : "partial", memory ? `memory controller (${cg.v2?.controllers.includes("memory") ? "cgroup v2 memory.max" : "cgroup v1 memory.limit_in_bytes"})` : "RLIMIT_AS per process only");

  set("P12", memory ? "partial" : "not-available", memory ? "memcg charges slab and socket buffers, not every kernel object" : "no memory controller");

  set("P13", pids ? "enforced" : "partial", pids ? "pids controller + RLIMIT_NOFILE" : "RLIMIT_NPROC counts per uid (root ignores it) + RLIMIT_NOFILE");

  set("P14", cpu ? "enforced" : "partial", cpu ? `cpu controller (${cg.v2?.controllers.includes("cpu") ? "cpu.max" : "cpu.cfs_quota_us / cfs_period_us"})` : "RLIMIT_CPU: total seconds, no period");

  set("P15", f.root ? "partial" : "not-available", f.root ? "SCHED_DEADLINE with admission control needs CAP_SYS_NICE; CFS weights are proportional only" : "SCHED_DEADLINE needs CAP_SYS_NICE");

  set("P16", cpu ? "partial" : "not-available", cpu ? "throttling visible by polling cpu.stat; no time donation between processes" : "no cpu controller");

  set("P17", anyCgroup || f.seccomp.actions.includes("user_notif") ? "partial" : "not-available",
    "limits change live; landlock, seccomp and open fds cannot be revoked from outside" + (f.seccomp.actions.includes("user_notif") ? "; seccomp user_notif can broker future calls" : ""));

  set("P18", ll ? "enforced" : "not-available", ll ? `landlock: /dev granted file by file${abi >= 5 ? "; device ioctls (ABI >= 5)" : ""}` : "no landlock");

  set("P19", yes(f.iommu) ? "partial" : "not-available", f.iommu.evidence);

  set("P20", seccomp ? "enforced" : "not-available", seccomp ? `seccomp-bpf (${f.seccomp.actions.length} actions)` : "no seccomp");

  set("P21", netns || pidns ? "partial" : "not-available", "namespaces virtualise PIDs, network and IPC; many kernel counters stay global");

  set("P22", yes(f.resctrl) ? "partial" : "not-available", yes(f.resctrl) ? "resctrl cache partitioning (root)" : `${f.resctrl.evidence}; core scheduling not probed`);

  const unprivNs = yes(f.unprivilegedUserns);
  set("P23", ll && seccomp ? "partial" : "not-available",
    `${[ll && "landlock", seccomp && "seccomp"].filter(Boolean).join(" + ") || "nothing"} unprivileged; user namespaces unprivileged: ${f.unprivilegedUserns.outcome}; cgroup limits need delegation` + (unprivNs ? "" : ` (${f.unprivilegedUserns.evidence})`));

  set("P24", "partial", "any peer on a granted UNIX socket can pass file descriptors in");
  return rows;
}
