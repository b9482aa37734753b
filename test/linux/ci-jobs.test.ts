// Real CI jobs under `cordon run`, as a runner would start them: each job of
// the fixture project (test/fixtures/jobs) under the narrowest policy that
// should work, checked to work — run by root and by an unprivileged cordon
// (uid 65534). The caller's environment holds a runner's secrets; each job
// prints its environment first, and no secret shows up inside unless the job
// names it. Nothing leaves the machine: the registry is a loopback server of
// this test, named to every tool, and the only network any job gets is a TCP
// connect to its port.
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cordon, noSandbox, type CliResult } from "../cli/helpers.ts";
import { noPrivateRoot } from "../helpers/private-root.ts";
import { describeUnless, emulated, linuxRequirement, testUnless } from "../helpers/skip.ts";
import { worldReadableCopy, type WorldReadableCopy } from "../helpers/world-readable.ts";
import { serveRegistry } from "../dist/registry.ts";

const fixtures = join(import.meta.dir, "..", "fixtures", "jobs");
const skip = noSandbox ?? emulated.sandbox ?? (await noPrivateRoot());
const isRoot = process.getuid?.() === 0;
const nobodySkip = skip ?? linuxRequirement(!isRoot ? "switching to uid 65534 needs root" : Bun.which("setpriv") ? undefined : "setpriv(1) not installed");

/** The system's own tools (the caller's PATH may lead to shims in an ungranted home: /usr/bin/python3, not a pyenv shim). */
const tool = (name: string) => Bun.which(name, { PATH: "/usr/bin:/bin" });
const missing = (...names: string[]) => {
  const gone = names.filter((n) => !tool(n));
  return gone.length ? `${gone.join(", ")} not installed in /usr/bin or /bin` : undefined;
};
const python = "/usr/bin/python3";
/** What the venv + pip job needs of the system's Python: venv with ensurepip, pip, and setuptools to build a wheel without an index. */
const noPipJob =
  missing("python3") ??
  (Bun.spawnSync([python, "-c", "import setuptools, venv, ensurepip, pip"]).exitCode === 0 ? undefined : `${python} lacks venv, ensurepip, pip or setuptools`);

/** A CI runner's secrets, in the caller's environment of every job. */
const secrets = {
  GITHUB_TOKEN: "ghp_cijobs_github_value",
  NPM_TOKEN: "npm_cijobs_token_value",
  AWS_SECRET_ACCESS_KEY: "aws_cijobs_secret_value",
};

/** Names a job's environment may hold: the base set, what cordon sets, and what the shell adds itself. */
const expectedName = /^(PATH|LANG|LANGUAGE|LC_\w+|TERM|COLORTERM|NO_COLOR|FORCE_COLOR|TZ|CI|TMPDIR|HOME|XDG_(CONFIG|CACHE|DATA|STATE)_HOME|USER|LOGNAME|SHELL|PWD|OLDPWD|SHLVL|_)$/;

const scratch = realpathSync(mkdtempSync(join(tmpdir(), "cordon-jobs-")));
chmodSync(scratch, 0o755); // uid 65534 reaches its job directories through it
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// --- the loopback npm registry: one package, cordon-tiny 1.0.0 ---

const tgz = (() => {
  const src = join(scratch, "tiny-src");
  cpSync(join(fixtures, "registry", "cordon-tiny"), join(src, "package"), { recursive: true });
  const file = join(scratch, "cordon-tiny-1.0.0.tgz");
  const tar = Bun.spawnSync(["tar", "-czf", file, "-C", src, "package"]);
  if (tar.exitCode !== 0) throw new Error(`tar: ${tar.stderr.toString()}`);
  return file;
})();
const registry = serveRegistry([tgz]);
afterAll(() => registry.stop());
const { requests } = registry;
const port = Number(new URL(registry.url).port);
const tarballPath = "/-/tarballs/cordon-tiny-1.0.0.tgz";

// --- who runs cordon ---

