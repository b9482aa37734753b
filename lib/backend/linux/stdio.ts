// The sandbox's stdio slots as the native spawn takes them: 0-2 pass through;
// fds 3 and up become extraFds placements, "pipe" ones a socket pair (as Bun
// makes them) whose other end the caller gets in Subprocess.stdio.
import { closeSync, fstatSync } from "node:fs";
import { socketPair } from "../../../ffi/linux-spawn.ts";
import type { BackendStdio } from "../contract.ts";
import type { Stdio } from "./spawn-options.ts";

export type LinuxStdio = {
  readonly stdin: Stdio;
  readonly stdout: Stdio;
  readonly stderr: Stdio;
  readonly extraFds: readonly { readonly child: number; readonly parent: number }[];
  /** Bun's Subprocess.stdio: null for 0-2, then the caller's end, the fd given, or null. */
  readonly stdio: readonly (number | null)[];
  /** After the spawn: closes the child's ends here; on failure (`ok` false) the caller's too. */
  done(ok: boolean): void;
};

function isOpen(fd: number): boolean {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

/** `o` has every slot named already (Bun.spawn's defaults, lib/backend/contract.ts STDIO_DEFAULTS). */
export function linuxStdio(o: BackendStdio): LinuxStdio {
  const extraFds: { child: number; parent: number }[] = [];
  const stdio: (number | null)[] = [null, null, null];
  const childEnds: number[] = [];
  const ours: number[] = [];
  const done = (ok: boolean) => {
    for (const fd of ok ? childEnds : [...childEnds, ...ours]) closeSync(fd);
  };
  try {
    (o.extra ?? []).forEach((slot, i) => {
      const child = i + 3;
      if (slot === "ignore") stdio.push(null);
      else if (slot === "inherit") {
        // Bun passes the caller's fd of that number; one not open passes nothing.
        if (isOpen(child)) extraFds.push({ child, parent: child });
        stdio.push(null);
      } else if (slot === "pipe") {
        const [mine, theirs] = socketPair();
        ours.push(mine);
        childEnds.push(theirs);
        extraFds.push({ child, parent: theirs });
        stdio.push(mine);
      } else {
        extraFds.push({ child, parent: slot });
        stdio.push(slot);
      }
    });
  } catch (e) {
    done(false);
    throw e;
  }
  return { stdin: o.stdin, stdout: o.stdout, stderr: o.stderr, extraFds, stdio, done };
}
