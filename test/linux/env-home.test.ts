// The environment and HOME a sandboxed command gets, from inside, on Linux:
// the caller's secrets stay out unless named, the report names variables but
// holds no value, and HOME is private, empty, writable and gone afterwards
// (or the caller's chosen directory, kept) — while the caller's own home
// stays unreadable unless granted.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, emulated, linuxRequirement, testUnless } from "../helpers/skip.ts";
import { worldReadableCopy } from "../helpers/world-readable.ts";
import { cordon, noSandbox } from "../cli/helpers.ts";

const { run, spawn } = await import("../../lib/spawn.ts");

const scratch = realpathSync(mkdtempSync(join(tmpdir(), "cordon-env-home-")));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Secrets and host tool settings as a CI runner has them; values that must never show up inside unless named. */
const secrets = {
  GITHUB_TOKEN: "ghp_envtest_github_value",
  NPM_TOKEN: "npm_envtest_value",
  AWS_SECRET_ACCESS_KEY: "aws_envtest_secret_value",
  PIP_FIND_LINKS: "/envtest/host/wheels",
};
const callerEnv = { ...secrets, NPM_CONFIG_X: "npm_config_envtest_value", LANG: "C.UTF-8" };

/** `env` inside, as a name → value map. */
function parseEnv(text: string): Map<string, string> {
  return new Map(text.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

const skip = noSandbox ?? emulated.sandbox;
const isRoot = process.getuid?.() === 0;

describeUnless(skip, "the environment inside (cordon run)", () => {
  test("by default no token, secret or host tool setting is inside; PATH and LANG are", async () => {
    const r = await cordon(["run", "--", "env"], { env: callerEnv });
    expect(r.code).toBe(0);
    const inside = parseEnv(r.stdout);
    for (const [name, value] of Object.entries(secrets)) {
      expect(inside.has(name)).toBe(false);
      expect(r.stdout).not.toContain(value);
    }
    expect(inside.has("NPM_CONFIG_X")).toBe(false);
    expect(inside.get("PATH")).toBe(process.env.PATH!);
    expect(inside.get("LANG")).toBe("C.UTF-8");
  });

  test("named exactly they pass; NPM_* admits NPM_CONFIG_X but not NPM_TOKEN", async () => {
    const named = parseEnv((await cordon(["run", "--allow-env=GITHUB_TOKEN,PIP_FIND_LINKS", "--", "env"], { env: callerEnv })).stdout);
    expect(named.get("GITHUB_TOKEN")).toBe(secrets.GITHUB_TOKEN);
    expect(named.get("PIP_FIND_LINKS")).toBe(secrets.PIP_FIND_LINKS);
    expect(named.has("NPM_TOKEN")).toBe(false);
    const pattern = parseEnv((await cordon(["run", "--allow-env=NPM_*", "--", "env"], { env: callerEnv })).stdout);
    expect(pattern.get("NPM_CONFIG_X")).toBe(callerEnv.NPM_CONFIG_X);
    expect(pattern.has("NPM_TOKEN")).toBe(false);
    const both = parseEnv((await cordon(["run", "--allow-env=NPM_*", "--allow-env=NPM_TOKEN", "--", "env"], { env: callerEnv })).stdout);
    expect(both.get("NPM_TOKEN")).toBe(secrets.NPM_TOKEN);
  });

  test("bare --allow-env passes the caller's whole environment; cordon's own variables keep their values", async () => {
    const file = join(scratch, "whole.json");
    const r = await cordon(["run", "--allow-env", `--report=${file}`, "--", "env"], { env: callerEnv });
    const inside = parseEnv(r.stdout);
    const report = JSON.parse(readFileSync(file, "utf8")) as { env: { passed: string[]; set: string[] } };
    const caller = { ...process.env, ...callerEnv } as Record<string, string>;
    // What the shell-less `env` cannot change: every caller variable but those cordon sets.
    const expected = Object.keys(caller).filter((n) => !report.env.set.includes(n)).sort();
    expect(report.env.passed).toEqual(expected);
    for (const name of expected) expect(inside.get(name)).toBe(caller[name]!);
    expect(inside.get("HOME")).not.toBe(process.env.HOME);
  });

  test("the report lists the names passed and set, never a value", async () => {
    const file = join(scratch, "report.json");
    const r = await cordon(["run", "--allow-env=GITHUB_TOKEN,NPM_*", "--env=EXTRA=envtest_extra_value", `--report=${file}`, "--", "true"], { env: callerEnv });
    expect(r.code).toBe(0);
    const text = readFileSync(file, "utf8");
    const { env } = JSON.parse(text) as { env: { passed: string[]; set: string[] } };
    expect(env.passed).toContain("PATH");
    expect(env.passed).toContain("GITHUB_TOKEN");
    expect(env.passed).toContain("NPM_CONFIG_X");
    expect(env.passed).not.toContain("NPM_TOKEN");
    expect(env.set).toEqual(expect.arrayContaining(["EXTRA", "HOME", "TMPDIR", "XDG_CACHE_HOME"]));
    for (const value of [...Object.values(callerEnv), "envtest_extra_value", process.env.PATH!]) expect(text).not.toContain(value);
  });
});

describeUnless(skip, "HOME inside", () => {
  test("private: empty at start, writable ($HOME/.cache/x/f), the XDG directories beneath it, gone afterwards", async () => {
    const p = spawn(["sh", "-c", 'ls -A "$HOME" | wc -l; mkdir -p "$HOME/.cache/x" && echo ok > "$HOME/.cache/x/f" && cat "$HOME/.cache/x/f"; echo "$XDG_CACHE_HOME"'], {}, { stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text(), p.exited]);
    const home = p.policy.home!;
    expect(home).toMatch(/\/cordon-\d+-\w{6}\/home$/);
    expect({ out, err }).toEqual({ out: `0\nok\n${home}/.cache\n`, err: "" });
    expect(existsSync(home)).toBe(false);
  });

  test("two concurrent runs get different HOMEs, and neither can read the other's", async () => {
    const a = spawn(["sh", "-c", 'echo mine > "$HOME/mark" && echo "$HOME" && sleep 30'], {}, { stdout: "pipe", stderr: "pipe" });
    try {
      const reader = (a.stdout as ReadableStream<Uint8Array>).getReader();
      const first = new TextDecoder().decode((await reader.read()).value).trim();
      expect(first).toBe(a.policy.home!);
      const b = await run(["sh", "-c", `echo "$HOME"; cat "${first}/mark"`]);
      expect(b.stdout.trim()).not.toBe(first);
      expect(b.stdout).not.toContain("mine");
      expect(b.status).not.toBe(0);
      expect(readFileSync(join(first, "mark"), "utf8")).toBe("mine\n"); // it was there to read
    } finally {
      a.kill("SIGKILL");
      await a.exited.catch(() => {});
    }
  });

  test("--home=DIR is HOME, read-write, and keeps a file across two runs", async () => {
    const dir = join(scratch, "kept-home");
    mkdirSync(dir);
    const first = await cordon(["run", `--home=${dir}`, "--", "sh", "-c", 'mkdir -p "$XDG_CACHE_HOME" && echo cached > "$XDG_CACHE_HOME/state"; echo "$HOME"']);
    expect(first).toEqual({ code: 0, stdout: `${dir}\n`, stderr: "" });
    const second = await cordon(["run", `--home=${dir}`, "--", "sh", "-c", 'cat "$HOME/.cache/state"']);
    expect(second).toEqual({ code: 0, stdout: "cached\n", stderr: "" });
    expect(readFileSync(join(dir, ".cache", "state"), "utf8")).toBe("cached\n");
  });

  testUnless(Bun.which("git") ? undefined : "git is not installed", "git config --global user.name works inside, in the private HOME", async () => {
    const r = await run(["sh", "-c", 'git config --global user.name x && git config --global user.name && test -f "$HOME/.gitconfig" && echo file']);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: "x\nfile\n", stderr: "" });
  });

  test("the caller's own HOME is not readable inside unless granted", async () => {
    const callerHome = join(scratch, "caller-home");
    mkdirSync(callerHome);
    writeFileSync(join(callerHome, ".npmrc"), "//registry/:_authToken=envtest_npmrc_value\n");
    const script = `cat "${callerHome}/.npmrc"; echo "home=$HOME"`;
    const denied = await cordon(["run", "--allow-env", "--", "sh", "-c", script], { env: { HOME: callerHome } });
    expect(denied.stdout).not.toContain("envtest_npmrc_value");
    expect(denied.stdout).not.toContain(`home=${callerHome}\n`);
    expect(denied.stderr).toMatch(/Permission denied|No such file or directory/);
    const granted = await cordon(["run", `--allow-read=${callerHome}`, "--", "sh", "-c", script], { env: { HOME: callerHome } });
    expect(granted.stdout).toContain("envtest_npmrc_value");
  });

  test("a --home that does not exist: exit 125, one cordon: line naming --home, nothing runs, nothing left", async () => {
    const marker = join(scratch, "ran");
    const r = await cordon(["run", `--home=${join(scratch, "no-such-home")}`, "--", "touch", marker]);
    expect(r).toEqual({ code: 125, stdout: "", stderr: `cordon: --home: does not exist: ${join(scratch, "no-such-home")}\n` });
    expect(existsSync(marker)).toBe(false);
  });

  testUnless(isRoot ? undefined : "switching users needs root", "--user=65534: the private HOME and TMPDIR are writable by that uid, the run's directory is not", async () => {
    const r = await cordon(["run", "--user=65534:65534", "--", "sh", "-c", 'id -u; touch "$HOME/h" "$TMPDIR/t" && echo wrote; touch "$HOME/../x" 2>/dev/null || echo refused; echo "$USER"']);
    expect(r.stdout).toBe("65534\nwrote\nrefused\nnobody\n");
  });
});

