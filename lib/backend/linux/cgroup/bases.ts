// When the `cordon` base directories go. Making and removing a base costs a
// cgroup mkdir and rmdir in the kernel, each as dear as the sandbox's own, so a
// base stays while this process keeps making sandboxes in it and is removed
// once none was destroyed for IDLE_MS, and at exit: nothing stays in the
// caller's cgroup that the host may want to remove. A base left by a process
// that died (SIGKILL) is removed by the next cordon process's cleanupStale.
import { removeIfEmpty } from "./fs.ts";

/** Idle time after the last destroy before the bases are removed. */
export const IDLE_MS = 50;

const idle = new Set<string>();
let timer: ReturnType<typeof setTimeout> | undefined;

/** Removes every base this process used that is empty (a base still in use is busy and stays). */
export function releaseBases(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  for (const base of idle) removeIfEmpty(base);
  idle.clear();
}

/** A sandbox cgroup in `base` was removed: the base goes once this process stays idle. */
export function baseMayGo(base: string): void {
  idle.add(base);
  if (timer) timer.refresh();
  else {
    timer = setTimeout(releaseBases, IDLE_MS);
    // An idle base must not keep the process alive; exit removes it anyway.
    timer.unref?.();
  }
}
