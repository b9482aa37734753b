// One cgroup set per running sandbox: a cgroup2 directory (birth place of the
// child, cgroup.kill, cgroup.events) and a directory in each v1 hierarchy the
// plan needs (limits, freezer). A set may serve several trees one after the
// other (pool.ts), never two at once, and never after a kill or freeze was
// written to it: a kernel bug SIGKILLs a CLONE_INTO_CGROUP child born into a
// cgroup that once had cgroup.kill written. The counters a verdict reads
// (memory.events/oom_control oom_kill, pids.events max, CPU usage) cannot be
// reset: each tree reads them from where they stood when it got the set
// (rebase()). The page cache a tree leaves charged is what pool.ts checks.
import { closeSync, constants, existsSync, openSync, readSync, watch } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CordonError } from "../../../../ffi/errors.ts";
import type { CgroupHierarchy, CgroupPlan } from "../../../plan/linux/containment-cgroup.ts";
import type { CgroupHost, V1Controller } from "../../../plan/linux/containment-host.ts";
import { baseMayGo, releaseBases } from "./bases.ts";
import { descendants, ensureDir, keyedValues, makeDir, readCgroupFile, removeDir, toOsError, tryRead, writeCgroupFile } from "./fs.ts";
import { freshName } from "./names.ts";

export type CgroupEvents = {
  /** Processes the kernel's OOM killer killed in this cgroup (v2 memory.events / v1 memory.oom_control oom_kill). */
  readonly oomKills: number;
  /** Forks refused because pids.max was reached (pids.events max). */
  readonly pidsMaxHits: number;
};

/** Every live sandbox cgroup of this process, removed on exit if the caller forgot. */
const live = new Set<SandboxCgroup>();
let exitHook = false;

function sleepMs(ms: number): void {
  Bun.sleepSync(ms);
}

export class SandboxCgroup {
  /** The per-hierarchy directories, v2 first. */
  readonly dirs: ReadonlyMap<CgroupHierarchy, string>;
  #fds: number[] = [];
  #v2Fd: number | undefined;
  /** memory.events exists in the v2 directory (the base passes the memory controller down). */
  #v2Memory = false;
  #procsFds: number[] = [];
  /** Files read on every check (cgroup.events, the OOM counter), kept open: one pread each instead of open, read, read, close. */
  #kept = new Map<string, number>();
  #destroyed = false;
  /** A kill or freeze was written here: never reused. */
  #spent = false;
  /** The counters as they stood when the current tree got this set. */
  #base = { oomKills: 0, pidsMaxHits: 0, cpuUsec: 0 };
  /** Where release() hands the set once its tree is gone (pool.ts); without one it is destroyed. */
  pool: { give(cg: SandboxCgroup): void } | undefined;

  private constructor(
    readonly name: string,
    dirs: Map<CgroupHierarchy, string>,
    readonly plan: CgroupPlan,
  ) {
    this.dirs = dirs;
  }

