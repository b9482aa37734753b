// What Linux 7.1's clone3 flags would take over from the child's own set-up
// steps, decided from the host model; where a flag is absent (every kernel
// before 7.1, this one included) today's step stays. Pure: the spawn does not
// use the flags yet (docs/linux-cgroups.md says what that needs).
// - CLONE_NNP sets no_new_privs at creation, instead of prctl in the child.
// - CLONE_PIDFD_AUTOKILL SIGKILLs the child when the clone3 pidfd is closed
//   (this process dies, even by SIGKILL): stronger than PR_SET_PDEATHSIG,
//   which a privileged exec or a credential change resets. The kernel takes
//   it only with CLONE_PIDFD and CLONE_AUTOREAP, and with CLONE_NNP unless
//   the caller holds CAP_SYS_ADMIN.
// - CLONE_AUTOREAP: no zombie; the exit status is then read from the pidfd
//   (PIDFD_GET_INFO) instead of waitid.
import type { LinuxHostModel } from "./types.ts";

export type CloneHelp = {
  readonly noNewPrivs: "CLONE_NNP" | "prctl(PR_SET_NO_NEW_PRIVS) in the child" | "not set";
  readonly killOnOwnerDeath: "CLONE_PIDFD_AUTOKILL" | "PR_SET_PDEATHSIG in the child";
  readonly reap: "CLONE_AUTOREAP" | "waitid on the pidfd";
};

/** The mechanism for each step on `host`; `noNewPrivs`: whether the child gets no_new_privs (the spawn's default). */
export function cloneHelpOf(host: Pick<LinuxHostModel, "cloneFlags" | "capabilities">, noNewPrivs = true): CloneHelp {
  const f = host.cloneFlags;
  const nnp = noNewPrivs && f.nnp;
  const autokill = f.pidfdAutokill && f.autoreap && (nnp || host.capabilities);
  return {
    noNewPrivs: !noNewPrivs ? "not set" : nnp ? "CLONE_NNP" : "prctl(PR_SET_NO_NEW_PRIVS) in the child",
    killOnOwnerDeath: autokill ? "CLONE_PIDFD_AUTOKILL" : "PR_SET_PDEATHSIG in the child",
    reap: f.autoreap ? "CLONE_AUTOREAP" : "waitid on the pidfd",
  };
}
