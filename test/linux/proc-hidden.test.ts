// proc.outside-hidden on a host with neither a pid namespace nor landlock:
// nothing hides /proc there, so the report must not call it enforced. The
// host is made by running cordon under a container-like seccomp profile (no
// namespaces, no mounts) with landlock capped to ABI 0; the command inside
// reads the command line of a process outside. Twin: with landlock, the read
// fails and the guarantee is enforced.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, notLinux } from "../helpers/skip.ts";
import { containerProfile } from "../helpers/container-profile.ts";

const root = join(import.meta.dir, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "cordon-proc-hidden-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `cordon run --best-effort` of `argv` in a host without namespaces (and without landlock when `abiCap` is "0"). */
async function runWithoutNamespaces(argv: string[], abiCap: string | undefined, report: string) {
  const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
  const p = spawnLinux([process.execPath, join(root, "bin", "cordon.ts"), "run", "--best-effort", `--report=${report}`, "--", ...argv], {
    cwd: root,
    env: { PATH: "/usr/bin:/bin", HOME: dir, TMPDIR: dir, ...(abiCap !== undefined ? { CORDON_LANDLOCK_ABI_CAP: abiCap } : {}) },
    stdout: "pipe",
    stderr: "pipe",
    seccomp: { filter: containerProfile(), flags: 0 },
  });
  const [stdout, code] = await Promise.all([new Response(p.stdout as ReadableStream).text(), p.exited]);
  const guarantees = JSON.parse(readFileSync(report, "utf8")).guarantees as { guarantee: string; status: string }[];
  return { stdout, code, hidden: guarantees.find((g) => g.guarantee === "proc.outside-hidden")?.status, namespaces: guarantees.some((g) => g.guarantee === "fs.outside-invisible") };
}

describeUnless(notLinux, "proc.outside-hidden without a pid namespace", () => {
  const marker = `cordon-proc-hidden-${process.pid}`;
  // sh stays (it runs a second command after sleep), with the marker in its command line.
  const victim = Bun.spawn(["sh", "-c", "sleep 60; :", marker], { stdout: "ignore", stderr: "ignore" });
  afterAll(() => victim.kill(9));
  const read = ["sh", "-c", `tr '\\0' ' ' </proc/${victim.pid}/cmdline`];

  test("without landlock the outside command line is readable, and the report does not call /proc hidden", async () => {
    const r = await runWithoutNamespaces(read, "0", join(dir, "no-landlock.json"));
    expect(r.namespaces).toBe(false);
    expect(r.stdout).toContain(marker);
    expect(r.hidden).not.toBe("enforced");
  }, 60_000);

  test("twin: with landlock the read is denied and the guarantee is enforced", async () => {
    const r = await runWithoutNamespaces(read, undefined, join(dir, "landlock.json"));
    expect(r.namespaces).toBe(false);
    expect(r.stdout).not.toContain(marker);
    expect(r.hidden).toBe("enforced");
  }, 60_000);
});
