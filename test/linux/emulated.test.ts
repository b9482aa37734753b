// Under user-mode emulation (scripts/arm64-test.sh runs the arm64 suites in
// qemu-user) no sandbox can start; cordon must then refuse with a typed error
// and never run the command unconfined. These checks exist only there: they
// hold the skip reason of test/helpers/skip.ts (`emulated.sandbox`) to what
// qemu really does, so a qemu that starts passing these syscalls through fails here.
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CompatError } from "../../lib/errors.ts";
import { OsError } from "../../ffi/errors.ts";
import { run } from "../../lib/spawn.ts";
import { describeUnless, emulator, notLinux } from "../helpers/skip.ts";

const notEmulated = notLinux ?? (emulator === undefined ? "runs only under user-mode emulation (scripts/arm64-test.sh)" : undefined);

describeUnless(notEmulated, "under user-mode emulation a sandbox fails closed", () => {
  async function refused(policy: object): Promise<{ error: unknown; ran: boolean }> {
    const dir = mkdtempSync(join(tmpdir(), "cordon-emulated-"));
    const marker = join(dir, "ran");
    try {
      const error = await run(["sh", "-c", `: > ${marker}`], { fs: { write: [dir] }, ...policy }).then(
        () => undefined,
        (e: unknown) => e,
      );
      return { error, ran: existsSync(marker) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test("landlock answers ENOSYS (ABI 0): a hard policy is a CompatError naming landlock, the command never runs", async () => {
    const { landlockAbiVersion } = await import("../../ffi/linux.ts");
    expect(landlockAbiVersion()).toBe(0);
    const { error, ran } = await refused({});
    expect(error).toBeInstanceOf(CompatError);
    expect((error as CompatError).message).toContain("landlock");
    expect(ran).toBe(false);
  });

  test("best-effort reaches clone3, which qemu refuses with EINVAL: an OsError, the command never runs", async () => {
    const { error, ran } = await refused({ compat: "best-effort" });
    expect(error).toBeInstanceOf(OsError);
    expect((error as OsError).op).toBe("clone3");
    expect((error as OsError).errorName).toBe("EINVAL");
    expect(ran).toBe(false);
  });
});