  /**
   * Makes the directories, writes the plan's limit files and opens the fds the
   * native spawn needs. On any failure everything made so far is removed.
   */
  static create(host: CgroupHost, plan: CgroupPlan): SandboxCgroup {
    const name = freshName();
    const dirs = new Map<CgroupHierarchy, string>();
    const cg = new SandboxCgroup(name, dirs, plan);
    try {
      const bases: [CgroupHierarchy, string][] = [];
      if (plan.v2) bases.push(["v2", host.v2!.base]);
      for (const c of plan.v1) bases.push([c, host.v1[c]!.base]);
      for (const [h, base] of bases) {
        const dir = join(base, name);
        makeFresh(base, dir);
        dirs.set(h, dir);
      }
      // A controller's files appear in the sandbox's directory only once the base's subtree_control lists it.
      const needed = new Set(plan.writes.filter((w) => w.hierarchy === "v2").map((w) => w.file.split(".")[0]!));
      if (needed.size) {
        const on = new Set((tryRead(join(host.v2!.base, "cgroup.subtree_control")) ?? "").trim().split(/\s+/));
        for (const c of needed) if (!on.has(c)) writeCgroupFile(join(host.v2!.base, "cgroup.subtree_control"), `+${c}`);
      }
      for (const w of plan.writes) writeCgroupFile(join(dirs.get(w.hierarchy)!, w.file), w.value);
      cg.#v2Memory = plan.v2 && host.v2!.controllers.includes("memory");
      if (plan.v2) cg.#v2Fd = cg.#open(dirs.get("v2")!, constants.O_RDONLY | constants.O_DIRECTORY);
      for (const c of plan.v1) cg.#procsFds.push(cg.#open(join(dirs.get(c)!, "cgroup.procs"), constants.O_WRONLY));
    } catch (e) {
      cg.destroy();
      throw e;
    }
    live.add(cg);
    if (!exitHook) {
      exitHook = true;
      process.on("exit", () => {
        for (const c of live) {
          try {
            c.destroy();
          } catch {
            // exiting: the next cordon process removes what is left (cleanupStale)
          }
        }
        releaseBases();
      });
    }
    return cg;
  }

  /**
   * Takes over an existing cordon cgroup set named `name` (a dead owner's
   * leftover) so it can be killed and destroyed like a fresh one.
   */
  static reclaim(host: CgroupHost, name: string): SandboxCgroup {
    const dirs = new Map<CgroupHierarchy, string>();
    const v1: V1Controller[] = [];
    if (host.v2 && existsSync(join(host.v2.base, name))) dirs.set("v2", join(host.v2.base, name));
    for (const [c, h] of Object.entries(host.v1) as [V1Controller, { base: string }][]) {
      const dir = join(h.base, name);
      if (existsSync(dir)) {
        dirs.set(c, dir);
        v1.push(c);
      }
    }
    const plan: CgroupPlan = { v2: dirs.has("v2"), v1, writes: [], ...(host.v2?.kill ? { kill: "cgroup v2 cgroup.kill" as const } : {}) };
    return new SandboxCgroup(name, dirs, plan);
  }

