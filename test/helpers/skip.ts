// Visible skips. A test that cannot run here says why in its own name, so the
// reason shows in every report. On Linux in CI (CORDON_CI=1) a Linux behaviour
// test may not skip at all: `linuxOnly` then fails instead of skipping.
import { describe, test } from "bun:test";

const inCi = process.env.CORDON_CI === "1";

/** describe() that runs only when `reason` is undefined; otherwise skips with the reason in the title. */
export function describeUnless(reason: string | undefined, title: string, fn: () => void): void {
  describe.skipIf(reason !== undefined)(reason === undefined ? title : `${title} [skipped: ${reason}]`, fn);
}

/** test() that runs only when `reason` is undefined; otherwise skips with the reason in the title. */
export function testUnless(reason: string | undefined, title: string, fn: () => void | Promise<unknown>, timeout?: number): void {
  test.skipIf(reason !== undefined)(reason === undefined ? title : `${title} [skipped: ${reason}]`, fn, timeout);
}

/** Reason to skip a non-Linux host, or undefined on Linux. */
export const notLinux: string | undefined = process.platform === "linux" ? undefined : `needs Linux, this is ${process.platform}`;

/**
 * A Linux requirement probed at run time (an ABI, root, a cgroup tree). Off CI
 * an unmet requirement skips with its reason; on Linux in CI it is a failure,
 * because nothing Linux-specific may skip silently there.
 */
export function linuxRequirement(unmet: string | undefined): string | undefined {
  if (notLinux) return notLinux;
  if (unmet !== undefined && inCi) {
    test(`requirement met in CI: ${unmet}`, () => {
      throw new Error(`CI host lacks: ${unmet}`);
    });
  }
  return unmet;
}
