// macOS denials (a plan, not run yet): Seatbelt's kernel extension logs each
// denial to the unified log as `Sandbox: NAME(PID) deny(1) OPERATION TARGET`
// unless a rule says `(with no-log)`, which cordon's profiles never do. A
// reader is `log stream` with a predicate on the sender, whose lines are
// kept when PID belongs to the run's tree (the launcher's pid and its
// descendants, from the exit watcher's kqueue). Pure: the argv and the parse.
import type { DenialInput } from "./log.ts";
import type { DenialSource } from "./types.ts";

/** `log stream` for Seatbelt's denials, one JSON object per line (no root needed for one's own processes' messages). */
export const SEATBELT_LOG_ARGV = ["/usr/bin/log", "stream", "--style", "ndjson", "--level", "info", "--predicate", 'sender == "Sandbox" AND eventMessage BEGINSWITH "Sandbox: "'] as const;

export type SeatbeltViolation = { readonly process: string; readonly pid: number; readonly operation: string; readonly target: string };

/** One eventMessage: "Sandbox: python3(4242) deny(1) file-read-data /job/home/.npmrc". */
export function parseSeatbeltViolation(message: string): SeatbeltViolation | undefined {
  const m = /^Sandbox: (.+)\((\d+)\) deny(?:\(\d+\))? ([\w*-]+)(?: (.*))?$/.exec(message.trim());
  if (!m) return undefined;
  return { process: m[1]!, pid: Number(m[2]), operation: m[3]!, target: m[4] ?? "" };
}

const BY = "Seatbelt violation log";

/** The denial one violation stands for, with the flag that lifts it where one does. */
export function seatbeltDenial(v: SeatbeltViolation): DenialInput {
  const op = v.operation;
  const t = v.target;
  if (op === "file-read-data" || op === "file-read-metadata" || op === "file-read-xattr") return { class: "fs", access: "read", target: t, allow: `--allow-read=${t}`, by: BY, detail: op };
  if (op === "process-exec" || op === "process-exec*" || op === "file-map-executable") return { class: "fs", access: "exec", target: t, allow: `--allow-read=${t}`, by: BY, detail: op };
  if (op.startsWith("file-write")) {
    const access = op === "file-write-create" ? "create" : op === "file-write-unlink" ? "remove" : "write";
    return { class: "fs", access, target: t, allow: `--allow-write=${t}`, by: BY, detail: op };
  }
  if (op.startsWith("network-outbound") || op.startsWith("network-bind")) {
    const port = /:(\d+)$/.exec(t)?.[1];
    const bind = op.startsWith("network-bind");
    return { class: "net", access: bind ? "bind" : "connect", target: t, allow: port ? `--allow-${bind ? "bind" : "connect"}=${port}` : "--allow-net", by: BY, detail: op };
  }
  if (op === "signal") return { class: "signal", access: "signal", target: t || "a process outside the sandbox", why: "the process is outside the sandbox: no flag reaches it", by: BY, detail: op };
  if (op.startsWith("process-info") || op === "mach-task-name") return { class: "ptrace", access: op, target: t, why: "other processes stay out of reach: no flag allows it", by: BY, detail: op };
  return { class: "ipc", access: op, target: t, why: "refused by cordon's Seatbelt profile: no flag allows it", by: BY, detail: op };
}

/** What a macOS run would see, per class. */
export function darwinDenialSources(): DenialSource[] {
  const seatbelt = { visible: true, by: "Seatbelt's violation log (log stream, the run's pids)" } as const;
  return [
    { class: "fs", ...seatbelt },
    { class: "net", ...seatbelt },
    { class: "signal", ...seatbelt },
    { class: "ptrace", ...seatbelt },
    { class: "ipc", ...seatbelt },
    { class: "syscall", visible: false, reason: "macOS has no syscall filter: Seatbelt decides by operation, and its refusals are the other classes" },
    { class: "limit", visible: true, by: "cordon's limit verdicts (rlimits and its own timer)" },
  ];
}
