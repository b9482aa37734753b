// Kills a sandbox's whole process tree with the strongest tree-kill mechanism
// this host offers (lib/plan/linux/containment-tree.ts explains the order and
// why a subreaper is not one). probeContainmentHost() finds what it offers.
import { CordonError } from "../../../ffi/errors.ts";
import type { ContainmentHost } from "../../plan/linux/containment-host.ts";
import { chooseTreeKill, type TreeKillChoice, type TreeKillMechanism } from "../../plan/linux/containment-tree.ts";
import { containmentHostOf, linuxHostModel } from "../../host/linux/index.ts";
import type { SandboxCgroup } from "./cgroup/sandbox-cgroup.ts";

/** The probed host for containment planning (the host model, probed once per process): a pid namespace where the sandbox's namespaces can be had. */
export function probeContainmentHost(): ContainmentHost {
  return containmentHostOf(linuxHostModel());
}

/** The tree-kill mechanism in force on this host. */
export function probeTreeKill(): TreeKillChoice {
  return chooseTreeKill(probeContainmentHost());
}

/** The command as spawned: signalled through its pidfd, which never names a recycled pid. */
export type TreeCommand = {
  /** pid 1 of its namespace (pid namespace mechanism), group leader after setsid (process group mechanism). */
  readonly pid: number;
  /** pidfd_send_signal while the pidfd is open; a no-op once the exit was reported (the pidfd is closed then). */
  kill(signal: "SIGKILL"): void;
  /** Resolves when the command has exited and been reaped (pid namespace: then the namespace is empty). */
  readonly exited: Promise<unknown>;
};

export type TreeTarget = {
  /** The sandbox's cgroup set (the cgroup mechanisms). */
  readonly cgroup?: SandboxCgroup;
  /** The command (the pid namespace and process group mechanisms). */
  readonly command?: TreeCommand;
};

/** kill(2) of a process group; ESRCH (nobody left) is fine. */
function signalGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch (e) {
    if ((e as { code?: string }).code !== "ESRCH") throw e;
  }
}

/** Kills the tree with `mechanism`; resolves once it can tell the tree is gone. */
export async function killTree(mechanism: TreeKillMechanism, target: TreeTarget, timeoutMs = 5000): Promise<void> {
  switch (mechanism) {
    case "cgroup v2 cgroup.kill":
    case "cgroup v1 freezer": {
      if (!target.cgroup) throw new CordonError(`${mechanism}: no cgroup for this tree`, "TREE_KILL_NO_TARGET");
      if (target.cgroup.killMechanism !== mechanism) throw new CordonError(`${mechanism}: the cgroup set has ${target.cgroup.killMechanism ?? "no kill mechanism"}`, "TREE_KILL_NO_TARGET");
      return target.cgroup.kill(timeoutMs);
    }
    case "pid namespace": {
      // Once pid 1 of a namespace dies the kernel SIGKILLs every other member,
      // and pid 1 is not reaped before they are gone: once its exit is
      // reported there is nothing left to kill, and nothing is sent.
      const command = target.command;
      if (!command) throw new CordonError(`${mechanism}: no command`, "TREE_KILL_NO_TARGET");
      command.kill("SIGKILL");
      await withTimeout(command.exited, timeoutMs, mechanism);
      return;
    }
    case "process group": {
      // The group by number: kill(2) has no pidfd form that outlives the
      // leader's reaping. A group's number is not reused while a member
      // lives, so this reaches the tree's survivors or, once none is left,
      // most likely nobody (ESRCH).
      const command = target.command;
      if (!command) throw new CordonError(`${mechanism}: no command`, "TREE_KILL_NO_TARGET");
      signalGroup(command.pid);
      command.kill("SIGKILL");
      await withTimeout(command.exited, timeoutMs, mechanism);
      return;
    }
  }
}

/**
 * Starts the kill without waiting for the tree to be gone, for a caller that
 * learns that elsewhere (the sandbox awaits the command's exit, then the empty
 * cgroup). cgroup v2: when this returns the tree is frozen (no more user
 * code); the promise settles once cgroup.kill is written, and no watcher
 * competes with the dying tree for the CPU. Other mechanisms: killTree.
 */
export function signalTree(mechanism: TreeKillMechanism, target: TreeTarget, timeoutMs = 5000): Promise<void> {
  const cg = target.cgroup;
  if (mechanism === "cgroup v2 cgroup.kill" && cg?.killMechanism === mechanism) {
    try {
      return cg.populated() ? cg.signal() : Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }
  return killTree(mechanism, target, timeoutMs);
}

async function withTimeout(p: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CordonError(`${what}: the command did not exit ${ms} ms after SIGKILL`, "TREE_KILL_TIMEOUT")), ms);
  });
  try {
    await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
