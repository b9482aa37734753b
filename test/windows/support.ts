// What the Windows behaviour tests share: why they would skip, the fixture
// programs, and a child whose lifetime the test controls through its stdin.
import { afterEach, expect } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeHandle, createPipe, readChunk, readToEnd, setInheritable, wineVersion, type Handle } from "../../ffi/windows.ts";
import { createJob, setJobLimits, terminateJob, type JobLimits } from "../../ffi/windows-job.ts";
import { exitCode, spawnProcess, waitProcess, type SpawnRequest, type Spawned } from "../../ffi/windows-spawn.ts";
import { tokenInfo } from "../../ffi/windows-token.ts";
import { commandLine } from "../../lib/plan/windows/command-line.ts";
import { JOB_OBJECT_LIMIT, wineGaps, type WindowsMechanism } from "../../lib/plan/windows/index.ts";

/** Skip reason off Windows. */
export const notWindows: string | undefined = process.platform === "win32" ? undefined : `needs Windows (or Wine), this is ${process.platform}`;

/** Wine's version, when these tests run under Wine. */
export const wine: string | undefined = notWindows ? undefined : wineVersion();

/**
 * Skip reason for a test of enforcement by `mechanisms`: off Windows, or
 * under Wine with what Wine was measured to do with each of them
 * (lib/plan/windows/wine.ts, checked by test/windows/wine.test.ts).
 */
export function lacking(...mechanisms: WindowsMechanism[]): string | undefined {
  if (notWindows) return notWindows;
  if (!wine) return undefined;
  const gaps = wineGaps(wine);
  return `${mechanisms.map((m) => gaps[m] ?? `Wine ${wine}: ${m} is not checked under Wine`).join("; ")}; runs on real Windows`;
}

/** bun.exe itself is the fixture: it is there wherever these tests run. */
export const bunExe = process.execPath;

/** The FFI module a fixture child imports to look at its own handles. */
export const ffiWindows = join(import.meta.dir, "..", "..", "ffi", "windows.ts");

export function bunCommand(script: string): string {
  return commandLine([bunExe, "-e", script]);
}

export type Child = Spawned & {
  /** Read end of the child's stdout+stderr. */
  readonly out: Handle;
  /** Closing this ends the child's stdin: a `held` child then exits. */
  readonly stdinWrite: Handle;
};

/** A script that prints `ready` (plus `extra`) and exits when its stdin closes. */
export function heldScript(extra = ""): string {
  return `${extra}; console.log("ready"); await Bun.stdin.text(); process.exit(0)`;
}

/** A grandchild that prints `ready` and never ends on its own: only the job can end it. */
export const foreverScript = `console.log("ready"); setInterval(() => {}, 1000)`;

/** Spawns a fixture with piped stdio; the parent keeps only its own ends. */
export function spawnPiped(req: Omit<SpawnRequest, "stdio">): Child {
  const stdin = createPipe();
  const out = createPipe();
  setInheritable(stdin.read, true);
  setInheritable(out.write, true);
  try {
    const s = spawnProcess({ ...req, stdio: { stdin: stdin.read, stdout: out.write, stderr: out.write }, inherit: [stdin.read, out.write, ...(req.inherit ?? [])] });
    return { ...s, out: out.read, stdinWrite: stdin.write };
  } finally {
    closeHandle(stdin.read);
    closeHandle(out.write);
  }
}

/** Reads the child's output up to and including the first line (the fixture's `ready`). */
export function readLine(h: Handle): string {
  let text = "";
  while (!text.includes("\n")) {
    const c = readChunk(h, 4096);
    if (c.length === 0) break;
    text += Buffer.from(c).toString("utf8");
  }
  return text.trim();
}

/** Undo steps of a test file, run newest first after each test (a step that fails has nothing left to undo). */
export function cleanupAfterEach(): (() => void)[] {
  const steps: (() => void)[] = [];
  afterEach(() => {
    for (const f of steps.splice(0).reverse()) {
      try {
        f();
      } catch {
        // already gone
      }
    }
  });
  return steps;
}

/** A kill-on-close job with `limitFlags` and `extra` limits, ended and closed by `cleanup` after the test. */
export function limitedJob(cleanup: (() => void)[], limitFlags: number, extra: Omit<JobLimits, "limitFlags"> = {}) {
  const j = createJob();
  cleanup.push(() => closeHandle(j.port), () => {
    terminateJob(j.job, 1);
    closeHandle(j.job);
  });
  setJobLimits(j.job, { limitFlags: limitFlags | JOB_OBJECT_LIMIT.KILL_ON_JOB_CLOSE, ...extra });
  return j;
}

/** Runs a bun script (in a job, with mitigations... as `req` says) to its end: exit code and output. */
export function runBun(script: string, req: Omit<SpawnRequest, "stdio" | "commandLine"> = {}): { code: number; out: string } {
  const child = spawnPiped({ commandLine: bunCommand(script), ...req });
  closeHandle(child.stdinWrite);
  const out = Buffer.from(readToEnd(child.out)).toString();
  closeHandle(child.out);
  expect(waitProcess(child.process, 120_000)).toBe(true);
  const code = exitCode(child.process);
  closeHandle(child.process);
  closeHandle(child.thread);
  return { code, out };
}

/** A fresh directory under the temp directory, removed by `cleanup` after the test. */
export function scratchDir(cleanup: (() => void)[], prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `cordon-${prefix}-`));
  cleanup.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Skip reason for a test needing `mechanisms` and an administrator. */
export function lackingAsAdmin(...mechanisms: WindowsMechanism[]): string | undefined {
  return lacking(...mechanisms) ?? (tokenInfo().elevated ? undefined : "needs an elevated (administrator) token");
}
