// A warm sandbox has its RLIMIT_NOFILE before its command's fds arrive:
// cordon-init receives them (SCM_RIGHTS) and lifts them into place under the
// policy's limits.openFiles, which a one-shot spawn sets only after placing
// its fds. Too small a limit is refused up front with a typed error (at
// compile for stdin/stdout/stderr, at the spawn for extra fds) instead of a
// sandbox dying mid-handover; a limit that fits is enforced on the command.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { compile } = await import("../../lib/spawn.ts");
const { SpawnOptionError } = await import("../../lib/errors.ts");

const granted = mkdtempSync(join(tmpdir(), "cordon-warm-limits-"));
afterAll(() => rmSync(granted, { recursive: true, force: true }));

describeUnless(notLinux, "warm sandboxes under limits.openFiles", () => {
  test("limits.openFiles too small to hand over stdin, stdout and stderr: compile(…, { warm }) is a SpawnOptionError; one that fits runs the command under that limit", async () => {
    expect(() => compile({ limits: { openFiles: 4 } }, { warm: 1 })).toThrow(SpawnOptionError);
    const box = compile({ limits: { openFiles: 16 } }, { warm: 1 });
    try {
      await box.warmed();
      const r = await box.run(["sh", "-c", "ulimit -n; exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null 7</dev/null 8</dev/null 9</dev/null && echo nine-open"]);
      expect(r.stdout).toBe("16\nnine-open\n");
      const over = await box.run(["python3", "-c", "import os\nn=0\ntry:\n  while True: os.open('/dev/null', os.O_RDONLY); n+=1\nexcept OSError as e: print('stopped', e.errno, n < 16)"]);
      expect(over.stdout).toBe("stopped 24 True\n");
    } finally {
      await box.close();
    }
  });

  test("an extra fd that no longer fits under limits.openFiles is a SpawnOptionError before anything runs; under a limit one higher it is handed over", async () => {
    const marker = join(granted, "ran");
    const policy = (openFiles: number) => ({ fs: { write: [granted] }, limits: { openFiles } });
    const stdio = ["ignore", "pipe", "pipe", "pipe"] as const;
    const small = compile(policy(12), { warm: 1 });
    try {
      await small.warmed();
      expect(() => small.spawn(["sh", "-c", `touch ${marker}`], { stdio: [...stdio] })).toThrow(SpawnOptionError);
      expect(existsSync(marker)).toBe(false);
    } finally {
      await small.close();
    }
    const fits = compile(policy(13), { warm: 1 });
    try {
      await fits.warmed();
      // fd 3 is there to write to: the extra fd was handed over.
      const p = fits.spawn(["sh", "-c", `echo x >&3 && touch ${marker}`], { stdio: [...stdio] });
      expect(await p.exited).toBe(0);
      expect(existsSync(marker)).toBe(true);
    } finally {
      await fits.close();
    }
  });
});
