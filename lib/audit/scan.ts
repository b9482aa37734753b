// After the sandbox exited: what it left on the host, and whether every
// canary is gone after teardown. Reads /proc/sysvipc, /proc/keys, the shared
// temp directories and cordon's cgroup names; removes only nonce-named files.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { CanaryConfig, Found } from "./canaries.ts";

export type Leftover = Found;

/** Top-level places the inside probe tries to create `cordon-audit-<nonce>` in. */
export function sharedDirs(home: string | undefined): Record<string, string> {
  return { "fs.tmp": "/tmp", "fs.var_tmp": "/var/tmp", "fs.dev_shm": "/dev/shm", ...(home ? { "fs.home": home } : {}) };
}

/** Whether the nonce file is on the host; removes it if so. */
export function takeFile(dir: string, nonce: string): boolean {
  const path = join(dir, `cordon-audit-${nonce}`);
  if (!existsSync(path)) return false;
  rmSync(path, { force: true });
  return true;
}

/** SysV keys present in /proc/sysvipc/{shm,msg,sem}. */
export function sysvKeysPresent(keys: readonly number[]): { kind: string; key: number }[] {
  const out: { kind: string; key: number }[] = [];
  for (const kind of ["shm", "msg", "sem"]) {
    let text = "";
    try {
      text = readFileSync(`/proc/sysvipc/${kind}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const key = Number(line.trim().split(/\s+/)[0]);
      if (keys.includes(key)) out.push({ kind, key });
    }
  }
  return out;
}

/**
 * Live lines of /proc/keys whose description holds the nonce. Invalidated,
 * revoked and dead keys (flags i, R, D) wait for the key garbage collector
 * and are no longer reachable, so they do not count.
 */
export function keysWithNonce(nonce: string): string[] {
  try {
    return readFileSync("/proc/keys", "utf8")
      .split("\n")
      .filter((l) => l.includes(nonce) && !/[iRD]/.test(l.trim().split(/\s+/)[1] ?? ""));
  } catch {
    return [];
  }
}

/** cgroups named for this process's sandboxes, anywhere under /sys/fs/cgroup (a few levels deep). */
export function cordonCgroups(pid: number = process.pid): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.startsWith(`cordon-${pid}-`)) found.push(join(dir, e));
      else if (!e.includes(".")) walk(join(dir, e), depth + 1);
    }
  };
  walk("/sys/fs/cgroup", 0);
  return found;
}

/** Processes whose command line carries the nonce, other than `except`. */
export function processesWithNonce(nonce: string, except: readonly number[]): number[] {
  const pids: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d) || except.includes(Number(d))) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, "utf8").includes(nonce)) pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** After teardown: anything of the canaries still on the host. */
export function remainingCanaries(cfg: CanaryConfig): string[] {
  const left: string[] = [];
  for (const { kind, key } of sysvKeysPresent([cfg.shmKey, cfg.msgKey, cfg.semKey, cfg.leaveKey])) left.push(`sysv-${kind} key 0x${key.toString(16)}`);
  for (const line of keysWithNonce(cfg.nonce)) left.push(`key ${line.trim().split(/\s+/)[0]}`);
  for (const p of [cfg.unixStream, cfg.unixDgram, `/dev/shm/${cfg.posixShm}`, join(cfg.outsideDir, "..")]) if (existsSync(p)) left.push(p);
  return left;
}
