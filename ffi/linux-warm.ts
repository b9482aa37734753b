// A warm sandbox's one request and its handover (cordon_linux_warm_handover):
// the layout is struct cordon_linux_warm_request of cordon_linux_spawn.h
// (offsets generated from the header), cordon-init checks it all again.
import * as H from "./generated/linux-layouts.ts";
import { linux } from "./linux.ts";
import { describeExecError, SPAWN_STEPS } from "./linux-spawn.ts";
import { fdArg } from "./common.ts";
import { CORDON_E, statusError } from "./status.ts";
import type { OsError } from "./errors.ts";

const REQ = H.cordon_linux_warm_request;
const REPLY = H.cordon_linux_warm_reply;
export const WARM_LIMITS = { size: H.CORDON_WARM_MAX_SIZE, strings: H.CORDON_WARM_MAX_STRINGS, fds: H.CORDON_WARM_MAX_FDS } as const;
/** cordon-init's exit status when its request was refused or never came. */
export const WARM_REFUSED = H.CORDON_WARM_REFUSED;

export type WarmRequest = {
  readonly path: string;
  readonly argv: readonly string[];
  readonly envp: readonly string[];
  readonly cwd?: string | undefined;
  /** The command's fd numbers: 0, 1, 2, then 3 and up (each distinct), one per fd handed over. */
  readonly targets: readonly number[];
};

const encoder = new TextEncoder();

/** The request's bytes, or undefined when it is larger than a warm sandbox takes (the caller spawns one-shot then). */
export function encodeWarmRequest(r: WarmRequest): Uint8Array | undefined {
  const strings = [r.path, ...r.argv, ...r.envp, ...(r.cwd === undefined ? [] : [r.cwd])];
  if (r.argv.length + r.envp.length > WARM_LIMITS.strings || r.targets.length > WARM_LIMITS.fds) return undefined;
  const encoded = strings.map((s) => {
    if (s.includes("\0")) throw new TypeError(`string contains a NUL byte: ${JSON.stringify(s)}`);
    return encoder.encode(s);
  });
  const targetsAt = REQ.size;
  let size = targetsAt + 4 * r.targets.length;
  for (const e of encoded) size += e.length + 1;
  if (size > WARM_LIMITS.size) return undefined;
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  view.setUint32(REQ.offset.magic, H.CORDON_WARM_MAGIC, true);
  view.setUint32(REQ.offset.size, size, true);
  view.setUint32(REQ.offset.argc, r.argv.length, true);
  view.setUint32(REQ.offset.envc, r.envp.length, true);
  view.setUint32(REQ.offset.fds_count, r.targets.length, true);
  view.setUint32(REQ.offset.flags, r.cwd === undefined ? 0 : H.CORDON_WARM_CWD, true);
  r.targets.forEach((t, i) => view.setInt32(targetsAt + 4 * i, fdArg(t, "warm target"), true));
  let at = targetsAt + 4 * r.targets.length;
  for (const e of encoded) {
    buf.set(e, at);
    at += e.length + 1;
  }
  return buf;
}

/**
 * Hands `request` and `fds` (one per target) to the warm sandbox waiting on
 * `sock`; returns once the command has exec'd. Throws the OsError of the
 * step that failed (execve: "command not found" as a one-shot spawn does), or
 * one with errorName CORDON_E_CHILD_DIED when the waiting process is gone:
 * nothing ran then.
 */
export function warmHandover(sock: number, request: Uint8Array, fds: readonly number[], what: string): void {
  const fdBytes = new Uint8Array(new Int32Array(fds.map((fd) => fdArg(fd, "warm fd"))).buffer);
  const reply = new Uint8Array(REPLY.size);
  const rc = linux().cordon_linux_warm_handover(fdArg(sock, "warm socket"), request, request, fdBytes, fds.length, reply, reply);
  if (rc >= 0) return;
  if (rc === CORDON_E.CHILD_DIED) throw statusError("warm sandbox handover", "errno", rc, "the waiting sandbox is gone (killed, or out of memory): nothing ran") as OsError;
  const step = new DataView(reply.buffer).getUint32(REPLY.offset.step, true);
  const op = SPAWN_STEPS[step] ?? "warm sandbox handover";
  throw statusError(op, "errno", rc, op === "execve" ? describeExecError(rc, what) : what) as OsError;
}
