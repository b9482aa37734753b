// The host probe's answer on Linux 7.1's clone3 flags agrees with the kernel
// release: a kernel before 7.1 refuses each (EINVAL), so none is reported;
// 7.1 and later take them.
import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { notLinux, testUnless } from "../helpers/skip.ts";

const [major, minor] = notLinux ? [0, 0] : readFileSync("/proc/sys/kernel/osrelease", "utf8").split(/[.-]/).map(Number);
const newer = major! > 7 || (major === 7 && minor! >= 1);
const { linuxHostModel } = notLinux ? { linuxHostModel: undefined } : await import("../../lib/host/linux/index.ts");
const filtered = linuxHostModel?.().seccomp.filtered ?? false;

testUnless(notLinux ?? (newer && filtered ? "Linux 7.1+ under a seccomp filter, which may refuse clone3 flags" : undefined), "the probe reports CLONE_AUTOREAP, CLONE_NNP and CLONE_PIDFD_AUTOKILL as the kernel release says", () => {
  const host = linuxHostModel!();
  const expected = newer && host.mounts.calls.clone3;
  expect(host.cloneFlags).toEqual({ autoreap: expected, nnp: expected, pidfdAutokill: expected });
});