type Job = { flags: string[]; argv: string[]; env?: Record<string, string> };
type Who = {
  readonly title: string;
  readonly skip: string | undefined;
  /** The bun the sandbox runs (a file to grant). */
  bun(): string;
  /** A fresh copy of fixture directory `name` (or an empty directory), owned by whoever runs the job. */
  work(name?: string): string;
  run(job: Job): Promise<CliResult>;
};

let copy: WorldReadableCopy | undefined;
afterAll(() => copy?.remove());

/** A new directory holding fixture `name` (and nothing else; empty without one), for uid `uid`. */
function workDir(name: string | undefined, uid: number): string {
  const dir = mkdtempSync(join(scratch, `${name ?? "empty"}-`));
  if (name) cpSync(join(fixtures, name), dir, { recursive: true });
  if (uid !== 0) chownTree(dir, uid);
  return dir;
}

function chownTree(dir: string, uid: number) {
  const r = Bun.spawnSync(["chown", "-R", `${uid}:${uid}`, dir]);
  if (r.exitCode !== 0) throw new Error(`chown: ${r.stderr.toString()}`);
}

const caller: Who = {
  title: isRoot ? "run by root" : `run by uid ${process.getuid?.()}`,
  skip,
  bun: () => process.execPath,
  work: (name) => workDir(name, 0),
  run: (job) => cordon(["run", ...job.flags, "--", ...job.argv], { env: { ...secrets, ...job.env }, timeoutMs: 60_000 }),
};

const nobody: Who = {
  title: "run by uid 65534",
  skip: nobodySkip,
  bun: () => (copy ??= worldReadableCopy(["ffi", "lib", "bin"])).bun,
  work: (name) => workDir(name, 65534),
  async run(job) {
    const c = (copy ??= worldReadableCopy(["ffi", "lib", "bin"]));
    const tmp = join(scratch, "nobody-tmp");
    if (!existsSync(tmp)) {
      mkdirSync(tmp);
      chownTree(tmp, 65534);
    }
    const p = Bun.spawn(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", c.bun, join(c.dir, "bin", "cordon.ts"), "run", ...job.flags, "--", ...job.argv], {
      cwd: c.dir,
      env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: c.dir, TMPDIR: tmp, LANG: "C.UTF-8", ...secrets, ...job.env },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      timeout: 60_000,
      killSignal: "SIGKILL",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { code, stdout, stderr };
  },
};

// --- a job's output: its environment, then what it printed ---

const MARK = "@@job-starts@@";

/** argv that prints the environment, a mark, then runs `argv`. */
const withEnv = (argv: string[]) => ["/bin/sh", "-c", `env; echo ${MARK}; exec "$@"`, "sh", ...argv];

