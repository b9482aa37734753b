// The argument vector of cordon-exec, the single-threaded launcher that applies
// a macOS plan and then execs the program (zig/src/launcher/main.zig):
//
//   cordon-exec [--setsid] [--rlimit RES SOFT HARD]... [--user UID GID]
//               [--param KEY VALUE]... [--profile SBPL] -- PROGRAM ARG...
//
// The launcher applies them in the order setsid, rlimits, gid/uid, Seatbelt,
// then execve(PROGRAM). PROGRAM must be an absolute path.
import type { Rlimit } from "./rlimits.ts";
import type { SeatbeltProfile } from "./seatbelt.ts";

export type LaunchSpec = {
  readonly newSession: boolean;
  readonly rlimits: readonly Rlimit[];
  readonly user?: { readonly uid: number; readonly gid: number };
  /** Absent: no Seatbelt profile (tests of the process-tree mechanisms use this). */
  readonly profile?: SeatbeltProfile;
};

const u64 = (n: number, what: string) => {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer: ${n}`);
  return String(n);
};

export function launcherArgv(spec: LaunchSpec, program: string, args: readonly string[]): string[] {
  if (!program.startsWith("/")) throw new Error(`the launcher execs an absolute path, got ${program}`);
  const out: string[] = [];
  if (spec.newSession) out.push("--setsid");
  for (const r of spec.rlimits) out.push("--rlimit", u64(r.resource, "resource"), u64(r.soft, "soft limit"), u64(r.hard, "hard limit"));
  if (spec.user) out.push("--user", u64(spec.user.uid, "uid"), u64(spec.user.gid, "gid"));
  if (spec.profile) {
    for (const [k, v] of spec.profile.params) out.push("--param", k, v);
    out.push("--profile", spec.profile.text);
  }
  out.push("--", program, ...args);
  return out;
}
