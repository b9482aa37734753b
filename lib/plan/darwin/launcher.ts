// The argument vector of cordon-exec, the single-threaded launcher that applies
// a macOS plan and then execs the program (zig/src/launcher/main.zig):
//
//   cordon-exec [--setsid] [--rlimit RES SOFT HARD]... [--user UID GID]
//               [--param KEY VALUE]... [--profile SBPL]                   (macOS)
//               [--unveil PATH PERMS]... [--pledge PROMISES EXECPROMISES] (OpenBSD)
//               -- PROGRAM ARG...
//
// The launcher applies them in the order setsid, rlimits, gid/uid, Seatbelt
// or unveil+pledge, then execve(PROGRAM). PROGRAM must be an absolute path.
// FreeBSD and OpenBSD use the same launcher.
import type { Rlimit } from "./rlimits.ts";
import type { SeatbeltProfile } from "./seatbelt.ts";

export type LaunchSpec = {
  readonly newSession: boolean;
  readonly rlimits: readonly Rlimit[];
  readonly user?: { readonly uid: number; readonly gid: number };
  /** Absent: no Seatbelt profile (tests of the process-tree mechanisms use this). */
  readonly profile?: SeatbeltProfile;
  /** OpenBSD: unveil(path, permissions) pairs, locked before pledge. */
  readonly unveil?: readonly (readonly [string, string])[];
  /** OpenBSD: pledge(promises, execpromises). */
  readonly pledge?: { readonly promises: string; readonly execpromises: string };
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
  for (const [path, perms] of spec.unveil ?? []) out.push("--unveil", path, perms);
  if (spec.pledge) out.push("--pledge", spec.pledge.promises, spec.pledge.execpromises);
  out.push("--", program, ...args);
  return out;
}
