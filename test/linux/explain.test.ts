// --explain and report.denials: a fixture tries each denied thing from inside
// a sandbox; each denial must appear once, with the flag that would allow it,
// the host must be unchanged afterwards, and what was granted must not appear.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Denial } from "../../lib/denials/types.ts";
import { run } from "../../lib/spawn.ts";
import { cordon } from "../cli/helpers.ts";
import { describeUnless, linuxRequirement, notLinux, testUnless } from "../helpers/skip.ts";
import { containerProfile } from "../helpers/container-profile.ts";
import { worldReadableCopy } from "../helpers/world-readable.ts";

const root = join(import.meta.dir, "..", "..");
const fixture = join(root, "test", "fixtures", "explain", "attempts.py");
const isRoot = process.getuid?.() === 0;
const python = notLinux ? undefined : Bun.which("python3", { PATH: "/usr/bin:/bin" });
const unmet = linuxRequirement(python ? undefined : "python3 in /usr/bin or /bin (the fixture)");

/** Landlock's audit records can be read (and audit turned on where it is off): root, landlock ABI 7. */
const auditReason = (() => {
  if (notLinux) return notLinux;
  if (!isRoot) return "reading landlock's audit records needs root (CAP_AUDIT_READ, and CAP_AUDIT_CONTROL where audit is off)";
  const { landlockAbiVersion } = require("../../ffi/linux.ts") as typeof import("../../ffi/linux.ts");
  return landlockAbiVersion() >= 7 ? undefined : "landlock ABI < 7 writes no audit records";
})();

let dir = "";
let granted = "";
let fixtures = "";
beforeAll(() => {
  if (unmet) return;
  dir = mkdtempSync(join(tmpdir(), "cordon-explain-"));
  chmodSync(dir, 0o755);
  granted = join(dir, "granted");
  mkdirSync(granted);
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "secret.txt"), "secret\n");
  writeFileSync(join(granted, "g.txt"), "g\n");
  writeFileSync(join(dir, "tool.sh"), "#!/bin/sh\necho tool\n", { mode: 0o755 });
  fixtures = join(root, "test", "fixtures", "explain");
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function only(denials: readonly Denial[] | undefined, access: string, target: string): Denial[] {
  return (denials ?? []).filter((d) => d.access === access && d.target === target);
}

/** Exactly one listed denial of `access` on `target`, suggesting `allow`. */
function once(denials: readonly Denial[] | undefined, access: string, target: string, allow: string | undefined) {
  const found = only(denials, access, target);
  expect({ access, target, found: found.length, allow: found[0]?.allow }).toEqual({ access, target, found: 1, allow });
}

