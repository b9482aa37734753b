// Caller-chosen durations at and beyond setTimeout's 32-bit limit (2^31 ms):
// each timer that takes one waits, instead of firing at once; a short one
// still fires. Pure timers: runs on every OS.
import { expect, test } from "bun:test";
import { supervise } from "../../lib/backend/linux/cgroup/supervise.ts";
import { wallClock } from "../../lib/backend/contract.ts";
import { longTimeout, MAX_TIMER_STEP_MS } from "../../lib/timer.ts";

const overflow = [2 ** 31, 2 ** 31 + 1000, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER];

test("longTimeout: durations of 2^31 ms and more do not fire within 300 ms; a 20 ms one fires", async () => {
  const fired: number[] = [];
  const timers = overflow.map((ms) => longTimeout(ms, () => fired.push(ms)));
  const short = new Promise<void>((resolve) => longTimeout(20, resolve));
  await short;
  await Bun.sleep(300);
  for (const t of timers) t.clear();
  expect(fired).toEqual([]);
  expect(MAX_TIMER_STEP_MS).toBe(2 ** 31 - 1);
});

test("longTimeout: cleared before its time, it never fires", async () => {
  let fired = false;
  longTimeout(30, () => (fired = true)).clear();
  await Bun.sleep(100);
  expect(fired).toBe(false);
});

test("wallClock (lib/spawn.ts, the macOS backend): 2^31 + 1000 ms is not expired after 300 ms; 20 ms is", async () => {
  const long = wallClock(2 ** 31 + 1000, () => {});
  const short = wallClock(20, () => {});
  await Bun.sleep(300);
  expect({ long: long.expired(), short: short.expired() }).toEqual({ long: false, short: true });
  long.stop();
});

test("the Linux supervisor's timeout: 2^31 + 1000 ms gives no verdict after 300 ms; 20 ms gives 'timeout'", async () => {
  const watch = (timeoutMs: number) => supervise({ watch: { timeoutMs, oomKillsTree: false }, killTree: async () => {} });
  const long = watch(2 ** 31 + 1000);
  const short = watch(20);
  await Bun.sleep(300);
  expect({ long: long.stop(), short: short.stop() }).toEqual({ long: undefined, short: "timeout" });
});
