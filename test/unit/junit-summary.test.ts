// The summary line scripts/test.sh and the foreign-Bun runners end with
// (scripts/junit-summary.sh over scripts/junit-counts.ts): counted from bun
// test's JUnit report, and never "0 failed" for a run that failed but left a
// report that cannot be read, or none.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describeUnless, emulated } from "../helpers/skip.ts";

const root = join(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "cordon-junit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A report as bun test writes it: one pass (a name with escaped characters), one failure, one skip. */
const REPORT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="bun test" tests="3" assertions="1" failures="1" skipped="1" time="0.01">
  <testsuite name="s.test.ts" file="s.test.ts" tests="3" assertions="1" failures="1" skipped="1" time="0.001" hostname="vm">
    <testcase name="ok &lt;a&gt; &amp; &quot;q&quot;" classname="" time="0.0001" file="s.test.ts" line="2" assertions="0" />
    <testcase name="bad" classname="" time="0.0002" file="s.test.ts" line="3" assertions="1">
      <failure type="AssertionError" message="expect(received).toBe(expected)&#10;&#10;Expected: 2&#10;Received: 1&#10;">AssertionError: expect(received).toBe(expected)&#10;&#10;Expected: 2&#10;Received: 1&#10;&#10;      at s.test.ts:3:31&#10;</failure>
    </testcase>
    <testcase name="skipped one" classname="" time="0" file="s.test.ts" line="4" assertions="0">
      <skipped />
    </testcase>
  </testsuite>
</testsuites>
`;
const PASSING = REPORT.replaceAll('failures="1"', 'failures="0"').replace(/<testcase name="bad"[\s\S]*?<\/testcase>/, '<testcase name="good" classname="" time="0" file="s.test.ts" line="3" assertions="1" />');

let n = 0;
/** junit_summary over `report` (its text, or absent) and bun test's exit code. */
function summary(report: string | undefined, rc: number): { line: string; code: number; err: string } {
  const path = join(dir, `r${n++}.xml`);
  if (report !== undefined) writeFileSync(path, report);
  const r = Bun.spawnSync(["bash", "-c", `. scripts/junit-summary.sh && junit_summary "$1" "$2"`, "-", path, String(rc)], {
    cwd: root,
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
  });
  return { line: r.stdout.toString().trim(), code: r.exitCode, err: r.stderr.toString() };
}

// The summary runs `bun scripts/junit-counts.ts`: a child Bun.
describeUnless(emulated.childBun, "the summary line", () => {
  test("a report with a failure: counted, the step fails, the failing test named with its message and the skipped one listed", () => {
    const s = summary(REPORT, 1);
    expect({ line: s.line, code: s.code }).toEqual({ line: "1 passed, 1 failed, 1 skipped", code: 1 });
    expect(s.err).toContain("FAILED: s.test.ts: bad\n    AssertionError: expect(received).toBe(expected)\n    Expected: 2");
    expect(s.err).toContain("skipped: s.test.ts: skipped one");
  });

  test("a passing report and exit 0: counted, the step passes", () => {
    expect(summary(PASSING, 0)).toMatchObject({ line: "2 passed, 0 failed, 1 skipped", code: 0 });
  });

  test("bun test failed but its report lists no failure (a crash between tests): one failure more", () => {
    expect(summary(PASSING, 1)).toMatchObject({ line: "2 passed, 1 failed, 1 skipped", code: 1 });
  });

  test("a report cut short or unreadable, or none at all, is one failure whatever the exit code, never a pass", () => {
    for (const [report, rc] of [[REPORT.slice(0, 60), 1], ["not xml", 0], ["", 0], [undefined, 0], [undefined, 1]] as const)
      expect({ report, ...summary(report, rc) }).toMatchObject({ report, line: "0 passed, 1 failed, 0 skipped", code: 1 });
  });
});
