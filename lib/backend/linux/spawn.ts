// spawnLinux: the sandboxed native spawn. Every restriction in `opts` is
// applied in the child between clone3 and execve by the native library.
import { closeSync, openSync, readFileSync } from "node:fs";
import { OsError } from "../../../ffi/errors.ts";
import { CLONE_NEW, DEV_NULL, encodeSpawnRecord, O_NONBLOCK, pipe, reapNow, socketPair, SPAWN_FLAGS, spawnRecord } from "../../../ffi/linux-spawn.ts";
import { UAPI } from "../../../ffi/linux.ts";
import { ERRNO } from "../../../ffi/generated/linux-tables.ts";
import { watch } from "./exit-watcher.ts";
import type { LinuxSpawnOptions, Stdio } from "./spawn-options.ts";
import { LinuxSubprocess, readableFromFd, signalNumber, StdinSink } from "./subprocess.ts";

export type { LinuxSpawnOptions } from "./spawn-options.ts";
export { LinuxSubprocess } from "./subprocess.ts";

const { O_PATH, O_DIRECTORY, SIGKILL } = UAPI;

/** Resolves argv[0] like execvp: a name without "/" is searched in PATH. */
function resolveCommand(cmd: string, env: Readonly<Record<string, string>>, cwd: string | undefined): string {
  if (cmd.includes("/")) return cmd;
  const found = Bun.which(cmd, { PATH: env.PATH ?? "/usr/local/bin:/usr/bin:/bin", cwd: cwd ?? process.cwd() });
  if (!found) throw new OsError("execve", "errno", -ERRNO.NOENT, "ENOENT", `command not found: ${cmd}`);
  return found;
}

export type Placed = { childFd: number; parentKeep?: number; parentClose?: number };

/**
 * Sets up one stdio slot: what the child gets, and what the parent keeps or
 * closes after spawn. An ignored slot is /dev/null opened by the child itself
 * (DEV_NULL): the parent opens nothing, and the ignored slots of one spawn
 * share one read-write open, as a terminal serves 0, 1 and 2. Nothing is
 * shared between spawns: no two children ever hold one open file description.
 */
export function stdio(slot: Stdio | undefined, childFd: number): Placed & { parent?: number } {
  const s = slot ?? "inherit";
  if (s === "inherit") return { childFd, parent: childFd };
  if (s === "ignore") return { childFd, parent: DEV_NULL };
  if (s === "pipe") {
    // Output: a socket pair, read as a socket that unref() can release (as Bun.spawn's).
    const [r, w] = childFd === 0 ? pipe() : socketPair();
    return childFd === 0 ? { childFd, parent: r, parentClose: r, parentKeep: w } : { childFd, parent: w, parentClose: w, parentKeep: r };
  }
  if (!Number.isInteger(s) || s < 0) throw new TypeError(`stdio fd must be a non-negative integer, got ${String(s)}`);
  return { childFd, parent: s };
}

function checkFdNumber(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > 1 << 20) throw new TypeError(`${what} must be a file descriptor number, got ${String(n)}`);
}

function checkId(n: number, what: string): void {
  // 2^32-1 is "unchanged" to setresuid: a switch to it would silently keep the caller's id.
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_fffe) throw new TypeError(`${what} must be an id from 0 to 4294967294, got ${String(n)}`);
}

