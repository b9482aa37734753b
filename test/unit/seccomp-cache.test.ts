// Decisions that depend only on the syscall number must be reachable through
// number comparisons alone, so the kernel's action cache (kernel/seccomp.c,
// emulated by constantResult) can precompute them. And dispatch must not cost
// more per call than a linear filter over the same syscalls.
import { describe, expect, test } from "bun:test";
import {
  ARCHES,
  type Arch,
  AUDIT_ARCH,
  compileSeccomp,
  evaluator,
  presetPolicy,
  PRESET_NAMES,
  SECCOMP_RET_ALLOW,
  type SeccompPolicy,
  syscallNumber,
} from "../../lib/plan/linux/seccomp/index.ts";
import { resolvePolicy } from "../../lib/plan/linux/seccomp/policy.ts";
import { maxSyscall } from "../../lib/plan/linux/seccomp/arch.ts";
import { constantResult, decodeFilter, run } from "../helpers/bpf-interpreter.ts";
import { randomPolicy, rng } from "../helpers/seccomp-cases.ts";

/** Syscall numbers whose decision cannot depend on arguments: no conditional rule before the first unconditional one. */
function argumentFreeTest(policy: SeccompPolicy, arch: Arch): (nr: number) => boolean {
  const first = new Map<number, boolean>();
  for (const r of resolvePolicy(policy, arch).rules) if (!first.has(r.nr)) first.set(r.nr, r.when.length === 0);
  return (nr) => first.get(nr) ?? true;
}

function checkCache(policy: SeccompPolicy, arch: Arch): { cached: number; dependent: number } {
  const prog = decodeFilter(compileSeccomp(policy, arch).filter);
  const want = evaluator(policy, arch);
  const argumentFree = argumentFreeTest(policy, arch);
  let cached = 0;
  let dependent = 0;
  const wrong: string[] = [];
  for (let nr = 0; nr <= maxSyscall(arch) + 8; nr++) {
    const constant = constantResult(prog, nr, AUDIT_ARCH[arch]);
    if (argumentFree(nr)) {
      const expected = want({ nr, arch: AUDIT_ARCH[arch], args: [] });
      if (constant !== expected) wrong.push(`nr ${nr}: constant ${constant} want ${expected}`);
      if (constant === SECCOMP_RET_ALLOW) cached++;
    } else if (constant === undefined) dependent++;
  }
  expect(wrong).toEqual([]);
  return { cached, dependent };
}

describe("kernel action cache", () => {
  for (const arch of ARCHES) {
    test(`${arch}: every argument-free decision of each preset is a constant the cache can take`, () => {
      for (const names of [...PRESET_NAMES.map((n) => [n]), [...PRESET_NAMES]]) {
        const { cached } = checkCache(presetPolicy(names), arch);
        // Nearly the whole table stays allowed and cacheable.
        expect(cached).toBeGreaterThan(maxSyscall(arch) - 80);
      }
    });

    test(`${arch}: argument checks stay behind the number dispatch (only socket, ioctl and the mode checks are not constant)`, () => {
      const { dependent } = checkCache(presetPolicy([...PRESET_NAMES]), arch);
      // socket, ioctl, and the set-id mode checks: chmod, fchmod, fchmodat, fchmodat2, creat, open, openat, mknod, mknodat.
      const modeChecks = ["chmod", "fchmod", "fchmodat", "fchmodat2", "creat", "open", "openat", "mknod", "mknodat"].filter((n) => syscallNumber(arch, n) !== undefined);
      expect(dependent).toBe(2 + modeChecks.length);
    });

    test(`${arch}: 300 random policies keep argument-free decisions constant`, () => {
      const r = rng(7 + arch.length);
      for (let i = 0; i < 300; i++) checkCache(randomPolicy(r), arch);
    }, 60_000);
  }
});

describe("per-call cost against a linear filter", () => {
  // A linear filter runs: ld arch, jeq, ld nr, [x32 check], then one jeq per listed syscall until it matches, then ret.
  for (const arch of ARCHES) {
    test(`${arch}: the union of presets never runs more instructions on an argument-free call than a linear filter`, () => {
      const policy = presetPolicy([...PRESET_NAMES]);
      const listed = [...new Set(resolvePolicy(policy, arch).rules.map((r) => r.nr))];
      const prog = decodeFilter(compileSeccomp(policy, arch).filter);
      const prologue = arch === "x86_64" ? 4 : 3;
      let worst = 0;
      let linearWorst = 0;
      const argumentFree = argumentFreeTest(policy, arch);
      for (let nr = 0; nr <= maxSyscall(arch); nr++) {
        if (!argumentFree(nr)) continue;
        const count = { steps: 0 };
        run(prog, { nr, arch: AUDIT_ARCH[arch], args: [] }, count);
        const at = listed.indexOf(nr);
        const linear = prologue + (at === -1 ? listed.length : at + 1) + 1;
        worst = Math.max(worst, count.steps);
        linearWorst = Math.max(linearWorst, linear);
        expect(count.steps).toBeLessThanOrEqual(Math.max(linear, 12));
      }
      expect(worst).toBeLessThan(linearWorst / 3);
    });
  }
});
