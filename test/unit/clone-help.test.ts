// Linux 7.1's clone3 flags on the host model: the probe's bits decoded, and
// what a spawn would take from the kernel where each is present, today's
// child step where it is absent (kernels before 7.1).
import { describe, expect, test } from "bun:test";
import { decodeHostProbe, HOST_BIT } from "../../ffi/linux-host.ts";
import { cloneHelpOf } from "../../lib/host/linux/clone-help.ts";

const flags = (autoreap: boolean, nnp: boolean, pidfdAutokill: boolean) => ({ autoreap, nnp, pidfdAutokill });
const today = { noNewPrivs: "prctl(PR_SET_NO_NEW_PRIVS) in the child", killOnOwnerDeath: "PR_SET_PDEATHSIG in the child", reap: "waitid on the pidfd" };

describe("clone3 flags of Linux 7.1", () => {
  test("bits 27..29 decode to CLONE_AUTOREAP, CLONE_NNP, CLONE_PIDFD_AUTOKILL", () => {
    expect(decodeHostProbe(0).cloneFlags).toEqual(flags(false, false, false));
    expect(decodeHostProbe(HOST_BIT.cloneAutoreap).cloneFlags).toEqual(flags(true, false, false));
    expect(decodeHostProbe(HOST_BIT.cloneNnp).cloneFlags).toEqual(flags(false, true, false));
    expect(decodeHostProbe(HOST_BIT.clonePidfdAutokill).cloneFlags).toEqual(flags(false, false, true));
    expect([HOST_BIT.cloneAutoreap, HOST_BIT.cloneNnp, HOST_BIT.clonePidfdAutokill]).toEqual([1 << 27, 1 << 28, 1 << 29]);
  });

  test("a kernel without them (before 7.1) keeps today's child steps, with or without capabilities", () => {
    for (const capabilities of [false, true]) expect(cloneHelpOf({ cloneFlags: flags(false, false, false), capabilities })).toEqual(today as never);
  });

  test("a kernel with all three: the kernel sets no_new_privs, reaps, and kills the child when this process dies", () => {
    expect(cloneHelpOf({ cloneFlags: flags(true, true, true), capabilities: false })).toEqual({ noNewPrivs: "CLONE_NNP", killOnOwnerDeath: "CLONE_PIDFD_AUTOKILL", reap: "CLONE_AUTOREAP" });
  });

  test("autokill needs autoreap, and no_new_privs or CAP_SYS_ADMIN, as the kernel does", () => {
    expect(cloneHelpOf({ cloneFlags: flags(false, true, true), capabilities: true }).killOnOwnerDeath).toBe("PR_SET_PDEATHSIG in the child");
    // Without no_new_privs (a policy that needs setuid programs) only CAP_SYS_ADMIN allows it.
    expect(cloneHelpOf({ cloneFlags: flags(true, true, true), capabilities: false }, false)).toEqual({ noNewPrivs: "not set", killOnOwnerDeath: "PR_SET_PDEATHSIG in the child", reap: "CLONE_AUTOREAP" });
    expect(cloneHelpOf({ cloneFlags: flags(true, true, true), capabilities: true }, false).killOnOwnerDeath).toBe("CLONE_PIDFD_AUTOKILL");
  });
});
