// The Windows backend end to end under what Wine reproduces: a plan's job,
// children born in it, stdio through pipes read by Workers, exit known from
// the completion port (the whole tree), kill and timeout of the whole tree.
import { expect } from "bun:test";
import { spawnWindows, TIMEOUT_EXIT_CODE, backendReport, windowsHost } from "../../lib/backend/windows/index.ts";
import { JOB_MSG } from "../../ffi/windows-job.ts";
import { planWindows } from "../../lib/plan/windows/index.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bunExe, foreverScript, lacking, notWindows } from "./support.ts";

const T = 60_000;

function plan(limits: ResolvedPolicy["limits"] = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const policy: ResolvedPolicy = { fs: { read: [], write: [] }, env, cwd: process.cwd(), net: "all", limits, compat: "best-effort" };
  return planWindows(policy, windowsHost());
}

const text = (s: ReadableStream<Uint8Array> | undefined) => new Response(s).text();
const firstLine = (s: string) => s.split("\n")[0]!.trim();

describeUnless(notWindows, "windows backend", () => {
  testUnless(undefined, "runs a command in a job: stdout, stdin and exit code arrive, and the port saw the process", async () => {
    const p = spawnWindows([bunExe, "-e", `const t = await Bun.stdin.text(); console.log("got " + t); process.exit(5)`], plan(), { identity: false });
    p.write("abc");
    p.closeStdin();
    const [out, exit] = await Promise.all([text(p.stdout), p.exited, text(p.stderr)]);
    expect(firstLine(out)).toBe("got abc");
    expect(exit.exitCode).toBe(5);
    expect(exit.timedOut).toBe(false);
    expect(exit.verdicts).toEqual(["exited"]);
    expect(exit.messages).toContainEqual({ message: JOB_MSG.NEW_PROCESS, pid: p.pid });
    expect(exit.messages.at(-1)?.message).toBe(JOB_MSG.ACTIVE_PROCESS_ZERO);
    // The job handle is closed by now: kill and pids must not touch whatever reuses its value.
    p.kill();
    expect(p.pids()).toEqual([]);
  }, T);

  testUnless(undefined, "exit waits for the whole tree, and kill ends it: a grandchild outliving the child keeps it open", async () => {
    const grand = JSON.stringify(foreverScript);
    const exits: number[] = [];
    let childExited!: () => void;
    const childGone = new Promise<void>((resolve) => (childExited = resolve));
    const p = spawnWindows(
      [bunExe, "-e", `const g = Bun.spawn([process.execPath, "-e", ${grand}], { stdin: "ignore", stdout: "pipe", detached: true }); await g.stdout.getReader().read(); console.log(g.pid); process.exit(0)`],
      plan(),
      {
        identity: false,
        onJobMessage: (m) => {
          if (m.message !== JOB_MSG.EXIT_PROCESS) return;
          exits.push(m.pid);
          if (m.pid === p.pid) childExited();
        },
      },
    );
    const reader = p.stdout!.getReader();
    let out = "";
    while (!out.includes("\n")) {
      const r = await reader.read();
      if (r.done) break;
      out += new TextDecoder().decode(r.value);
    }
    const grandPid = Number(firstLine(out));
    expect(grandPid).toBeGreaterThan(0);
    // The child exits by itself; the tree is not empty while the grandchild lives.
    await childGone;
    expect(p.pids()).toEqual([grandPid]);
    expect(exits).toEqual([p.pid]);
    p.kill(9);
    const exit = await p.exited;
    expect(exit.exitCode).toBe(0); // the child's own code; the tree ended by kill
    expect(exit.messages.filter((m) => m.message === JOB_MSG.NEW_PROCESS).map((m) => m.pid)).toContain(grandPid);
    reader.releaseLock();
  }, T);

  testUnless(undefined, "the plan's timeout ends the whole tree", async () => {
    const p = spawnWindows([bunExe, "-e", foreverScript], plan({ timeoutMs: 1500 }), { identity: false });
    const exit = await p.exited;
    expect(exit.timedOut).toBe(true);
    expect(exit.exitCode).toBe(TIMEOUT_EXIT_CODE);
    expect(exit.verdicts).toEqual(["timeout"]);
  }, T);

  testUnless(undefined, "the backend's report does not claim the identity rows when the identity is not applied", () => {
    const report = backendReport(plan(), false);
    expect(report.find((g) => g.guarantee === "tree.kill")?.status).toBe("enforced");
    const identityRows = report.filter((g) => g.guarantee.startsWith("fs.") || g.guarantee.startsWith("net."));
    expect(identityRows.length).toBeGreaterThan(0);
    for (const g of identityRows) expect(g.status).toBe("not-enforced");
  });
});

describeUnless(notWindows, "windows backend: AppContainer identity (enforced on Windows)", () => {
  testUnless(lacking("appcontainer", "acl"), "the command reads a granted directory and not a sibling it was not granted; the grant is gone afterwards", async () => {
    const root = mkdtempSync(join(tmpdir(), "cordon-ac-"));
    try {
      const granted = join(root, "granted");
      const other = join(root, "other");
      for (const d of [granted, other]) mkdirSync(d);
      writeFileSync(join(granted, "ok.txt"), "granted-content");
      writeFileSync(join(other, "secret.txt"), "secret-content");
      const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
      const systemRoot = process.env.SystemRoot ?? "C:\\Windows";
      const policy: ResolvedPolicy = { fs: { read: [granted], write: [] }, env, cwd: granted, net: "none", limits: {}, compat: "hard" };
      const p = spawnWindows(
        [process.env.ComSpec ?? `${systemRoot}\\System32\\cmd.exe`, "/d", "/c", "type", join(granted, "ok.txt"), "&", "type", join(other, "secret.txt")],
        planWindows(policy, windowsHost()),
      );
      p.closeStdin();
      const [out, exit] = await Promise.all([text(p.stdout), p.exited, text(p.stderr)]);
      expect(out).toContain("granted-content");
      expect(out).not.toContain("secret-content");
      expect(exit.exitCode).not.toBe(0);
      expect(exit.report.find((g) => g.guarantee === "fs.read-confined")?.status).toBe("enforced");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, T);
});
