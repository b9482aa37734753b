// A timeout beyond setTimeout's 32-bit limit (2^31 ms, about 24.8 days) on
// the real sandbox, the spawn spine and the CLI: the command runs to its own
// end (it used to be killed at once as "timed out"), and a short timeout
// still kills the tree (124).
import { expect, test } from "bun:test";
import { run } from "../../lib/spawn.ts";
import { cordon } from "../cli/helpers.ts";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { spawnLinux } = notLinux ? ({} as typeof import("../../lib/backend/linux/spawn.ts")) : await import("../../lib/backend/linux/spawn.ts");

const huge = 2 ** 31 + 1000;

describeUnless(notLinux, "timeouts of 2^31 ms and more", () => {
  test("run(): timeoutMs 2^31 + 1000 lets a 1 s command finish (0, not timed out); timeoutMs 300 still ends it (124)", async () => {
    const long = await run(["sh", "-c", "sleep 1; echo done"], { limits: { timeoutMs: huge } });
    expect({ status: long.status, timedOut: long.timedOut, stdout: long.stdout }).toEqual({ status: 0, timedOut: false, stdout: "done\n" });
    const short = await run(["sleep", "30"], { limits: { timeoutMs: 300 } });
    expect({ status: short.status, timedOut: short.timedOut }).toEqual({ status: 124, timedOut: true });
  }, 30_000);

  test("spawnLinux: timeout 2^31 + 1000 lets a 1 s command finish; timeout 300 kills it", async () => {
    const long = spawnLinux(["sleep", "1"], { timeout: huge });
    expect({ code: await long.exited, timedOut: long.timedOut }).toEqual({ code: 0, timedOut: false });
    const short = spawnLinux(["sleep", "30"], { timeout: 300 });
    expect({ code: await short.exited, timedOut: short.timedOut }).toEqual({ code: 137, timedOut: true });
  }, 30_000);

  test("cordon run --timeout=2147485 (seconds, past 2^31 ms) lets a 1 s command finish (0); --timeout=0.3 is 124", async () => {
    const long = await cordon(["run", "--timeout=2147485", "--", "sh", "-c", "sleep 1; echo done"], { timeoutMs: 20_000 });
    expect(long).toEqual({ code: 0, stdout: "done\n", stderr: "" });
    const short = await cordon(["run", "--timeout=0.3", "--", "sleep", "30"], { timeoutMs: 20_000 });
    expect(short.code).toBe(124);
  }, 30_000);
});
