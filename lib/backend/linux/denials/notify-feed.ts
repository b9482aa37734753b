// One run under the seccomp notification supervisor: the supervised filter,
// the socket its child sends the listener over, and the calls recorded, read
// on this realm's event loop. Nothing here decides anything the kernel
// enforces: the supervisor answers every call as the run's own filter would.
import { NOTIFY_FRAME, notifyWatch } from "../../../../ffi/linux-explain.ts";
import { socketPair } from "../../../../ffi/linux-spawn.ts";
import { closeFd } from "../../../../ffi/linux.ts";
import { decodeCall, type Call } from "../../../denials/calls.ts";
import { superviseFilter } from "../../../denials/notify-filter.ts";
import type { Arch } from "../../../plan/linux/seccomp/arch.ts";
import { openChannel } from "./channel.ts";

/** After the tree is gone, how long the supervisor may take to report the listener's end. */
const END_MAX_MS = 3000;

export type NotifyRun = {
  /** The filter to spawn with, and the socket its listener goes over (SPAWN_FLAGS.NOTIFY). */
  readonly filter: Uint8Array;
  readonly sock: number;
  /** After the spawn call (done or failed): this process's copy of the child's socket end is closed. */
  spawned(): void;
  /** Once the tree is gone: every recorded call has been delivered. */
  end(): Promise<void>;
};

export function openNotifyRun(original: Uint8Array, arch: Arch, observe: Readonly<Record<string, number>>, onCall: (c: Call) => void, onLost: (n: number) => void): NotifyRun | string {
  let sup: ReturnType<typeof superviseFilter>;
  try {
    sup = superviseFilter(original, arch, observe);
  } catch (e) {
    return (e as Error).message;
  }
  let settle!: () => void;
  const ended = new Promise<void>((r) => (settle = r));
  const channel = openChannel((f) => {
    if (f.type === NOTIFY_FRAME.call) {
      const c = decodeCall(f.payload);
      if (c) onCall(c);
    } else if (f.type === NOTIFY_FRAME.lost && f.payload.length >= 8) onLost(new DataView(f.payload.buffer, f.payload.byteOffset).getUint32(4, true));
    else if (f.type === NOTIFY_FRAME.end) settle();
  });
  void channel.closed.then(settle);
  const [mine, child] = socketPair();
  try {
    notifyWatch(mine, channel.writeEnd, sup.original, sup.table);
  } catch (e) {
    // The supervisor took neither end.
    for (const fd of [mine, child, channel.writeEnd]) closeFd(fd);
    channel.close();
    return `the seccomp notification supervisor cannot start (${(e as Error).message})`;
  }
  let childOpen = true;
  return {
    filter: sup.filter,
    sock: child,
    spawned() {
      if (childOpen) closeFd(child);
      childOpen = false;
    },
    async end() {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([ended, new Promise<void>((r) => (timer = setTimeout(r, END_MAX_MS)))]);
      clearTimeout(timer);
      channel.close();
    },
  };
}
