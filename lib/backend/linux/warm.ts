// Warm sandboxes: a sandbox made whole ahead of its command (namespaces,
// cgroup set, view, rlimits, landlock, seccomp: executeLinux's own steps),
// with cordon-init as its pid 1 waiting on a socket for one request. The
// handover sends argv, the environment, the cwd and the stdio fds; cordon-init
// starts the command as its child, under every restriction it holds itself,
// and adopts it as in a one-shot spawn. The tree is watched from the
// handover on (the policy's clock starts then) exactly as executeLinux
// watches it, so report and enforcement are the one-shot spawn's.
import { closeSync, openSync } from "node:fs";
import { DEV_NULL, socketPair } from "../../../ffi/linux-spawn.ts";
import { encodeWarmRequest, warmHandover } from "../../../ffi/linux-warm.ts";
import { closeFd } from "../../../ffi/linux.ts";
import type { LinuxPlan } from "../../plan/linux/index.ts";
import { SpawnOptionError } from "../../errors.ts";
import type { BackendStdio, SandboxedProcess, SandboxSpawn, WarmBackend } from "../contract.ts";
import { startLinux, watchTree, type ExecuteState, type Started } from "./execute.ts";
import { stdio as stdioSlot, type Placed } from "./spawn.ts";
import { readableFromFd, StdinSink } from "./subprocess.ts";
import { linuxStdio, type LinuxStdio } from "./stdio.ts";

/** The phase a warm spawn reports to `mark` (bench/spawn.ts). */
export const WARM_PHASE = "warm handover: the request sent, the command exec'd by the waiting cordon-init";

/** One sandbox waiting for its command. */
export type LinuxWarm = {
  readonly plan: LinuxPlan;
  readonly started: Started;
  /** Our end of the request socket (blocking, close-on-exec); undefined once closed. */
  sock: number | undefined;
  /** The tree's watch, from the handover (or the discard) on. */
  watched?: SandboxedProcess;
};

/** What cordon-init holds while it waits: nothing of the caller's. */
const QUIET: BackendStdio = { stdin: "ignore", stdout: "ignore", stderr: "ignore" };

/**
 * The fd numbers cordon-init uses under the policy's RLIMIT_NOFILE to hand
 * `count` fds over (init_warm.zig): they arrive at the lowest free numbers
 * from 3, each is lifted above the highest target, and the request socket
 * and status fd may sit low too. One-shot spawns place their fds before the
 * limit is set; a warm sandbox has it already.
 */
function fdsNeeded(count: number, highest: number): number {
  return Math.max(3 + count, highest + 1) + count + 2;
}

/** NAME=value strings (as spawn.ts's environ). */
function environ(env: Readonly<Record<string, string>>): string[] {
  return Object.keys(env).map((k) => `${k}=${env[k]}`);
}

/** The tree watched (once): from the handover, or to tear down a sandbox never used. */
function watched(w: LinuxWarm, io: LinuxStdio = w.started.io, mark: (phase: string) => void = () => {}): SandboxedProcess {
  return (w.watched ??= watchTree(w.plan, w.started.proc, { ...w.started, io }, mark));
}

function closeSock(w: LinuxWarm): void {
  if (w.sock !== undefined) closeFd(w.sock);
  w.sock = undefined;
}

/** Kills a waiting sandbox; settles once it is gone and all it held removed. */
function discard(w: LinuxWarm): Promise<void> {
  closeSock(w);
  const p = watched(w);
  p.kill("SIGKILL");
  return p.exited.then(
    () => {},
    () => {},
  );
}

/**
 * Sends the command to `w`: 0-2 as spawn.ts places them (an ignored slot is
 * our own /dev/null here: cordon-init opens nothing for the command), the
 * extra fds, the policy's environment and cwd. The command's streams are
 * attached to the sandbox's process once it has exec'd.
 */