/** Everything that can be refused is refused before anything is created. */
function validate(argv: readonly string[], opts: LinuxSpawnOptions): void {
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === "string"))
    throw new TypeError("argv must be a non-empty array of strings");
  for (const e of opts.extraFds ?? []) {
    checkFdNumber(e.parent, "extraFds.parent");
    checkFdNumber(e.child, "extraFds.child");
    if (e.child < 3) throw new TypeError("extraFds.child must be >= 3 (0-2 are stdio)");
  }
  for (const fd of [opts.cgroupFd, opts.landlock?.rulesetFd, opts.joinNetns, ...(opts.cgroupProcsFds ?? [])]) if (fd !== undefined) checkFdNumber(fd, "fd");
  for (const s of [opts.stdin, opts.stdout, opts.stderr])
    if (typeof s === "number") checkFdNumber(s, "stdio fd");
    else if (s !== undefined && s !== "inherit" && s !== "pipe" && s !== "ignore") throw new TypeError(`stdio must be "inherit", "pipe", "ignore" or an fd, got ${String(s)}`);
  if (opts.user) {
    checkId(opts.user.uid, "user.uid");
    checkId(opts.user.gid, "user.gid");
  }
  if (opts.userNamespace) {
    checkId(opts.userNamespace.uid, "userNamespace.uid");
    checkId(opts.userNamespace.gid, "userNamespace.gid");
  }
  if (opts.timeout !== undefined && !(Number.isFinite(opts.timeout) && opts.timeout > 0)) throw new TypeError(`timeout must be a positive number of ms, got ${opts.timeout}`);
  if (opts.killSignal !== undefined) signalNumber(opts.killSignal);
  if (opts.file !== undefined && (typeof opts.file !== "string" || opts.file === "")) throw new TypeError("file must be a non-empty string");
  if (opts.init !== undefined && ((opts.cloneNamespaces ?? 0) & CLONE_NEW.PID) === 0) throw new TypeError("init needs a pid namespace (CLONE_NEWPID)");
  if (opts.warm !== undefined && (opts.init === undefined || opts.procSelf || opts.notifySock !== undefined)) throw new TypeError("warm needs init, and neither procSelf nor notifySock");
}

/**
 * An O_PATH handle on /proc/<pid>: procfs gives a pid directory a new inode
 * whenever its dentry was dropped (memory pressure, drop_caches), and a
 * landlock rule names an inode, so the dentry the child's rule was made on is
 * held. Undefined if it cannot be opened (the rule then lasts as long as the
 * cache keeps the dentry: access fails closed, never wider).
 */
function pinProcDir(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return openSync(`/proc/${pid}`, O_PATH | O_DIRECTORY);
  } catch {
    return undefined;
  }
}

