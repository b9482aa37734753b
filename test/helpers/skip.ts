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

/**
 * The user-mode emulator Bun runs under, or undefined on real hardware.
 * scripts/arm64-test.sh sets CORDON_EMULATED=qemu-aarch64; the claim is
 * checked against the host kernel (a native `uname -m` names another machine
 * than this Bun's arch), so a stray variable cannot skip tests on real hardware.
 */
export const emulator: string | undefined = (() => {
  const name = process.env.CORDON_EMULATED;
  if (!name) return undefined;
  const guest = ({ arm64: "aarch64", x64: "x86_64" } as Record<string, string>)[process.arch] ?? process.arch;
  const host = Bun.spawnSync(["uname", "-m"]).stdout.toString().trim();
  if (host === guest) throw new Error(`CORDON_EMULATED=${name}, but the kernel's machine is ${host}, this Bun's own: not emulated`);
  return `${name} (an ${guest} Bun on an ${host} kernel)`;
})();

/** Why a test cannot run under user-mode emulation (measured with qemu 7.2), or undefined on real hardware. */
export const emulated: { readonly sandbox?: string; readonly childBun?: string; readonly procStat?: string } = emulator === undefined ? {} : {
  /** Starting any cordon sandbox: the syscalls it needs never reach the kernel. */
  sandbox: `under ${emulator} no sandbox starts: qemu-user answers clone3(CLONE_VM|CLONE_VFORK) with EINVAL and landlock with ENOSYS without asking the kernel, and the kernel would see qemu's x86_64 syscalls, not the aarch64 ones a seccomp filter names`,
  /** Starting process.execPath again. */
  childBun: `under ${emulator} a child Bun cannot start: without binfmt_misc the kernel answers ENOEXEC to an aarch64 executable`,
  /** Reading this process's own /proc stat file (/proc/self/stat, /proc/PID/stat). */
  procStat: `under ${emulator} qemu-user makes up this process's own /proc stat file: its state, process group and session read 0`,
};