function handover(w: LinuxWarm, sock: number, argv: readonly string[], file: string, stdio: BackendStdio): LinuxStdio {
  const { policy } = w.plan;
  const io = linuxStdio(stdio);
  const slots: (Placed & { parent?: number })[] = [];
  const opened: number[] = [];
  let ok = false;
  try {
    for (const [i, s] of [stdio.stdin, stdio.stdout, stdio.stderr].entries()) slots.push(stdioSlot(s, i));
    const fds = slots.map((s) => {
      if (s.parent !== DEV_NULL) return s.parent!;
      const fd = openSync("/dev/null", "r+");
      opened.push(fd);
      return fd;
    });
    const targets = [0, 1, 2];
    for (const e of io.extraFds) {
      fds.push(e.parent);
      targets.push(e.child);
    }
    const limit = policy.limits.openFiles;
    if (limit !== undefined && limit < fdsNeeded(fds.length, Math.max(...targets))) {
      throw new SpawnOptionError("stdio", `limits.openFiles ${limit} is too few for a warm sandbox to hand over ${fds.length} fds: spawn it one-shot`);
    }
    const env = w.started.relay ? { ...policy.env, ...w.started.relay.env } : policy.env;
    const request = encodeWarmRequest({ path: file, argv: stdio.argv0 === undefined ? argv : [stdio.argv0, ...argv.slice(1)], envp: environ(env), cwd: policy.cwd, targets });
    if (!request) throw new SpawnOptionError("argv", "too large for a warm sandbox's request (1 MiB of argv and environment, 64 fds)");
    warmHandover(sock, request, fds, argv[0]!);
    ok = true;
  } finally {
    for (const fd of opened) closeSync(fd);
    for (const s of slots) {
      if (s.parentClose !== undefined) closeSync(s.parentClose);
      if (!ok && s.parentKeep !== undefined) closeSync(s.parentKeep);
    }
    io.done(ok);
  }
  const [i, o, e] = slots as [Placed, Placed, Placed];
  const proc = w.started.proc;
  proc.stdin = i.parentKeep === undefined ? undefined : new StdinSink(i.parentKeep);
  proc.stdout = o.parentKeep === undefined ? undefined : readableFromFd(o.parentKeep);
  proc.stderr = e.parentKeep === undefined ? undefined : readableFromFd(e.parentKeep);
  // Subprocess.stdio: the caller's ends of this spawn's extra fds.
  return io;
}

export const linuxWarm: WarmBackend<LinuxPlan, ExecuteState, LinuxWarm> = {
  unavailable(plan) {
    if (!plan.underInit) return "warm sandboxes wait in cordon-init, which needs a pid namespace and the cordon-init helper here";
    if (plan.procSelf) return "without a fresh /proc the command confines itself after cordon-init starts it, which a warm sandbox cannot do";
    const limit = plan.policy.limits.openFiles;
    if (limit !== undefined && limit < fdsNeeded(3, 2)) return `limits.openFiles ${limit} is too few for cordon-init to hand over the command's stdin, stdout and stderr (${fdsNeeded(3, 2)} at least)`;
    return undefined;
  },

  prepare(plan, state, gone) {
    const [mine, theirs] = socketPair();
    let started: Started;
    try {
      started = startLinux(plan, ["cordon-init"], "/", QUIET, () => {}, state, theirs);
    } catch (e) {
      closeFd(mine);
      throw e;
    } finally {
      // cordon-init holds the only other end: its death is EOF/EPIPE here.
      closeFd(theirs);
    }
    // Waiting keeps nothing alive: the event loop is held from the handover on.
    started.proc.unref();
    const w: LinuxWarm = { plan, started, sock: mine };
    started.proc.exited.then(() => {
      if (w.watched) return;
      // Died waiting (killed, OOM): removed as any tree is, and the pool told.
      void discard(w).then(gone);
    });
    return w;
  },

  start(w, argv, file, stdio, mark): SandboxSpawn {
    if (stdio.explain) throw new SpawnOptionError("explain", "a warm sandbox collects no denials: spawn it one-shot");
    if (w.watched || w.sock === undefined) throw new SpawnOptionError("warm", "this warm sandbox was used or discarded already");
    let io: LinuxStdio;
    try {
      io = handover(w, w.sock, argv, file, stdio);
    } catch (e) {
      void discard(w);
      throw e;
    }
    closeSock(w);
    w.started.proc.ref();
    mark?.(WARM_PHASE);
    return { proc: watched(w, io, mark ?? (() => {})), report: w.started.report };
  },

  discard,
};
