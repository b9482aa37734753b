// Landlock writes denials to the audit log only while audit is enabled
// (security/landlock/audit.c returns early otherwise). Where the host runs no
// audit daemon and audit is off, a privileged cordon turns it on for the
// runs that ask for denials, and off again when the last such run of any
// cordon process on the host has ended. Holders are files named
// <pid>-<starttime> in one root-only directory; a holder whose process is gone
// (or whose pid was reused) no longer counts. A host whose audit is on, or
// managed by a daemon (its pid registered), is left exactly as it is.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { auditSetEnabled, auditStatus, type AuditStatus } from "../../../../ffi/linux-explain.ts";

/** Where holders are kept (root's: turning audit on needs CAP_AUDIT_CONTROL anyway). */
export const HOLDERS_DIR = "/run/cordon-audit";
const MARK = "enabled-by-cordon";

export type AuditAccess =
  | { readonly on: true; readonly by: "host" | "cordon" }
  | { readonly on: false; readonly reason: string };

/** The kernel's start time of a process (/proc/<pid>/stat field 22), to tell a live holder from a reused pid. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function ownName(): string {
  return `${process.pid}-${startTime(process.pid) ?? "0"}`;
}

/** Live holders' names; the files of dead ones are removed. */
function liveHolders(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const live: string[] = [];
  for (const n of names) {
    const m = /^(\d+)-(\d+)$/.exec(n);
    if (!m) continue;
    if (startTime(Number(m[1])) === m[2]) live.push(n);
    else rmSync(join(dir, n), { force: true });
  }
  return live;
}

let held = 0;
let access: AuditAccess | undefined;
let registered = false;
let exitHook = false;

function statusOr(): AuditStatus | string {
  try {
    return auditStatus();
  } catch (e) {
    const why = (e as Error).message;
    if (/EPERM/.test(why)) return `the audit log is root's: its status needs CAP_AUDIT_CONTROL and reading it CAP_AUDIT_READ (${why})`;
    return `the audit status cannot be read here (${why})`;
  }
}

/** Enters this process as a holder; false where the directory is not this user's to write (no privilege). */
function register(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, ownName()), "");
    return true;
  } catch {
    return false;
  }
}

function unregister(dir: string): void {
  if (registered) rmSync(join(dir, ownName()), { force: true });
  registered = false;
}

/**
 * Makes sure audit is on for one run that wants denials, turning it on when
 * that is cordon's to do. Every call must be followed by releaseAudit().
 * The holder is written before the status is read: a last holder turning
 * audit off meanwhile then either sees it, or is seen to have done so.
 */
export function acquireAudit(dir = HOLDERS_DIR): AuditAccess {
  held++;
  if (access) return access;
  registered = register(dir);
  const s = statusOr();
  if (typeof s === "string") return (access = { on: false, reason: s });
  if (s.enabled !== 0) return (access = { on: true, by: existsSync(join(dir, MARK)) ? "cordon" : "host" });
  if (s.pid !== 0) return (access = { on: false, reason: `audit is off and managed by the audit daemon (pid ${s.pid}); cordon leaves its settings alone` });
  if (!registered) return (access = { on: false, reason: "audit is off, and turning it on needs root (CAP_AUDIT_CONTROL)" });
  try {
    writeFileSync(join(dir, MARK), "0\n");
    auditSetEnabled(1);
  } catch (e) {
    return (access = { on: false, reason: `audit is off and cordon cannot turn it on here (${(e as Error).message})` });
  }
  if (!exitHook) {
    exitHook = true;
    process.on("exit", () => {
      if (held > 0) {
        held = 1;
        releaseAudit(dir);
      }
    });
  }
  return (access = { on: true, by: "cordon" });
}

/** Ends one run's hold; the last holder on the host turns audit off again if cordon turned it on. */
export function releaseAudit(dir = HOLDERS_DIR): void {
  if (held === 0) return;
  held--;
  if (held > 0) return;
  access = undefined;
  if (!registered) return;
  unregister(dir);
  if (!existsSync(join(dir, MARK)) || liveHolders(dir).length > 0) return;
  const s = statusOr();
  // A daemon that registered meanwhile owns the setting now.
  if (typeof s === "string" || s.enabled !== 1 || s.pid !== 0) return;
  try {
    auditSetEnabled(0);
    rmSync(join(dir, MARK), { force: true });
    // A holder that came in just before audit went off: on again for it.
    if (liveHolders(dir).length > 0) {
      writeFileSync(join(dir, MARK), "0\n");
      auditSetEnabled(1);
    }
  } catch {
    // Lost the privilege meanwhile: the next holder's release turns it off.
  }
}