/** Runs `job` and splits what it printed: the environment inside, then the job's own output. */
async function runJob(who: Who, job: Job) {
  const r = await who.run({ ...job, argv: withEnv(job.argv) });
  const at = r.stdout.indexOf(`${MARK}\n`);
  const envText = at < 0 ? "" : r.stdout.slice(0, at);
  const env = new Map(envText.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  return { ...r, env, out: at < 0 ? r.stdout : r.stdout.slice(at + MARK.length + 1) };
}

/**
 * The job's environment held only the base set, cordon's own variables and
 * the `named` ones; no secret's value appeared anywhere unless named.
 */
function expectNoSecrets(r: { env: Map<string, string>; stdout: string; stderr: string }, named: string[] = []) {
  expect(r.env.size).toBeGreaterThan(0);
  const unexpected = [...r.env.keys()].filter((n) => !expectedName.test(n) && !named.includes(n));
  expect(unexpected).toEqual([]);
  for (const [name, value] of Object.entries(secrets)) {
    if (named.includes(name)) {
      expect(r.env.get(name)).toBe(value);
      continue;
    }
    expect(r.env.has(name)).toBe(false);
    expect(r.stdout + r.stderr).not.toContain(value);
  }
}

const JOB_MS = 90_000;
const whos = [caller, nobody];

/** One test per runner: `title`, skipped with `needs` (a missing tool) or the runner's reason. */
function job(title: string, needs: string | undefined, fn: (who: Who) => Promise<void>) {
  for (const who of whos) testUnless(who.skip ?? needs, `${title} (${who.title})`, () => fn(who), JOB_MS);
}

describe("CI jobs under cordon run, each under its narrowest policy", () => {
  job("bun install from a loopback registry: --allow-write=project, --allow-connect=registry port, --allow-env=NPM_CONFIG_REGISTRY", undefined, async (who) => {
    const dir = who.work("node-app");
    const bun = who.bun();
    const flags = [`--allow-read=${bun}`, `--allow-write=${dir}`, `--cwd=${dir}`, "--allow-env=NPM_CONFIG_REGISTRY"];
    const install = { argv: ["/bin/sh", "-ec", '"$0" install --no-progress --no-summary; "$0" main.js', bun], env: { NPM_CONFIG_REGISTRY: registry.url } };
    // Without the port the registry is out of reach: nothing arrives, nothing is installed.
    const before = requests.length;
    const cut = await runJob(who, { flags, ...install });
    expect(cut.code).not.toBe(0);
    expect(requests.length).toBe(before);
    expect(existsSync(join(dir, "node_modules", "cordon-tiny"))).toBe(false);
    const r = await runJob(who, { flags: [...flags, `--allow-connect=${port}`], ...install });
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: "tiny greets the job\n" });
    expectNoSecrets(r, ["NPM_CONFIG_REGISTRY"]);
    expect(JSON.parse(readFileSync(join(dir, "node_modules", "cordon-tiny", "package.json"), "utf8")).version).toBe("1.0.0");
    expect(existsSync(join(dir, "bun.lock"))).toBe(true);
    expect(requests.slice(before)).toEqual(expect.arrayContaining(["/cordon-tiny", tarballPath]));
  });

  job("bun install --frozen-lockfile from a cache kept in --home: no network at all", undefined, async (who) => {
    const home = who.work();
    const bun = who.bun();
    const install = (dir: string, flags: string[], frozen: string) =>
      runJob(who, {
        flags: [`--allow-read=${bun}`, `--allow-write=${dir}`, `--cwd=${dir}`, `--home=${home}`, "--allow-env=NPM_CONFIG_REGISTRY", ...flags],
        argv: ["/bin/sh", "-ec", `"$0" install --no-progress --no-summary ${frozen}; "$0" main.js`, bun],
        env: { NPM_CONFIG_REGISTRY: registry.url },
      });
    const first = who.work("node-app");
    expect((await install(first, [`--allow-connect=${port}`], "")).code).toBe(0);
    // The next run: the lockfile from the first, the cache in the kept HOME, and no network.
    const dir = who.work("node-app");
    writeFileSync(join(dir, "bun.lock"), readFileSync(join(first, "bun.lock")));
    if (who !== caller) chownTree(dir, 65534);
    const before = requests.length;
    const r = await install(dir, [], "--frozen-lockfile");
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: "tiny greets the job\n" });
    expectNoSecrets(r, ["NPM_CONFIG_REGISTRY"]);
    expect(requests.length).toBe(before);
  });

  job("bun test of a fixture test file: --allow-read=project (read-only)", undefined, async (who) => {
    const dir = who.work("node-app");
    const bun = who.bun();
    const r = await runJob(who, { flags: [`--allow-read=${bun}`, `--allow-read=${dir}`, `--cwd=${dir}`], argv: [bun, "test", "./sum.check.ts"] });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("(pass) sum adds");
    expect(r.stderr).toContain(" 1 pass");
    expectNoSecrets(r);
  });

  job("git status, commit and log in a checkout: --allow-write=repository; .git/hooks and .git/config stay read-only", missing("git"), async (who) => {
    const dir = mkdtempSync(join(scratch, "repo-"));
    writeFileSync(join(dir, "README"), "a fixture repository\n");
    hostGit(dir, "init", "-q", "-b", "main");
    hostGit(dir, "add", "README");
    hostGit(dir, "-c", "user.name=Runner", "-c", "user.email=runner@example.invalid", "commit", "-qm", "initial");
    if (who !== caller) chownTree(dir, 65534);
    const config = readFileSync(join(dir, ".git", "config"), "utf8");
    const identity = ["GIT_AUTHOR_NAME=Job", "GIT_AUTHOR_EMAIL=job@example.invalid", "GIT_COMMITTER_NAME=Job", "GIT_COMMITTER_EMAIL=job@example.invalid"];
    const script = [
      "echo change >> README",
      "git status --short",
      'git commit -qam "job commit"',
      "git log --format='%an %s'",
      "(echo 'curl evil' > .git/hooks/pre-commit) 2>/dev/null && echo hooks written || echo hooks read-only",
      "git config core.hooksPath /tmp 2>/dev/null && echo config written || echo config read-only",
    ].join("\n");
    const r = await runJob(who, { flags: [`--allow-write=${dir}`, `--cwd=${dir}`, ...identity.map((e) => `--env=${e}`)], argv: ["/bin/sh", "-ec", script] });
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: " M README\nJob job commit\nRunner initial\nhooks read-only\nconfig read-only\n" });
    expectNoSecrets(r, identity.map((e) => e.slice(0, e.indexOf("="))));
    expect(hostGit(dir, "log", "--format=%s")).toBe("job commit\ninitial");
    expect(existsSync(join(dir, ".git", "hooks", "pre-commit"))).toBe(false);
    expect(readFileSync(join(dir, ".git", "config"), "utf8")).toBe(config);
  });

  job("npm ci from a lockfile on the loopback registry: --allow-write=project, --allow-connect=registry port, --allow-env=NPM_CONFIG_REGISTRY,NPM_TOKEN (named, so it passes)", missing("npm", "node"), async (who) => {
    const dir = who.work("node-app");
    const lock = {
      name: "node-app",
      version: "0.0.0",
      lockfileVersion: 3,
      requires: true,
      packages: {
        "": { name: "node-app", version: "0.0.0", dependencies: { "cordon-tiny": "^1.0.0" } },
        "node_modules/cordon-tiny": { version: "1.0.0", resolved: new URL(tarballPath, registry.url).href, integrity: `sha512-${createHash("sha512").update(readFileSync(tgz)).digest("base64")}` },
      },
    };
    writeFileSync(join(dir, "package-lock.json"), JSON.stringify(lock, null, 2));
    // The registry's token, read from the environment by npm: the job names NPM_TOKEN, so it passes.
    writeFileSync(join(dir, ".npmrc"), `//127.0.0.1:${port}/:_authToken=\${NPM_TOKEN}\n`);
    if (who !== caller) chownTree(dir, 65534);
    const before = requests.length;
    const r = await runJob(who, {
      flags: [`--allow-write=${dir}`, `--cwd=${dir}`, `--allow-connect=${port}`, "--allow-env=NPM_CONFIG_REGISTRY,NPM_TOKEN"],
      argv: ["/bin/sh", "-ec", "npm ci --no-audit --no-fund --no-update-notifier --loglevel=error; node main.js"],
      env: { NPM_CONFIG_REGISTRY: registry.url },
    });
    expect({ code: r.code, out: r.out.split("\n").filter((l) => l.trim() !== "").at(-1) }).toEqual({ code: 0, out: "tiny greets the job" });
    expectNoSecrets(r, ["NPM_CONFIG_REGISTRY", "NPM_TOKEN"]);
    expect(JSON.parse(readFileSync(join(dir, "node_modules", "cordon-tiny", "package.json"), "utf8")).version).toBe("1.0.0");
    expect(requests.slice(before)).toContain(tarballPath);
    expect(new Set(registry.auth.slice(before))).toEqual(new Set([`Bearer ${secrets.NPM_TOKEN}`]));
  });

  job(`python3 -m venv + pip install of a wheel built from the project, no index: --allow-write=project (${python}, not a pyenv shim)`, noPipJob, async (who) => {
    const dir = who.work("py-pkg");
    const pip = "--disable-pip-version-check --no-index --quiet";
    const script = [
      `${python} -m pip wheel ${pip} --no-build-isolation --no-deps --wheel-dir=wheels .`,
      `${python} -m venv venv`,
      `venv/bin/pip install ${pip} --find-links=wheels tinypy`,
      'venv/bin/python -c "import tinypy; print(tinypy.hello())"',
    ].join("\n");
    const r = await runJob(who, { flags: [`--allow-write=${dir}`, `--cwd=${dir}`], argv: ["/bin/sh", "-ec", script] });
    expect({ code: r.code, out: r.out, err: r.stderr }).toEqual({ code: 0, out: "tinypy says hello\n", err: "" });
    expectNoSecrets(r);
    expect(existsSync(join(dir, "wheels", "tinypy-1.0.0-py3-none-any.whl"))).toBe(true);
  });

  job("Python multiprocessing (Pool.map): --allow-read=script directory only; the sandbox's own /dev/shm", missing("python3"), async (who) => {
    const dir = who.work("py");
    const r = await runJob(who, { flags: [`--allow-read=${dir}`], argv: [python, join(dir, "pool.py")] });
    expect({ code: r.code, out: r.out, err: r.stderr }).toEqual({ code: 0, out: "[0, 1, 4, 9, 16, 25]\n", err: "" });
    expectNoSecrets(r);
  });

  job("make + cc build a C program, then run it: --allow-write=project", missing("make", "cc"), async (who) => {
    const dir = who.work("c-hello");
    const r = await runJob(who, { flags: [`--allow-write=${dir}`, `--cwd=${dir}`], argv: ["/bin/sh", "-ec", "make -s && ./hello"] });
    expect({ code: r.code, out: r.out, err: r.stderr }).toEqual({ code: 0, out: "hello from make and cc\n", err: "" });
    expectNoSecrets(r);
    expect(statSync(join(dir, "hello")).mode & 0o111).not.toBe(0);
  });

  job("a program on a pty: --allow-pty, --allow-read=script directory; without --allow-pty it fails", missing("python3"), async (who) => {
    const dir = who.work("py");
    const argv = [python, join(dir, "on-pty.py")];
    const r = await runJob(who, { flags: ["--allow-pty", `--allow-read=${dir}`], argv });
    expect({ code: r.code, out: r.out, err: r.stderr }).toEqual({ code: 0, out: "child on /dev/pts/0\n", err: "" });
    expectNoSecrets(r);
    const off = await runJob(who, { flags: [`--allow-read=${dir}`], argv });
    expect(off.code).not.toBe(0);
    expect(off.stderr).toContain("out of pty devices");
  });

  job("a bash script using /dev/fd (process substitution), /dev/stdin, /dev/stdout, /dev/stderr: --allow-read=script directory", missing("bash"), async (who) => {
    const dir = who.work("sh");
    // Its stdout and stderr are one pipe: a socket, as Bun's "pipe" gives cordon, cannot be opened by name, on any host (ENXIO).
    const r = await runJob(who, { flags: [`--allow-read=${dir}`], argv: ["/bin/sh", "-c", `printf 'a pipe\\n' | /bin/bash ${join(dir, "check.sh")} 2>&1 | cat`] });
    expect({ code: r.code, out: r.out, err: r.stderr }).toEqual({ code: 0, out: "process substitution ok\nread a pipe\nto stderr\nto stdout\n", err: "" });
    expectNoSecrets(r);
  });
});

