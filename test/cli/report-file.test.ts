// `cordon run --report=FILE` where the command can reach FILE: the report is
// opened once before the command starts and written through that descriptor,
// so a symlink or FIFO the command puts at the path is never followed or
// opened, and a path swapped while the command ran ends in 125, not in a
// report cordon did not write.
import { afterAll, expect, test } from "bun:test";
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless } from "../helpers/skip.ts";
import { cordon, noSandbox } from "./helpers.ts";

const scratch = realpathSync(mkdtempSync(join(tmpdir(), "cordon-report-test-")));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** A fresh write grant W, a report path in it, and a file outside every grant the report must never reach. */
function setup() {
  const dir = join(scratch, `case-${n++}`);
  const w = join(dir, "w");
  mkdirSync(w, { recursive: true });
  const outside = join(dir, "outside.txt");
  writeFileSync(outside, "precious\n");
  return { w, outside, report: join(w, "report.json"), marker: join(w, "ran") };
}

/** Bounded: a cordon stuck in open() on a FIFO is killed and the test fails, instead of hanging the suite. */
const bounded = { timeoutMs: 20_000 };

function mkfifo(path: string): void {
  expect(Bun.spawnSync(["mkfifo", path]).exitCode).toBe(0);
}

describeUnless(noSandbox, "cordon run --report against a command that shares its directory", () => {
  test("the command swaps the report for a symlink to an outside file: the outside file is untouched, 125 names the swap", async () => {
    const { w, outside, report } = setup();
    const r = await cordon(["run", `--allow-write=${w}`, `--report=${report}`, "--", "sh", "-c", `rm ${report} && ln -s ${outside} ${report}`], bounded);
    expect(readFileSync(outside, "utf8")).toBe("precious\n");
    expect(lstatSync(report).isSymbolicLink()).toBe(true);
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 125, stderr: `cordon: --report: ${report} was replaced or removed while the command ran; the report there is not cordon's` });
  }, 30_000);

  test("the command swaps the report for a FIFO: cordon does not block on it and exits 125", async () => {
    const { w, report } = setup();
    const r = await cordon(["run", `--allow-write=${w}`, `--report=${report}`, "--", "sh", "-c", `rm ${report} && mkfifo ${report}`], bounded);
    expect(lstatSync(report).isFIFO()).toBe(true);
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 125, stderr: expect.stringMatching(/^cordon: --report: .* was replaced or removed while the command ran/) });
  }, 30_000);

  // What a path can already hold before the run: each is refused before the command starts, the outside file untouched.
  const planted = [
    { title: "a FIFO at the report path before the run: refused at once (125), the command never runs", plant: (_: string, r: string) => mkfifo(r), why: "a FIFO" },
    { title: "a symlink at the report path before the run: refused (125), its target untouched, the command never runs", plant: symlinkSync, why: "a symbolic link" },
    { title: "a hard link at the report path (a second name of an outside file): refused (125), the file untouched", plant: linkSync, why: "it has 2 hard links" },
  ];
  for (const { title, plant, why } of planted) {
    test(title, async () => {
      const { w, outside, report, marker } = setup();
      plant(outside, report);
      const r = await cordon(["run", `--allow-write=${w}`, `--report=${report}`, "--", "touch", marker], bounded);
      expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 125, stderr: `cordon: --report: cannot write ${report}: ${why}` });
      expect(readFileSync(outside, "utf8")).toBe("precious\n");
      expect(existsSync(marker)).toBe(false);
    }, 30_000);
  }

  test("positive twin: a command that works beside the report (and even scribbles over it) ends with cordon's report and outcome", async () => {
    const { w, report } = setup();
    const r = await cordon(["run", `--allow-write=${w}`, `--report=${report}`, "--", "sh", "-c", `echo data > ${w}/out && echo forged > ${report}; exit 4`], bounded);
    expect(r.code).toBe(4);
    expect(readFileSync(join(w, "out"), "utf8")).toBe("data\n");
    const json = JSON.parse(readFileSync(report, "utf8"));
    expect(json.guarantees.length).toBeGreaterThan(0);
    expect(json.outcome).toMatchObject({ status: 4, exitCode: 4, timedOut: false });
  }, 30_000);

  test("a report that is not created because cordon stopped first leaves no empty file behind", async () => {
    const { report } = setup();
    const r = await cordon(["run", `--report=${report}`, "--allow-read=/no/such/dir", "--", "true"], bounded);
    expect(r.code).toBe(125);
    expect(existsSync(report)).toBe(false);
  }, 30_000);
});