  #open(path: string, flags: number): number {
    try {
      const fd = openSync(path, flags);
      this.#fds.push(fd);
      return fd;
    } catch (e) {
      throw toOsError("open", e, path);
    }
  }

  /** A small cgroup file's text, from a kept fd re-read at offset 0 (kernfs renders it anew); undefined when unreadable. */
  #readKept(path: string): string | undefined {
    if (this.#destroyed) return tryRead(path);
    try {
      let fd = this.#kept.get(path);
      if (fd === undefined) {
        fd = openSync(path, constants.O_RDONLY);
        this.#fds.push(fd);
        this.#kept.set(path, fd);
      }
      const n = readSync(fd, keptBuffer, 0, keptBuffer.length, 0);
      if (n < keptBuffer.length) return keptBuffer.toString("latin1", 0, n);
    } catch {
      return undefined;
    }
    return tryRead(path); // longer than the buffer: read it whole
  }

  /** cgroup2 directory fd for clone3(CLONE_INTO_CGROUP), when the plan has a v2 cgroup. */
  get cgroupFd(): number | undefined {
    return this.#v2Fd;
  }

  /** Write-only fds of the v1 cgroup.procs files; the child writes "0" to each before exec. */
  get cgroupProcsFds(): readonly number[] {
    return this.#procsFds;
  }

  /** Moves a running process into every directory (for processes not born inside). */
  attach(pid: number): void {
    for (const dir of this.dirs.values()) writeCgroupFile(join(dir, "cgroup.procs"), String(pid));
  }

  /** Pids in the cgroup (v2 when present, else the first v1 directory). */
  pids(): number[] {
    const dir = this.dirs.get("v2") ?? [...this.dirs.values()][0];
    if (!dir) return [];
    return (tryRead(join(dir, "cgroup.procs")) ?? "").split("\n").filter(Boolean).map(Number);
  }

  /**
   * Whether any process is still in the cgroup. A file that cannot be read
   * (EMFILE, say) in a directory that still exists counts as populated: a
   * failed read must never skip a kill.
   */
  populated(): boolean {
    const v2 = this.dirs.get("v2");
    if (v2) {
      const events = this.#readKept(join(v2, "cgroup.events"));
      return events === undefined ? existsSync(v2) : keyedValues(events).populated !== 0;
    }
    for (const dir of this.dirs.values()) {
      for (const d of [dir, ...descendants(dir)]) {
        const procs = tryRead(join(d, "cgroup.procs"));
        if (procs === undefined ? existsSync(d) : procs.trim() !== "") return true;
      }
    }
    return false;
  }

  /** This tree's events (since it got the set). */
  events(): CgroupEvents {
    return { oomKills: this.oomKills(), pidsMaxHits: this.#pidsMaxHits() - this.#base.pidsMaxHits };
  }

  #pidsMaxHits(): number {
    const v2 = this.dirs.get("v2");
    const pids = this.dirs.get("pids");
    return (
      (pids ? keyedValues(this.#readKept(join(pids, "pids.events"))).max : undefined) ??
      (v2 ? keyedValues(this.#readKept(join(v2, "pids.events"))).max : undefined) ??
      0
    );
  }

  /** This tree's OOM kills (one read): what the supervisor checks on every tick and at the exit. */
  oomKills(): number {
    return this.#oomKills() - this.#base.oomKills;
  }

  #oomKills(): number {
    const mem = this.dirs.get("memory");
    const v2 = this.dirs.get("v2");
    return (
      (mem ? keyedValues(this.#readKept(join(mem, "memory.oom_control"))).oom_kill : undefined) ??
      (v2 && this.#v2Memory ? keyedValues(this.#readKept(join(v2, "memory.events"))).oom_kill : undefined) ??
      0
    );
  }

  /** CPU time of this tree so far, in microseconds, or undefined without accounting. */
  cpuUsageUsec(): number | undefined {
    const u = this.#cpuUsageUsec();
    return u === undefined ? undefined : u - this.#base.cpuUsec;
  }

  #cpuUsageUsec(): number | undefined {
    const v2 = this.dirs.get("v2");
    if (v2) {
      const u = keyedValues(tryRead(join(v2, "cpu.stat"))).usage_usec;
      if (u !== undefined) return u;
    }
    const acct = this.dirs.get("cpuacct");
    const ns = acct ? tryRead(join(acct, "cpuacct.usage")) : undefined;
    return ns ? Math.floor(Number(ns.trim()) / 1000) : undefined;
  }

  /** The counters as they stand now read as zero for the next tree (they cannot be reset in the kernel). */
  rebase(): void {
    this.#base = { oomKills: this.#oomKills(), pidsMaxHits: this.#pidsMaxHits(), cpuUsec: this.plan.cpuAccounting ? (this.#cpuUsageUsec() ?? 0) : 0 };
  }

  /** Whether a kill or freeze was ever written to this set (pool.ts never reuses it then). */
  get spent(): boolean {
    return this.#spent;
  }

  /** A file of one directory of the set, read through a kept fd; undefined when unreadable (or the set was destroyed). */
  read(hierarchy: CgroupHierarchy, file: string): string | undefined {
    const dir = this.dirs.get(hierarchy);
    return dir && !this.#destroyed ? this.#readKept(join(dir, file)) : undefined;
  }

  /** The tree is gone: the set goes back to its pool (which checks it), or is destroyed. */
  release(): void {
    if (this.pool && !this.#destroyed) this.pool.give(this);
    else this.destroy();
  }

  /** The mechanism kill() uses here, or undefined when this cgroup set cannot kill. */
  get killMechanism(): "cgroup v2 cgroup.kill" | "cgroup v1 freezer" | undefined {
    if (this.dirs.has("v2") && this.plan.kill === "cgroup v2 cgroup.kill") return this.plan.kill;
    if (this.dirs.has("freezer")) return "cgroup v1 freezer";
    return undefined;
  }

  /**
   * Kills every process in the cgroup and waits until it is empty (the kernel
   * has finished every exit). An empty cgroup needs no kill: only a process
   * inside can add one (a fork), or a writer of its cgroup.procs.
   * v2: cgroup.freeze, then cgroup.kill, which the kernel applies to forks
   * racing with it (see signal()).
   * v1: FROZEN first (SIGKILL to a frozen task waits for the thaw, and a
   * frozen tree cannot fork), SIGKILL each listed pid, THAWED, wait. A
   * listed pid cannot be recycled in between: cgroup.procs lists no exited
   * tasks, and a frozen task cannot exit.
   */
  async kill(timeoutMs = 5000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    if (!this.populated()) return;
    if (this.killMechanism !== "cgroup v2 cgroup.kill") {
      for (const wait of this.#killSteps(deadline, timeoutMs)) await (wait === 0 ? null : Bun.sleep(wait));
      return;
    }
    await this.signal();
    await this.emptied(deadline - performance.now());
  }

  /**
   * v2 only. When this returns, no process of the tree runs user code again:
   * cgroup.freeze marks every task (and any fork racing the write) to stop on
   * its way back to user space, a quick walk. cgroup.kill, which the returned
   * promise waits for, is written from the thread pool: its walk is slow on a
   * busy host (each task it signals wakes to exit and takes the writer's CPU)
   * and need not block the event loop while the tree is frozen. Frozen tasks
   * take the SIGKILL. Should the freeze fail, the kill is written at once.
   */
  signal(): Promise<void> {
    const v2 = this.#v2Kill();
    this.#spent = true;
    try {
      writeCgroupFile(join(v2, "cgroup.freeze"), "1");
    } catch {
      writeCgroupFile(join(v2, "cgroup.kill"), "1");
      return Promise.resolve();
    }
    const path = join(v2, "cgroup.kill");
    return writeFile(path, "1").catch((e: unknown) => {
      // The tree is frozen: it must not stay so unkilled. Once more on this
      // thread; if that fails too, thaw it so the error leaves it running, not hung.
      try {
        writeCgroupFile(path, "1");
      } catch {
        try {
          writeCgroupFile(join(v2, "cgroup.freeze"), "0");
        } catch {
          // nothing more to try: the error below says the kill failed
        }
        throw toOsError("write 1", e, path);
      }
    });
  }

  /** signal() on this thread, for the synchronous kill. */
  #signalSync(): void {
    const v2 = this.#v2Kill();
    this.#spent = true;
    try {
      writeCgroupFile(join(v2, "cgroup.freeze"), "1");
    } catch {
      // Only a speed-up: the kill below is the guarantee, and it throws on failure.
    }
    writeCgroupFile(join(v2, "cgroup.kill"), "1");
  }

  #v2Kill(): string {
    const v2 = this.dirs.get("v2");
    if (!v2 || this.plan.kill !== "cgroup v2 cgroup.kill") throw new CordonError(`${this.name}: no cgroup v2 cgroup.kill here`, "TREE_KILL_NO_TARGET");
    return v2;
  }

  /**
   * Resolves once the cgroup is empty. cgroup.events raises an inotify modify
   * event when "populated" flips; a 1 ms poll stands in for a late or lost
   * event (the watcher's wake-up competes for the CPU with the dying tree).
   */
  async emptied(timeoutMs = 5000): Promise<void> {
    const v2 = this.dirs.get("v2");
    if (!v2) {
      for (const wait of this.#waitSteps(performance.now() + timeoutMs, timeoutMs)) await (wait === 0 ? null : Bun.sleep(wait));
      return;
    }
    if (!this.populated()) return;
    let wake = () => {};
    const watcher = watch(join(v2, "cgroup.events"), () => wake());
    try {
      for (const wait of this.#waitSteps(performance.now() + timeoutMs, timeoutMs)) {
        if (wait === 0) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      watcher.close();
    }
  }

  /** kill() for exit handlers and destroy(): blocks the thread while waiting. */
  killSync(timeoutMs = 5000): void {
    for (const wait of this.#killSteps(performance.now() + timeoutMs, timeoutMs)) if (wait > 0) sleepMs(wait);
  }

  /** The kill as steps; each yield is how long to wait (ms) before the next check. */
  *#killSteps(deadline: number, timeoutMs: number): Generator<number> {
    this.#spent = true;
    const mech = this.killMechanism;
    if (mech === "cgroup v2 cgroup.kill") {
      this.#signalSync();
    } else if (mech === "cgroup v1 freezer") {
      const fz = this.dirs.get("freezer")!;
      writeCgroupFile(join(fz, "freezer.state"), "FROZEN");
      while (readCgroupFile(join(fz, "freezer.state")).trim() !== "FROZEN") {
        if (performance.now() > deadline) break;
        yield 1;
      }
      // FROZEN covers child cgroups too; their cgroup.procs are separate files.
      for (const d of [fz, ...descendants(fz)]) killListed(join(d, "cgroup.procs"));
      writeCgroupFile(join(fz, "freezer.state"), "THAWED");
    }
    yield* this.#waitSteps(deadline, timeoutMs);
  }

  /** Waits for the cgroup to be empty; without a kill mechanism, each check also sweeps the listed pids. */
  *#waitSteps(deadline: number, timeoutMs: number): Generator<number> {
    const mech = this.killMechanism;
    while (this.populated()) {
      if (performance.now() > deadline) throw new CordonError(`${this.name}: processes still alive ${timeoutMs} ms after the kill`, "CGROUP_KILL_TIMEOUT");
      // Without cgroup.kill or a freezer only a sweep is left; a forking tree can outrun it.
      if (!mech) for (const dir of this.dirs.values()) for (const d of [dir, ...descendants(dir)]) killListed(join(d, "cgroup.procs"));
      // Sleep, not spin: on a small host a spinning waiter takes the CPU the dying tree needs to exit.
      yield 1;
    }
  }

  /**
   * Kills what is left (if anything), closes the fds and removes every
   * directory, retrying while the kernel still reports the cgroup busy.
   * Idempotent; the base directories go too once empty.
   */
  destroy(timeoutMs = 5000): void {
    if (this.#destroyed) return;
    let failure: unknown;
    try {
      if (this.dirs.size && this.populated()) this.killSync(timeoutMs);
    } catch (e) {
      failure = e;
    }
    for (const fd of this.#fds.splice(0)) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.#v2Fd = undefined;
    this.#procsFds = [];
    this.#kept.clear();
    const deadline = performance.now() + timeoutMs;
    for (const dir of this.dirs.values()) {
      // One rmdir in the common case; child cgroups (a sandboxed root may make some) are looked for only when it is busy.
      const removed = () => removeDir(dir) || (descendants(dir).every((d) => removeDir(d)) && removeDir(dir));
      while (!removed()) {
        if (performance.now() > deadline) {
          failure ??= new CordonError(`rmdir ${dir}: still busy after ${timeoutMs} ms`, "EBUSY");
          break;
        }
        sleepMs(1);
      }
      baseMayGo(dirname(dir));
    }
    this.#destroyed = true;
    live.delete(this);
    if (failure) throw failure;
  }

  [Symbol.dispose](): void {
    this.destroy();
  }
}

const keptBuffer = Buffer.alloc(512);

/** SIGKILL to every pid a cgroup.procs file lists. */
function killListed(procs: string): void {
  for (const line of (tryRead(procs) ?? "").split("\n")) {
    const pid = Number(line);
    if (pid > 0) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
  }
}

/** mkdir of a sandbox directory; makes the base first when it is not there (first use, or removed while idle or by another process's cleanup). */
function makeFresh(base: string, dir: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      return makeDir(dir);
    } catch (e) {
      if ((e as { errorName?: string }).errorName !== "ENOENT" || attempt === 2) throw e;
      ensureDir(base);
    }
  }
}
