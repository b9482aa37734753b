// `cordon plan --target=sel4-microkit [run options] -- COMMAND`: the job as a
// Microkit system description on stdout; the run options mean what they mean
// for `cordon run`; anything without meaning on seL4 is refused with 125.
import { describe, expect, test } from "bun:test";
import { checkSystem } from "../../lib/plan/sel4/index.ts";
import { parseXml } from "../helpers/xml.ts";
import { cordon } from "./helpers.ts";

describe("cordon plan --target=sel4-microkit", () => {
  test("prints a system description that keeps to the documented schema, with each grant named", async () => {
    const r = await cordon(["plan", "--target=sel4-microkit", "--allow-read=/job/src", "--allow-write=/job/out", "--allow-connect=443", "--memory=512M", "--cpu=60", "--timeout=600", "--", "make", "test"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(checkSystem(parseXml(r.stdout))).toEqual([]);
    for (const g of ["grant fs.read /job/src -> memory_region read_0", "grant fs.write /job/out -> memory_region write_0", "grant net connect 443 -> memory_region net_allow", "grant limits.memory 536870912 -> memory_region job_heap"])
      expect(r.stdout).toContain(g);
    expect(r.stdout).toContain("checked against the documented schema only");
  });

  test("--target and --board may be given as separate words; the run options are untouched", async () => {
    const r = await cordon(["plan", "--target", "sel4-microkit", "--board", "qemu_virt_aarch64", "--allow-read", "/src", "--", "ls"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("grant fs.read /src -> memory_region read_0");
    expect(r.stdout).toContain('<program_image path="ls.elf" />');
  });

  test("refusals: no target, another target, an unknown board, options seL4 has no use for, a CPU limit without a period", async () => {
    const cases: [string[], RegExp][] = [
      [["plan", "--", "ls"], /^cordon: --target: missing/],
      [["plan", "--target=linux", "--", "ls"], /^cordon: --target: unknown target "linux"/],
      [["plan", "--target=sel4-microkit", "--board=pdp11", "--", "ls"], /^cordon: --board: unknown board "pdp11"/],
      [["plan", "--target=sel4-microkit", "--user=1000", "--", "ls"], /^cordon: --user: seL4 has no users/],
      [["plan", "--target=sel4-microkit", "--best-effort", "--", "ls"], /^cordon: --best-effort: /],
      [["plan", "--target=sel4-microkit", "--cpu=5", "--", "ls"], /^cordon: --cpu: a Microkit budget renews every period/],
      [["plan", "--target=sel4-microkit", "--frobnicate", "--", "ls"], /frobnicate/],
      [["plan", "--target=sel4-microkit"], /^cordon: command: missing/],
    ];
    for (const [args, message] of cases) {
      const r = await cordon(args);
      expect([args.join(" "), r.code, r.stdout]).toEqual([args.join(" "), 125, ""]);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    }
  });
});