/** The command cordon-init adopted (its one child), or undefined once it is gone. */
function startedBy(init: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${init}/task/${init}/children`, "utf8").trim().split(" ")[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/** NAME=value strings of an environment object (its own enumerable keys). */
function environ(env: Readonly<Record<string, string>>): string[] {
  const keys = Object.keys(env);
  const out = new Array<string>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = `${keys[i]}=${env[keys[i]!]}`;
  return out;
}

export function spawnLinux(argv: readonly string[], opts: LinuxSpawnOptions = {}): LinuxSubprocess {
  validate(argv, opts);
  const env = opts.env ?? (process.env as Record<string, string>);
  const path = opts.file ?? (opts.searchPath === false ? argv[0]! : resolveCommand(argv[0]!, env, opts.cwd));
  const what = path === argv[0] ? path : `${argv[0]} (${path})`;

  const slots: (Placed & { parent?: number })[] = [];
  const closeSlots = (keep: boolean) => {
    for (const s of slots) {
      if (s.parentClose !== undefined) closeSync(s.parentClose);
      if (!keep && s.parentKeep !== undefined) closeSync(s.parentKeep);
    }
  };
  let result: { pid: number; pidfd: number };
  // Under cordon-init, the command's own wait status comes back through this pipe (subprocess.ts).
  let status: [number, number] | undefined;
  try {
    if (opts.init !== undefined) status = pipe(O_NONBLOCK);
    // One at a time, so a failing slot never strands the ones made before it.
    slots.push(stdio(opts.stdin, 0));
    slots.push(stdio(opts.stdout, 1));
    slots.push(stdio(opts.stderr, 2));
    const flags =
      (opts.newSession === false ? 0 : SPAWN_FLAGS.SETSID) |
      (opts.noNewPrivs === false ? 0 : SPAWN_FLAGS.NO_NEW_PRIVS) |
      (opts.user ? SPAWN_FLAGS.SET_IDS : 0) |
      (opts.mountProc ? SPAWN_FLAGS.MOUNT_PROC : 0) |
      (opts.loopback ? SPAWN_FLAGS.LOOPBACK_UP : 0) |
      (opts.privateRoot?.length ? SPAWN_FLAGS.PRIVATE_ROOT : 0) |
      (opts.dropCapabilities ? SPAWN_FLAGS.DROP_CAPS : 0) |
      (opts.init !== undefined ? SPAWN_FLAGS.INIT | SPAWN_FLAGS.INIT_STATUS : 0) |
      (opts.procSelf ? SPAWN_FLAGS.PROC_SELF : 0) |
      (opts.notifySock !== undefined ? SPAWN_FLAGS.NOTIFY : 0) |
      (opts.warm !== undefined ? SPAWN_FLAGS.WARM : 0) |
      (opts.joinNetns !== undefined ? SPAWN_FLAGS.JOIN_NETNS : 0);
    const ns = opts.userNamespace;
    const fds: { parent: number; child: number }[] = [];
    for (const s of slots) fds.push({ parent: s.parent!, child: s.childFd });
    for (const e of opts.extraFds ?? []) fds.push(e);
    // Absent options are passed as undefined (no object spreads: this runs on every spawn).
    const record = encodeSpawnRecord({
      path,
      argv,
      envp: environ(env),
      cwd: opts.cwd,
      flags,
      pdeathSignal: opts.parentDeathSignal ?? SIGKILL,
      cloneFlags: (opts.cloneNamespaces ?? 0) | (ns ? CLONE_NEW.USER : 0),
      cgroupFd: opts.cgroupFd ?? -1,
      landlockFd: opts.landlock?.rulesetFd ?? -1,
      landlockFlags: opts.landlock?.restrictFlags ?? 0,
      seccomp: opts.seccomp,
      fds,
      procsFds: opts.cgroupProcsFds ?? [],
      rlimits: opts.rlimits ?? [],
      uid: opts.user?.uid ?? 0,
      gid: opts.user?.gid ?? 0,
      procAccess: opts.landlock?.procAccess,
      rootAccess: opts.landlock?.rootAccess,
      view: opts.privateRoot?.length ? opts.privateRoot : undefined,
      uidMap: ns ? `${ns.uid} ${process.getuid!()} 1\n` : undefined,
      gidMap: ns ? `${ns.gid} ${process.getgid!()} 1\n` : undefined,
      init: opts.init,
      netns: opts.netns,
      initStatusFd: status?.[1],
      notifySock: opts.notifySock,
      warmFd: opts.warm,
      netnsFd: opts.joinNetns,
    });
    result = spawnRecord(record, what);
  } catch (e) {
    closeSlots(false);
    for (const fd of status ?? []) closeSync(fd);
    throw e;
  }
  closeSlots(true);
  if (status) closeSync(status[1]);

  // PROC_SELF: the command's /proc/<pid> dentry stays pinned while it runs, or the landlock rule on it could be lost.
  const pin = opts.procSelf ? pinProcDir(opts.init === undefined ? result.pid : startedBy(result.pid)) : undefined;
  const [inSlot, outSlot, errSlot] = slots as [Placed, Placed, Placed];
  try {
    const proc = new LinuxSubprocess(
      result.pid,
      result.pidfd,
      inSlot.parentKeep === undefined ? undefined : new StdinSink(inSlot.parentKeep),
      outSlot.parentKeep === undefined ? undefined : readableFromFd(outSlot.parentKeep),
      errSlot.parentKeep === undefined ? undefined : readableFromFd(errSlot.parentKeep),
      status?.[0],
    );
    watch(result.pidfd, (r) => {
      if (pin !== undefined) closeSync(pin);
      proc.onExit(r);
    });
    if (opts.timeout !== undefined) proc.setTimeout(opts.timeout, signalNumber(opts.killSignal ?? SIGKILL));
    return proc;
  } catch (e) {
    // The child runs but cannot be supervised: it must not outlive this error.
    reapNow(result.pidfd);
    if (pin !== undefined) closeSync(pin);
    for (const s of slots) if (s.parentKeep !== undefined) closeSync(s.parentKeep);
    if (status) closeSync(status[0]);
    throw e;
  }
}