describeUnless(skip, "the descriptor links in /dev (/dev/fd, /dev/stdin, /dev/stdout, /dev/stderr)", () => {
  test("they open nothing /proc/self/fd would not: a caller's files outside the grants on stdin and stdout are used through the descriptors, but reopening them by name, to read or to truncate, is refused", async () => {
    const input = join(scratch, "caller-input");
    const output = join(scratch, "caller-output");
    writeFileSync(input, "the caller's input\n");
    const script = [
      "cat",
      "for f in /dev/stdin /dev/fd/0 /proc/self/fd/0; do cat $f >/dev/null 2>&1 && echo read $f; done",
      "for f in /dev/stdout /dev/fd/1; do (: > $f) 2>/dev/null && echo truncated $f; done",
      "ls -l /dev/stdin /dev/stdout /dev/stderr /dev/fd | sed 's/.* \\/dev/\\/dev/'",
    ].join("\n");
    const p = Bun.spawn([process.execPath, join(import.meta.dir, "..", "..", "bin", "cordon.ts"), "run", "--", "/bin/sh", "-c", script], {
      stdin: Bun.file(input),
      stdout: Bun.file(output),
      stderr: "pipe",
      timeout: 30_000,
    });
    const [err, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(readFileSync(output, "utf8")).toBe(
      "the caller's input\n/dev/fd -> /proc/self/fd\n/dev/stderr -> /proc/self/fd/2\n/dev/stdin -> /proc/self/fd/0\n/dev/stdout -> /proc/self/fd/1\n",
    );
    expect(readFileSync(input, "utf8")).toBe("the caller's input\n");
  }, 30_000);
});

/** The pyenv root whose shim the caller's PATH finds first for python3, if any. */
const pyenvRoot = [process.env.PYENV_ROOT, join(process.env.HOME ?? "/nonexistent", ".pyenv")].find((d) => d && Bun.which("python3") === join(d, "shims", "python3"));

describeUnless(skip, "what a host gives a job that the sandbox does not (docs/cli.md, What jobs need)", () => {
  testUnless(missing("python3"), "temporary files go to $TMPDIR (mktemp, Python's tempfile): /tmp itself is not writable, /var/tmp is not there", async () => {
    const direct = `/tmp/cordon-jobs-direct-${process.pid}`;
    const script = [
      'f=$(mktemp) && case "$f" in "$TMPDIR"/*) echo mktemp in TMPDIR;; esac',
      `${python} -c 'import tempfile, os; print("python in TMPDIR" if tempfile.gettempdir() == os.environ["TMPDIR"] else "python elsewhere")'`,
      `(echo x > ${direct}) 2>/dev/null && echo /tmp written || echo /tmp read-only`,
      "test -e /var/tmp && echo /var/tmp there || echo no /var/tmp",
    ].join("\n");
    const r = await cordon(["run", "--", "/bin/sh", "-c", script]);
    expect(r).toEqual({ code: 0, stdout: "mktemp in TMPDIR\npython in TMPDIR\n/tmp read-only\nno /var/tmp\n", stderr: "" });
    expect(existsSync(direct)).toBe(false);
  });

  testUnless(pyenvRoot ? undefined : "the caller's PATH finds no pyenv shim (PYENV_ROOT or ~/.pyenv) for python3", "python3 in the caller's PATH: the system's when the pyenv shims are not granted, pyenv's with --allow-read=PYENV_ROOT", async () => {
    const which = ["/bin/sh", "-c", 'command -v python3; python3 -c "import sys; print(sys.base_prefix)"'];
    const plain = await cordon(["run", "--", ...which]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain(pyenvRoot!);
    const granted = await cordon(["run", `--allow-read=${pyenvRoot}`, "--", ...which]);
    const [shim, prefix] = granted.stdout.trim().split("\n");
    expect({ code: granted.code, shim }).toEqual({ code: 0, shim: join(pyenvRoot!, "shims", "python3") });
    expect(prefix).toStartWith(join(pyenvRoot!, "versions") + "/");
  });
});

/** git on the host, with no system or global configuration. */
function hostGit(dir: string, ...args: string[]): string {
  const r = Bun.spawnSync(["git", "-c", "safe.directory=*", "-C", dir, ...args], { env: { PATH: "/usr/bin:/bin", HOME: scratch, GIT_CONFIG_NOSYSTEM: "1" }, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString().trim();
}
