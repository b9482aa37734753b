// The tree-kill mechanisms, strongest first: the strongest way this host offers to kill every
// process a sandbox made, including setsid double-forks. Pure.
//
// 1. cgroup v2 cgroup.kill: the kernel kills every member and forks racing
//    with it. cgroup.freeze is written first: its walk only marks each task,
//    so the tree runs no more user code within a fraction of a millisecond,
//    while the kill's walk is slowed by every task it wakes to exit.
// 2. cgroup v1 freezer: FROZEN (nobody can fork or run), SIGKILL each member,
//    THAWED (a frozen task takes its SIGKILL only once thawed).
// 3. pid namespace: the command is pid 1 of a new namespace; when it dies the
//    kernel kills everything else in the namespace.
// 4. process group: kill(-pgid). A setsid() escapes it: partial.
//
// Not one of them: PR_SET_CHILD_SUBREAPER + a /proc sweep. The attribute is
// process-wide, so every orphan of every child the Bun process ever spawns
// would be reparented to it; Bun reaps only the pids it spawned, so adopted
// orphans would stay zombies unless cordon reaped each with waitid(P_PID),
// and telling adopted pids from Bun's own needs Bun's internal child table.
// A sweep of /proc also races with forks. The pid namespace gives the
// same guarantee without touching the Bun process.
import type { ContainmentHost } from "./containment-host.ts";

export type TreeKillMechanism = "cgroup v2 cgroup.kill" | "cgroup v1 freezer" | "pid namespace" | "process group";

export type TreeKillChoice = {
  readonly mechanism: TreeKillMechanism;
  /** Why each stronger mechanism is not in force here. */
  readonly skipped: readonly string[];
};

export function chooseTreeKill(host: ContainmentHost): TreeKillChoice {
  const skipped: string[] = [];
  const { v2, v1 } = host.cgroups;
  if (v2?.kill) return { mechanism: "cgroup v2 cgroup.kill", skipped };
  skipped.push(v2 ? "cgroup v2: no cgroup.kill (Linux < 5.14)" : "cgroup v2: no writable cgroup");
  if (v1.freezer) return { mechanism: "cgroup v1 freezer", skipped };
  skipped.push("cgroup v1 freezer: no writable freezer cgroup");
  if (host.pidNamespace) return { mechanism: "pid namespace", skipped };
  skipped.push("pid namespace: cannot create one (not root, no user namespaces)");
  return { mechanism: "process group", skipped };
}
