// One Linux run that asked for its denials: which source sees which class
// here, what the spawn takes for it (landlock's log flag, the supervised
// seccomp filter), and the collection once the tree is gone. A run that did
// not ask gets none of it: no flag, no listener, no reader.
import { readFileSync, realpathSync } from "node:fs";
import { text, type Call } from "../../../denials/calls.ts";
import type { DenialLog } from "../../../denials/log.ts";
import { limitDenials, type LimitFacts } from "../../../denials/limits.ts";
import { PATH_CALLS, SOCKET_CALLS } from "../../../denials/notify-filter.ts";
import { refusedDenial } from "../../../denials/refusals.ts";
import type { DenialClass } from "../../../denials/types.ts";
import { fsOps, viewDenial, type View } from "../../../denials/view.ts";
import type { Arch } from "../../../plan/linux/seccomp/arch.ts";
import { RESTRICT_FLAGS } from "../../../plan/linux/landlock/rights.ts";
import type { Limits, ResolvedPolicy } from "../../../policy/types.ts";
import { openAuditSession, type AuditSession } from "./audit-feed.ts";
import { acquireAudit, releaseAudit } from "./audit-switch.ts";
import { openNotifyRun, type NotifyRun } from "./notify-feed.ts";

/** LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (ABI 7): without it the kernel logs only denials of the program that restricted itself, never the command it execs. */
export const LOG_NEW_EXEC_ON = RESTRICT_FLAGS.log_new_exec_on.bit;

/** Classes landlock's audit records carry. */
const LANDLOCK_CLASSES: readonly DenialClass[] = ["fs", "net", "signal", "ptrace", "ipc"];

let userNotif: boolean | undefined;

/** SECCOMP_RET_USER_NOTIF is offered (/proc/sys/kernel/seccomp/actions_avail). */
function userNotifAvailable(): boolean {
  if (userNotif === undefined) {
    try {
      userNotif = /\buser_notif\b/.test(readFileSync("/proc/sys/kernel/seccomp/actions_avail", "utf8"));
    } catch {
      userNotif = false;
    }
  }
  return userNotif;
}

export type ExplainInput = {
  readonly landlock: { readonly applied: boolean; readonly abi: number };
  /** The run's own seccomp filter, if it has one. */
  readonly seccomp?: { readonly filter: Uint8Array; readonly arch: Arch } | undefined;
  /** The private root's grants, when the run has one. */
  readonly view?: View | undefined;
  readonly net: ResolvedPolicy["net"];
  /** Learning: every file and socket call is observed and passed on (but the execs of `ignore`, cordon's own). */
  readonly onCall?: ((c: Call) => void) | undefined;
  readonly ignore?: readonly string[];
};

export type LinuxExplain = {
  /** Landlock restrict flags to add for this run. */
  readonly restrictFlags: number;
  /** The supervised filter and its listener socket, replacing the run's filter. */
  readonly seccomp?: { readonly filter: Uint8Array; readonly notifySock: number };
  /** After the spawn call, done or failed. */
  spawned(): void;
  /** The spawned child's pid (under cordon-init, the command is its child). */
  started(pid: number, underInit: boolean): void;
  /** After the tree is gone: the last records, the limits hit, the audit hold released. */
  finish(limits: Limits, facts: LimitFacts): Promise<void>;
};

/** The children of `pid` (cordon-init's one child is the command, started before cordon-init's execve). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function realpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** Landlock's audit records: the classes they carry, if they can be read here. */
function openLandlock(log: DenialLog, landlock: ExplainInput["landlock"]): { session?: AuditSession; held: boolean; reason?: string } {
  if (!landlock.applied) return { held: false, reason: "landlock is not applied to this run" };
  if (landlock.abi < 7) return { held: false, reason: `landlock ABI ${landlock.abi} < 7 writes no audit records` };
  const audit = acquireAudit();
  if (!audit.on) return { held: true, reason: audit.reason };
  const s = openAuditSession(log);
  if (typeof s === "string") return { held: true, reason: s };
  const by = `landlock audit records (audit ${audit.by === "host" ? "on by the host" : "turned on by cordon while runs ask for denials"})`;
  for (const c of LANDLOCK_CLASSES) log.source({ class: c, visible: true, by });
  return { session: s, held: true };
}

/** The seccomp supervisor: refused calls always, and with a private root the path calls its view may refuse. */
function openSupervisor(log: DenialLog, input: ExplainInput): NotifyRun | string {
  if (!input.seccomp) return "this run has no seccomp filter";
  if (!userNotifAvailable()) return "seccomp user notification is not offered by this kernel";
  const view = input.view;
  // Each distinct operation is judged once (one realpath); repeats count on the denial it made.
  const judged = new Map<string, ReturnType<typeof viewDenial> | null>();
  const learn = input.onCall;
  const ignore = new Set(input.ignore ?? []);
  const onCall = (c: Call) => {
    if (learn && !(c.name === "execve" && ignore.has(text(c, 0) ?? ""))) learn(c);
    if (c.errno !== 0) {
      const d = refusedDenial(c, input.net);
      if (d) log.add(d);
      return;
    }
    if (!view) return;
    for (const op of fsOps(c)) {
      const key = `${op.access}\0${op.path}`;
      let d = judged.get(key);
      if (d === undefined) {
        d = viewDenial(op, view, { realpath }) ?? null;
        if (judged.size < 100_000) judged.set(key, d);
      }
      if (d) log.add(d);
    }
  };
  const observe = learn ? { ...PATH_CALLS, ...SOCKET_CALLS, socket: 0 } : view ? PATH_CALLS : {};
  return openNotifyRun(input.seccomp.filter, input.seccomp.arch, observe, onCall, (n) => log.lost(n));
}

export function beginExplain(log: DenialLog, input: ExplainInput): LinuxExplain {
  const landlock = openLandlock(log, input.landlock);
  const supervisor = openSupervisor(log, input);
  const notify = typeof supervisor === "string" ? undefined : supervisor;
  if (landlock.reason) {
    for (const c of LANDLOCK_CLASSES) log.source({ class: c, visible: false, reason: landlock.reason });
  }
  if (notify) {
    log.source({ class: "syscall", visible: true, by: "seccomp user-notify: refused calls answered with the filter's own errno" });
    if (input.view) {
      const view = "the private root's refusals (paths outside the grants, writes to read-only binds), from seccomp user-notify of path calls";
      log.source(landlock.reason ? { class: "fs", visible: true, by: view, reason: `landlock's own file denials not visible: ${landlock.reason}` } : { class: "fs", visible: true, by: `${view}; landlock audit records` });
    }
  } else log.source({ class: "syscall", visible: false, reason: supervisor as string });
  log.source({ class: "limit", visible: true, by: "cordon's limit verdicts and the cgroup's counters" });
  return {
    restrictFlags: landlock.session ? LOG_NEW_EXEC_ON : 0,
    ...(notify ? { seccomp: { filter: notify.filter, notifySock: notify.sock } } : {}),
    spawned() {
      notify?.spawned();
    },
    started(pid, underInit) {
      landlock.session?.add(underInit ? [pid, ...childrenOf(pid)] : [pid]);
    },
    async finish(limits, facts) {
      notify?.spawned();
      try {
        await Promise.all([landlock.session?.end(), notify?.end()]);
      } finally {
        if (landlock.held) releaseAudit();
      }
      for (const { denial, count } of limitDenials(limits, facts)) log.add(denial, count);
    },
  };
}
