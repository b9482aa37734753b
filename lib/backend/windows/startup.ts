// The start-up check, executed: the child was created suspended; its job
// membership, token, mitigation policies and inherited handles are read back
// (../../plan/windows/startup.ts decides what must hold) and on any
// difference it is ended (TerminateProcess) before its first instruction and
// StartupCheckError names what differed.
import { type Handle } from "../../../ffi/windows.ts";
import { jobContains } from "../../../ffi/windows-job.ts";
import { processHandles, sameObject } from "../../../ffi/windows-process.ts";
import { mitigationFlags, terminateProcess } from "../../../ffi/windows-spawn.ts";
import { TOKEN_FACT, sidToString, tokenFacts, type TokenFacts } from "../../../ffi/windows-token.ts";
import { StartupCheckError } from "../../errors.ts";
import { handleFindings, startupExpectation, startupMismatches, type StartupObservation, type TokenExpectation } from "../../plan/windows/index.ts";
import type { GuaranteeReport } from "../../report.ts";

/** GetCurrentProcess(): the pseudo-handle of this process. */
const SELF: Handle = 0xffff_ffff_ffff_ffffn;

/** Exit code of a process ended by the start-up check. */
export const STARTUP_REFUSED_EXIT_CODE = 0xc0d1;

export type StartupSubject = {
  readonly process: Handle;
  readonly job: Handle;
  /** The handles on the child's handle list. */
  readonly listed: readonly Handle[];
  /** The run's report: what it calls enforced is what must read back. */
  readonly report: readonly GuaranteeReport[];
  readonly mitigation: readonly [bigint, bigint];
  /** The identity applied, as its token must show it. */
  readonly token?: TokenExpectation;
};

const unreadNames = (bits: number) => Object.entries(TOKEN_FACT).filter(([, b]) => (bits & b) !== 0).map(([k]) => k.toLowerCase());

function readToken(process: Handle): NonNullable<StartupObservation["token"]> {
  const f: TokenFacts = tokenFacts(process);
  return {
    integrityRid: f.integrityRid,
    restrictedSids: f.restrictedSids,
    appContainer: f.appContainer,
    elevated: f.elevated,
    privilegesPresent: f.privilegesPresent,
    ...(f.packageSid ? { packageSid: sidToString(f.packageSid) } : {}),
    ...(f.userSid ? { userSid: sidToString(f.userSid) } : {}),
    unread: unreadNames(f.unread),
  };
}

/** Handles that reached the child from this process without being listed: confirmed by object, or unconfirmable (counted, fail closed). */
function readHandles(process: Handle, listed: readonly Handle[]): NonNullable<StartupObservation["handles"]> {
  const { missing, suspects } = handleFindings(listed, processHandles(SELF), processHandles(process));
  const leaked = suspects.filter((v) => sameObject(process, v, v) !== false);
  return { missing, leaked };
}

/**
 * Reads the suspended child back and ends it on any difference from what the
 * run's report calls enforced. Returns what was not read back, and why.
 */
export function verifyStartup(s: StartupSubject): readonly string[] {
  const ownRestrictedSids = s.token ? tokenFacts(SELF).restrictedSids : 0;
  const want = startupExpectation(s.report, s.mitigation, { ...(s.token ? { token: s.token } : {}), ownRestrictedSids });
  let seen: StartupObservation;
  try {
    const mitigations = new Map<number, number | string>();
    for (const m of want.mitigations) {
      try {
        mitigations.set(m.policy, mitigationFlags(s.process, m.policy));
      } catch (e) {
        mitigations.set(m.policy, String(e));
      }
    }
    seen = {
      inJob: want.job ? jobContains(s.job, s.process) : false,
      ...(want.token ? { token: readToken(s.process) } : {}),
      mitigations,
      ...(want.handles ? { handles: readHandles(s.process, s.listed) } : {}),
    };
  } catch (e) {
    terminateProcess(s.process, STARTUP_REFUSED_EXIT_CODE);
    throw e;
  }
  const mismatches = startupMismatches(want, seen);
  if (mismatches.length) {
    terminateProcess(s.process, STARTUP_REFUSED_EXIT_CODE);
    throw new StartupCheckError(mismatches);
  }
  return want.unchecked;
}
