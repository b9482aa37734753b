// The landlock plan of a spawn is planned with its run directory as a stand-in
// and the directory put back (lib/plan/linux/index.ts): the result must be the
// plan of the real paths, and the spawns of one policy must share the work.
import { describe, expect, test } from "bun:test";
import { landlockGuarantees, planLandlock } from "../../lib/plan/linux/landlock/index.ts";
import { landlockWithRunDir, RUN_DIR_STAND_IN } from "../../lib/plan/linux/index.ts";

const read = ["/usr", "/etc/ssl/certs", "/job/src"];
const base = ["/job/out"];
const plan = (write: readonly string[]) => planLandlock({ fs: { read, write }, net: "none", compat: "best-effort" }, { abi: 7 });

describe("landlock plan with the run directory put back", () => {
  test("equals the plan of the real paths, rule for rule and in the report", () => {
    const runDir = "/tmp/cordon-1-abcdef";
    const direct = planLandlock({ fs: { read, write: [...base, runDir] }, net: "none", compat: "best-effort" }, { abi: 7 });
    const swapped = landlockWithRunDir(runDir, read, [...base, runDir], plan);
    expect(swapped.rules).toEqual(direct.rules);
    expect(swapped.report).toEqual(direct.report);
    expect(JSON.stringify(swapped)).not.toContain(RUN_DIR_STAND_IN);
  });

  test("spawns of one policy share the planned rights (kept by planLandlock) but each names its own run directory", () => {
    const plans = ["/tmp/cordon-1-aaaaaa", "/tmp/cordon-1-bbbbbb", "/tmp/cordon-1-cccccc", "/tmp/cordon-1-dddddd"].map((d) => ({ d, p: landlockWithRunDir(d, read, [...base, d], plan) }));
    for (const { d, p } of plans) {
      expect(p.rules.filter((r) => r.path === d)).toHaveLength(1);
      expect(p.report.rules.filter((r) => r.target === d)).toHaveLength(1);
    }
    // From the second sighting on, the same frozen plan underneath: its rights array is one object.
    expect(plans[3]!.p.report.rights).toBe(plans[2]!.p.report.rights);
    expect(Object.isFrozen(plans[3]!.p.report.rights)).toBe(true);
    // And its guarantees are folded once.
    expect(landlockGuarantees(plans[3]!.p.report)).toEqual(landlockGuarantees(plans[2]!.p.report));
  });

  test("planned as is where the stand-in would not be unique: the run directory also read, or the stand-in itself granted", () => {
    const runDir = "/tmp/cordon-1-eeeeee";
    const alsoRead = landlockWithRunDir(runDir, [...read, runDir], [...base, runDir], (w) => {
      expect(w).toContain(runDir);
      return plan(w);
    });
    expect(alsoRead.rules.some((r) => r.path === runDir)).toBe(true);
    const granted = landlockWithRunDir(runDir, read, [...base, RUN_DIR_STAND_IN, runDir], (w) => {
      expect(w).toEqual([...base, RUN_DIR_STAND_IN, runDir]);
      return plan(w);
    });
    expect(granted.rules.filter((r) => r.path === RUN_DIR_STAND_IN)).toHaveLength(1);
    expect(granted.rules.filter((r) => r.path === runDir)).toHaveLength(1);
  });
});
