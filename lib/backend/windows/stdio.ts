// The child's three standard handles from the portable stdio options:
// "pipe" makes a pipe (cordon keeps the other end), "inherit" passes an
// inheritable duplicate of cordon's own handle (never cordon's handle itself,
// which would then leak into every other spawn that inherits handles),
// "ignore" the NUL device, and 0, 1, 2 name cordon's own stdin, stdout,
// stderr. Other descriptors are refused: Bun gives no way to turn one into a
// Windows handle.
import { closeHandle, createPipe, openNull, setInheritable, stdDuplicate, type Handle } from "../../../ffi/windows.ts";
import { PolicyError } from "../../errors.ts";
import type { SandboxStdio } from "../contract.ts";

export type ChildStdio = {
  /** The handles the child gets (each inheritable), in stdin, stdout, stderr order. */
  readonly child: readonly [Handle, Handle, Handle];
  /** cordon's ends of the pipes, where one was asked for. */
  readonly stdinWrite?: Handle;
  readonly stdoutRead?: Handle;
  readonly stderrRead?: Handle;
  /** Closes the child's handles in cordon's process (after the spawn, or on failure). */
  closeChildEnds(): void;
  /** Closes cordon's ends too (when the spawn failed). */
  closeAll(): void;
};

type Which = 0 | 1 | 2;
const names = ["stdin", "stdout", "stderr"] as const;

function check(which: Which, s: SandboxStdio): void {
  if (s === "pipe" || s === "inherit" || s === "ignore") return;
  if (typeof s === "number" && (s === 0 || s === 1 || s === 2)) return;
  throw new PolicyError(names[which], `on Windows only "pipe", "inherit", "ignore" or 0, 1, 2 can be passed, not ${JSON.stringify(s)}`);
}

export function childStdio(stdio: readonly [SandboxStdio, SandboxStdio, SandboxStdio]): ChildStdio {
  stdio.forEach((s, i) => check(i as Which, s));
  const opened: Handle[] = [];
  const ours: (Handle | undefined)[] = [undefined, undefined, undefined];
  try {
    const child = stdio.map((s, i) => {
      const which = i as Which;
      if (s === "pipe") {
        const p = createPipe();
        const [childEnd, ourEnd] = which === 0 ? [p.read, p.write] : [p.write, p.read];
        ours[which] = ourEnd;
        opened.push(childEnd);
        setInheritable(childEnd, true);
        return childEnd;
      }
      const h = s === "ignore" ? openNull() : (stdDuplicate(s === "inherit" ? which : (s as Which)) ?? openNull());
      opened.push(h);
      return h;
    }) as unknown as [Handle, Handle, Handle];
    const closeChildEnds = () => {
      for (const h of opened.splice(0)) closeHandle(h);
    };
    return {
      child,
      ...(ours[0] !== undefined ? { stdinWrite: ours[0] } : {}),
      ...(ours[1] !== undefined ? { stdoutRead: ours[1] } : {}),
      ...(ours[2] !== undefined ? { stderrRead: ours[2] } : {}),
      closeChildEnds,
      closeAll() {
        closeChildEnds();
        for (const h of ours.splice(0)) if (h !== undefined) closeHandle(h);
      },
    };
  } catch (e) {
    for (const h of [...opened, ...ours]) if (h !== undefined) closeHandle(h);
    throw e;
  }
}
