// One signal to every process of a sandbox's tree: the first step of a
// timeout, an abort or a maxBuffer overrun (SIGTERM by default), which lets
// the tree flush and clean up. SIGKILL goes through tree-kill.ts instead.
// cordon-init (pid 1 of the sandbox) is left out: it passes the signals it
// takes on to the command, which would then get this one twice.
import { readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { TreeKillMechanism } from "../../plan/linux/containment-tree.ts";
import { descendants, keyedValues, readCgroupFile, tryRead, writeCgroupFile } from "./cgroup/fs.ts";
import type { SandboxCgroup } from "./cgroup/sandbox-cgroup.ts";
import { signalTree, type TreeTarget } from "./tree-kill.ts";
import { UAPI } from "../../../ffi/linux.ts";

const { SIGKILL } = UAPI;
/** How long a freeze may take before the tree is signalled unfrozen (a task in uninterruptible sleep). */
const FREEZE_MS = 1000;

function send(pid: number, signal: number): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await Bun.sleep(1);
  }
  return true;
}

function listed(dir: string): number[] {
  return [dir, ...descendants(dir)].flatMap((d) => (tryRead(join(d, "cgroup.procs")) ?? "").split("\n").filter(Boolean).map(Number));
}

/**
 * Freezes the cgroup, signals each listed process, thaws it. A frozen tree
 * cannot fork, and a frozen process cannot exit and have its pid reused, so
 * the list is whole and every pid on it is the tree's. Signals to frozen
 * tasks wait for the thaw. Returns false when the set has no freezer.
 */
async function viaFreezer(cg: SandboxCgroup, signal: number, skip: number | undefined): Promise<boolean> {
  const v2 = cg.dirs.get("v2");
  const fz = cg.dirs.get("freezer");
  const freeze = v2
    ? { file: join(v2, "cgroup.freeze"), on: "1", off: "0", frozen: () => keyedValues(tryRead(join(v2, "cgroup.events"))).frozen === 1, dir: v2 }
    : fz
      ? { file: join(fz, "freezer.state"), on: "FROZEN", off: "THAWED", frozen: () => readCgroupFile(join(fz, "freezer.state")).trim() === "FROZEN", dir: fz }
      : undefined;
  if (!freeze) return false;
  writeCgroupFile(freeze.file, freeze.on);
  try {
    await until(freeze.frozen, FREEZE_MS);
    for (const pid of listed(freeze.dir)) if (pid !== skip) send(pid, signal);
  } finally {
    writeCgroupFile(freeze.file, freeze.off);
  }
  return true;
}

/** Every process in the pid namespace of `pid` (the sandbox's, seen from /proc). */
function namespaceMembers(pid: number): number[] {
  let ns: string;
  try {
    ns = readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    const n = Number(name);
    if (!Number.isInteger(n) || n <= 0) continue;
    try {
      if (readlinkSync(`/proc/${n}/ns/pid`) === ns) out.push(n);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/**
 * Sends `signal` to every process of the running tree. `initPid` is
 * cordon-init's pid when the tree runs under it (the command's pid then).
 */
export async function signalEveryProcess(mechanism: TreeKillMechanism, target: TreeTarget & { readonly initPid?: number }, signal: number): Promise<void> {
  if (signal === SIGKILL) return signalTree(mechanism, target);
  if (target.cgroup && (await viaFreezer(target.cgroup, signal, target.initPid))) return;
  if (target.initPid !== undefined) {
    // A pid namespace holds the whole tree, setsid escapees too. A member
    // reaped (by a parent inside) between the scan and the signal could have
    // its pid reused: a window of microseconds, for a signal SIGKILL follows.
    for (const pid of namespaceMembers(target.initPid)) if (pid !== target.initPid) send(pid, signal);
    return;
  }
  if (target.command === undefined) return;
  // The command leads its own process group (setsid), which keeps its number
  // while a member lives (the caller signals only a running tree); escapees
  // that made a session of their own are reached by the tree kill only.
  send(-target.command.pid, signal);
}