describeUnless(unmet, "explain: what a sandbox refused", () => {
  testUnless(auditReason, "a denied read, write, exec and readdir (the private root's refusals), connect and bind (landlock's records), ptrace and a refused syscall each appear once with the flag that allows it; the host is unchanged", async () => {
    const r = await run(
      [python!, fixture, `read:${dir}/secret.txt`, `write:${granted}/g.txt`, `exec:${dir}/tool.sh`, `readdir:${dir}/sub`, "connect:40902", "bind:40903", "ptrace:1", "syscall:keyctl"],
      { fs: { read: [granted, fixtures] }, net: { connect: [40901] } },
      { explain: true },
    );
    const d = r.report.denials;
    once(d, "read", `${dir}/secret.txt`, `--allow-read=${dir}/secret.txt`);
    once(d, "write", `${granted}/g.txt`, `--allow-write=${granted}/g.txt`);
    once(d, "exec", `${dir}/tool.sh`, `--allow-read=${dir}/tool.sh`);
    once(d, "readdir", `${dir}/sub`, `--allow-read=${dir}/sub`);
    once(d, "connect", "127.0.0.1:40902", "--allow-connect=40902");
    once(d, "bind", "tcp port 40903", "--allow-bind=40903");
    once(d, "ptrace", "ptrace request 16", undefined);
    once(d, "call", "keyctl", undefined);
    // Each attempt failed inside, and the host's file is as it was.
    expect(r.stdout).not.toMatch(/ ok$/m);
    expect(readFileSync(join(granted, "g.txt"), "utf8")).toBe("g\n");
    expect(readdirSync(granted)).toEqual(["g.txt"]);
    // What was granted (the fixture itself, the read of the granted directory) is not listed.
    expect((d ?? []).filter((x) => x.target.startsWith(fixtures) || x.target === granted)).toEqual([]);
    const visible = Object.fromEntries(r.report.explain!.sources.map((s) => [s.class, s.visible]));
    expect(visible).toMatchObject({ fs: true, net: true, syscall: true, ptrace: true, limit: true });
  }, 30_000);

  test("a granted action is not listed: a run with nothing denied reports none", async () => {
    const r = await run(["/bin/cat", `${granted}/g.txt`], { fs: { read: [granted] } }, { explain: true });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("g\n");
    expect(r.report.denials).toEqual([]);
    expect(r.report.explain?.sources.find((s) => s.class === "syscall")?.visible).toBe(true);
  }, 30_000);

  test("onDenial gets each new denial live, once, as report.denials lists it", async () => {
    const seen: Denial[] = [];
    const r = await run([python!, fixture, `read:${dir}/secret.txt`, `read:${dir}/secret.txt`, "syscall:keyctl"], { fs: { read: [fixtures] } }, { onDenial: (x) => seen.push(x) });
    expect(only(seen, "read", `${dir}/secret.txt`)).toHaveLength(1);
    expect(only(seen, "call", "keyctl")).toHaveLength(1);
    expect(only(r.report.denials, "read", `${dir}/secret.txt`)[0]?.count).toBe(2);
  }, 30_000);

  test("a memory limit hit appears once, with --memory doubled", async () => {
    const r = await run([python!, fixture, "memory:400"], { fs: { read: [fixtures] }, limits: { memory: 64 * 2 ** 20 } }, { explain: true });
    expect(r.status).not.toBe(0);
    once(r.report.denials, "memory", "64M", "--memory=128M");
  }, 30_000);

  test("a pids limit hit appears once, with --pids doubled; the forks were refused", async () => {
    const r = await run([python!, fixture, "pids:40"], { fs: { read: [fixtures] }, limits: { pids: 8 } }, { explain: true });
    expect(r.stdout).toMatch(/^pids:40 BlockingIOError/m);
    once(r.report.denials, "pids", "8", "--pids=16");
  }, 30_000);

  test("a run that does not ask collects nothing: no denials in the report, audit left as it was", async () => {
    const { auditStatus } = await import("../../ffi/linux-explain.ts");
    const before = isRoot ? auditStatus().enabled : undefined;
    const r = await run([python!, fixture, `read:${dir}/secret.txt`, "syscall:keyctl"], { fs: { read: [fixtures] } });
    expect(r.report.denials).toBeUndefined();
    expect(r.report.explain).toBeUndefined();
    if (isRoot) expect(auditStatus().enabled).toBe(before!);
  }, 30_000);

  testUnless(auditReason, "cordon run --explain prints each denial with its flag after the command, and --report lists denials with counts", async () => {
    const report = join(dir, "report.json");
    const r = await cordon(["run", "--explain", `--report=${report}`, `--allow-read=${fixtures}`, "--", python!, fixture, `read:${dir}/secret.txt`, "syscall:keyctl"], { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`  read ${dir}/secret.txt → --allow-read=${dir}/secret.txt\n`);
    expect(r.stderr).toContain("  call keyctl — refused in every cordon sandbox: no flag allows it\n");
    const json = JSON.parse(readFileSync(report, "utf8"));
    expect(only(json.denials, "read", `${dir}/secret.txt`)).toHaveLength(1);
    expect(json.explain.sources.length).toBeGreaterThan(0);
    const none = await cordon(["run", "--explain", `--allow-read=${granted}`, "--", "/bin/cat", `${granted}/g.txt`], { timeoutMs: 30_000 });
    expect(none.stderr).toContain("cordon: explain: nothing was denied\n");
  }, 60_000);

  testUnless(auditReason, "without namespaces (a container-like seccomp profile): landlock's records name the denied read, write, exec and readdir, and a signal to a process outside", async () => {
    const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
    const outside = Bun.spawn(["sleep", "60"]);
    const report = join(dir, "no-ns.json");
    try {
      const attempts = [`read:${dir}/secret.txt`, `write:${granted}/g.txt`, `exec:${dir}/tool.sh`, `readdir:${dir}/sub`, `signal:${outside.pid}`];
      const p = spawnLinux([process.execPath, join(root, "bin", "cordon.ts"), "run", "--explain", `--report=${report}`, `--allow-read=${granted},${fixtures}`, "--", python!, fixture, ...attempts], {
        cwd: root,
        env: { PATH: "/usr/bin:/bin", HOME: dir },
        stdout: "pipe",
        stderr: "pipe",
        seccomp: { filter: containerProfile(), flags: 0 },
      });
      const [out] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      expect(out).not.toMatch(/ ok$/m);
      const d = JSON.parse(readFileSync(report, "utf8")).denials as Denial[];
      once(d, "read", `${dir}/secret.txt`, `--allow-read=${dir}/secret.txt`);
      once(d, "write", `${granted}/g.txt`, `--allow-write=${granted}/g.txt`);
      once(d, "exec", `${dir}/tool.sh`, `--allow-read=${dir}/tool.sh`);
      once(d, "readdir", `${dir}/sub`, `--allow-read=${dir}/sub`);
      once(d, "signal", `pid ${outside.pid} (sleep)`, undefined);
      expect(d.filter((x) => x.by !== "landlock audit" && x.class === "fs")).toEqual([]);
      // The process outside was not reached: still running.
      expect(outside.exitCode).toBeNull();
    } finally {
      outside.kill();
    }
    expect(readFileSync(join(granted, "g.txt"), "utf8")).toBe("g\n");
  }, 60_000);

  testUnless(notLinux ?? (isRoot ? undefined : "running cordon as another user needs root"), "unprivileged (uid 65534): the report says which classes are not visible and why, and still sees refused calls and the private root's refusals", async () => {
    const world = worldReadableCopy(["ffi", "lib", "bin", "test"]);
    try {
      const report = join(dir, "unprivileged.json");
      writeFileSync(report, "");
      chmodSync(report, 0o666);
      const p = Bun.spawn(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", world.bun, join(world.dir, "bin", "cordon.ts"), "run", "--explain", `--report=${report}`, `--allow-read=${join(world.dir, "test", "fixtures", "explain")}`, "--", python!, join(world.dir, "test", "fixtures", "explain", "attempts.py"), `read:${dir}/secret.txt`, "syscall:keyctl"], {
        cwd: world.dir,
        env: { PATH: "/usr/bin:/bin", HOME: world.dir },
        stdout: "pipe",
        stderr: "pipe",
      });
      const [, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      const json = JSON.parse(readFileSync(report, "utf8"));
      const sources = Object.fromEntries((json.explain.sources as { class: string; visible: boolean; reason?: string }[]).map((s) => [s.class, s]));
      for (const c of ["net", "signal", "ptrace", "ipc"]) {
        expect(sources[c]).toMatchObject({ visible: false });
        expect(sources[c]?.reason).toMatch(/CAP_AUDIT|root/);
      }
      expect(err).toMatch(/not visible here: .*net/);
      once(json.denials, "call", "keyctl", undefined);
      once(json.denials, "read", `${dir}/secret.txt`, `--allow-read=${dir}/secret.txt`);
    } finally {
      world.remove();
    }
  }, 60_000);

  test("cordon audit and cordon plan refuse --explain: they run no command whose denials it could list", async () => {
    const audit = await cordon(["audit", "--explain"]);
    expect({ code: audit.code, stderr: audit.stderr }).toEqual({ code: 125, stderr: "cordon: --explain: cordon audit reports every channel it probed itself; --explain is cordon run's\n" });
    const plan = await cordon(["plan", "--target=sel4-microkit", "--explain", "--", "true"]);
    expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 125, stderr: "cordon: --explain: cordon plan runs nothing, so nothing is denied\n" });
  });
});
