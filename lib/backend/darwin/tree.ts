// The sandboxed tree on macOS, which has no cgroup, job or reaper: the tree is
// one process group (the launcher calls setsid), and its members are found by
// kqueue EVFILT_PROC (NOTE_FORK says "look now", NOTE_EXIT says "gone") plus
// proc_listchildpids sweeps from every live member. macOS refuses NOTE_TRACK,
// so a child forked and orphaned between two sweeps is never seen; if it also
// left the process group, only a dedicated uid finds it (killUid).
import { closeSync } from "node:fs";
import { childPids, kqueue, NOTE, procDrain, procWatch } from "../../../ffi/darwin.ts";
import { OsError } from "../../errors.ts";

export class ProcessTree {
  /** Members seen alive and not yet reported gone. */
  readonly live = new Set<number>();
  private readonly kq: number;
  private closed = false;

  constructor(readonly root: number) {
    this.kq = kqueue();
    this.add(root);
  }

  private add(pid: number): boolean {
    if (this.live.has(pid)) return false;
    try {
      procWatch(this.kq, pid, NOTE.EXIT | NOTE.FORK);
    } catch (e) {
      // ESRCH: it exited before we looked; nothing to track or kill.
      if (e instanceof OsError && e.errorName === "ESRCH") return false;
      throw e;
    }
    this.live.add(pid);
    return true;
  }

  /** Children of `from` and their descendants not seen before; returns how many were added. */
  sweep(from: Iterable<number> = this.live): number {
    let added = 0;
    const queue = [...from];
    while (queue.length > 0) {
      const pid = queue.pop()!;
      let kids: number[];
      try {
        kids = childPids(pid);
      } catch {
        continue;
      }
      for (const kid of kids) if (this.add(kid)) (added++, queue.push(kid));
    }
    return added;
  }

  /** Applies pending kqueue events: exits leave the set, forks trigger a sweep of the parent. */
  poll(): void {
    if (this.closed) return;
    const forked: number[] = [];
    for (;;) {
      const events = procDrain(this.kq);
      for (const e of events) {
        if (e.fflags & NOTE.FORK) forked.push(e.pid);
        if (e.fflags & NOTE.EXIT) this.live.delete(e.pid);
      }
      if (events.length < 64) break;
    }
    if (forked.length > 0) this.sweep(forked.filter((p) => this.live.has(p)));
  }

  /**
   * Signals the process group, then every tracked member, sweeping again
   * until a round finds no one new (a fork racing the kill is caught next round).
   */
  kill(signal: number | NodeJS.Signals = "SIGKILL"): void {
    const send = (pid: number) => {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    };
    send(-this.root);
    for (let round = 0; round < 16; round++) {
      this.poll();
      this.sweep();
      for (const pid of this.live) send(pid);
      this.poll();
      if (this.sweep() === 0) break;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.kq);
  }
}
