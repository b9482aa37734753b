// Leak checks on this process's fd table. Bun's own threads open and close
// fds meanwhile, and close the pipes and sockets of ended streams a moment
// after the stream ends, so a check compares what the fds are, not how many.
import { readdirSync, readlinkSync } from "node:fs";

/** This process's fds as "fd -> link" (a pipe, socket or namespace link names its inode). */
export function fdSet(): Set<string> {
  return new Set(
    readdirSync("/proc/self/fd").flatMap((fd) => {
      try {
        return [`${fd} -> ${readlinkSync(`/proc/self/fd/${fd}`)}`];
      } catch {
        return []; // closed since it was listed
      }
    }),
  );
}

/** The fds open now that were not open in `before`, after giving transient
 * ones up to half a second to close: a leak stays, a stream's fd goes. */
export async function newFds(before: Set<string>): Promise<string[]> {
  const extra = () => [...fdSet()].filter((f) => !before.has(f));
  for (let i = 0; i < 100 && extra().length > 0; i++) await Bun.sleep(5);
  return extra();
}