const asNobody = skip ?? linuxRequirement(!isRoot ? "switching to uid 65534 needs root" : Bun.which("setpriv") ? undefined : "setpriv(1) not installed");

describeUnless(asNobody, "environment and HOME with cordon itself unprivileged (uid 65534)", () => {
  test("as uid 65534: no secret inside by default, a private writable HOME that is gone afterwards, a named variable passes", async () => {
    const copy = worldReadableCopy(["ffi", "lib", "bin"]);
    chmodSync(scratch, 0o755); // uid 65534 reaches its temp root through it
    const root = mkdtempSync(join(scratch, "tmproot-"));
    chownSync(root, 65534, 65534);
    try {
      const script = 'env; mkdir -p "$HOME/.cache/x" && echo ok > "$HOME/.cache/x/f" && echo wrote; echo "home=$HOME"';
      const go = async (flags: string[]) => {
        const p = Bun.spawn(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", copy.bun, join(copy.dir, "bin", "cordon.ts"), "run", ...flags, "--", "sh", "-c", script], {
          cwd: copy.dir,
          env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: copy.dir, TMPDIR: root, ...callerEnv },
          stdout: "pipe",
          stderr: "pipe",
          timeout: 30_000,
        });
        const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
        return { out, err, code, inside: parseEnv(out) };
      };
      const plain = await go([]);
      expect({ code: plain.code, err: plain.err }).toEqual({ code: 0, err: "" });
      for (const value of Object.values(secrets)) expect(plain.out).not.toContain(value);
      expect(plain.out).toContain("wrote\n");
      const home = plain.inside.get("home")!;
      expect(home).toMatch(/\/cordon-\d+-\w{6}\/home$/);
      expect(existsSync(home)).toBe(false);
      const named = await go(["--allow-env=GITHUB_TOKEN"]);
      expect(named.inside.get("GITHUB_TOKEN")).toBe(secrets.GITHUB_TOKEN);
    } finally {
      copy.remove();
    }
  }, 60_000);
});
