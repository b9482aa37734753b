// policy.user (cordon run --user=NAME), tried from inside: the command holds
// no capability in any set — the bounding set included, emptied before the id
// switch while CAP_SETPCAP is still there — writes its private TMPDIR (handed
// to that user) and nothing outside the grants; the host checked afterwards.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";

const isRoot = process.getuid?.() === 0;
const { spawn } = await import("../../lib/spawn.ts");

describeUnless(notLinux ?? linuxRequirement(isRoot ? undefined : "switching users needs root"), "user switch (--user=nobody)", () => {
  // World-writable, outside every grant: only landlock stands between the command and it.
  const outside = mkdtempSync(join(tmpdir(), "cordon-user-outside-"));
  Bun.spawnSync(["chmod", "1777", outside]);
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  test("every capability set is empty, the bounding set too; the report's no-capabilities holds", async () => {
    // grep is the command itself: /proc/self is its own on every rung.
    const p = spawn(["grep", "-E", "^Cap(Inh|Prm|Eff|Bnd|Amb)", "/proc/self/status"], { user: "nobody" }, { stdout: "pipe" });
    const out = await new Response(p.stdout as ReadableStream).text();
    expect(await p.exited).toBe(0);
    expect(out.trim().split("\n")).toEqual(["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"].map((s) => `${s}:\t0000000000000000`));
    expect(p.report.guarantees.find((g) => g.guarantee === "privileges.no-capabilities")?.status).toBe("enforced");
  });

  test("the private TMPDIR is the user's and writable; a world-writable directory outside the grants is not", async () => {
    const script = `id -u; echo x > "$TMPDIR/t" && stat -c %U "$TMPDIR/t"; { echo x > ${outside}/escape; } 2>/dev/null && echo outside-written || echo outside-denied`;
    const p = spawn(["sh", "-c", script], { user: "nobody" }, { stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text()]);
    expect({ code: await p.exited, err, out: out.trim().split("\n") }).toEqual({ code: 0, err: "", out: ["65534", "nobody", "outside-denied"] });
    expect(existsSync(join(outside, "escape"))).toBe(false);
    // The TMPDIR, owned by the user now, is still removed afterwards.
    expect(existsSync(p.policy.tmpDir!)).toBe(false);
  });
});
