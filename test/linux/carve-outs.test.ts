// Carve-outs beneath grants, tried from inside: a job granted its git
// checkout cannot plant what the next, trusted step runs (hooks, config, a
// redirected .git file), nor rename the protected paths or their directories
// away to make fresh ones; --deny-read and --deny-write hold beneath grants.
// Each attack's twin works (files in the grant, .git/objects, git commit),
// and the host's files are compared before and after.
import { afterAll, beforeEach, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Policy } from "../../lib/policy/types.ts";
import { noPrivateRoot } from "../helpers/private-root.ts";
import { describeUnless, notLinux } from "../helpers/skip.ts";
import { containerProfile } from "../helpers/container-profile.ts";

const { spawn } = await import("../../lib/spawn.ts");
const { PolicyError } = await import("../../lib/errors.ts");

const skip = await noPrivateRoot();
const git = Bun.which("git", { PATH: "/usr/bin:/bin" });
const noGit = git ? undefined : "git is not installed in /usr/bin or /bin";

const scratch = realpathSync(mkdtempSync(join(tmpdir(), "cordon-carve-")));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `script` under /bin/sh inside (in `dir`, when given), one `name rc=N` line per step. */
async function inside(script: string, policy: Policy, dir?: string) {
  const p = spawn(["/bin/sh", "-c", dir ? `cd '${dir}' || exit 99\n${script}` : script], { ...policy, env: { GIT_CONFIG_NOSYSTEM: "1", HOME: scratch, ...policy.env } }, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text()]);
  const code = await p.exited;
  const rc: Record<string, number> = {};
  for (const m of out.matchAll(/^(\S+) rc=(\d+)$/gm)) rc[m[1]!] = Number(m[2]);
  return { code, out, err, rc, report: p.report };
}

/** Each file beneath `dir` with its content (links as "-> target"), to compare the host before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else out[p.slice(dir.length)] = st.isSymbolicLink() ? "-> link" : readFileSync(p, "utf8");
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function gitIn(dir: string, ...args: string[]) {
  const r = Bun.spawnSync([git!, "-C", dir, ...args], { env: { PATH: "/usr/bin:/bin", HOME: scratch, GIT_CONFIG_NOSYSTEM: "1" }, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString().trim();
}

function newRepo(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  gitIn(dir, "init", "-q", "-b", "main");
  gitIn(dir, "config", "user.email", "ci@example.invalid");
  gitIn(dir, "config", "user.name", "ci");
  writeFileSync(join(dir, "tracked"), "one\n");
  gitIn(dir, "add", "tracked");
  gitIn(dir, "commit", "-qm", "first");
  return dir;
}

/** `cmd; echo NAME rc=$?`, one line per step. */
const steps = (s: Record<string, string>) => Object.entries(s).map(([name, cmd]) => `{ ${cmd}; } >/dev/null 2>&1; echo ${name} rc=$?`).join("\n");

describeUnless(skip ?? noGit, "protected paths inside a write grant of a git checkout", () => {
  test("planting a hook, git config, rm -rf .git/hooks, mv .git/hooks and mv .git all fail inside; the host's .git is unchanged", async () => {
    const repo = newRepo("attacked");
    const before = snapshot(join(repo, ".git", "hooks"));
    const config = readFileSync(join(repo, ".git", "config"), "utf8");
    const r = await inside(
      steps({
        hook: "echo evil > .git/hooks/pre-commit",
        config: "git config core.hooksPath /tmp/x",
        rmHooks: "rm -rf .git/hooks",
        mvHooks: "mv .git/hooks .git/h2",
        mvGit: "mv .git .git2",
        mvConfig: "mv .git/config .git/config2",
        rmConfig: "rm -f .git/config",
        linkConfig: "ln .git/config cfg && echo evil >> cfg",
      }),
      { fs: { write: [repo] }, cwd: repo },
    );
    expect(r.code).toBe(0);
    for (const step of ["hook", "config", "rmHooks", "mvHooks", "mvGit", "mvConfig", "rmConfig", "linkConfig"]) expect({ step, rc: r.rc[step] }).not.toEqual({ step, rc: 0 });
    expect(r.report.guarantees.find((g) => g.guarantee === "fs.protected-paths")?.status).toBe("enforced");
    expect(snapshot(join(repo, ".git", "hooks"))).toEqual(before);
    expect(readFileSync(join(repo, ".git", "config"), "utf8")).toBe(config);
    expect(readdirSync(repo).sort()).toEqual([".git", "tracked"]);
    expect(existsSync(join(repo, ".git", "h2"))).toBe(false);
  }, 30_000);

  test("the twin: files in the grant, .git/objects and git commit work inside", async () => {
    const repo = newRepo("twin");
    const head = gitIn(repo, "rev-parse", "HEAD");
    const r = await inside(
      steps({
        file: "echo two > tracked && echo new > new-file",
        objects: "touch .git/objects/cordon-probe && rm .git/objects/cordon-probe",
        commit: "git add -A && git commit -qm second",
      }),
      { fs: { write: [repo] }, cwd: repo },
    );
    expect(r.err).toBe("");
    expect(r.rc).toEqual({ file: 0, objects: 0, commit: 0 });
    expect(gitIn(repo, "rev-parse", "HEAD~1")).toBe(head);
    expect(gitIn(repo, "log", "-1", "--format=%s")).toBe("second");
    expect(readFileSync(join(repo, "new-file"), "utf8")).toBe("new\n");
  }, 30_000);

  test("a linked worktree: its .git file and the common directory's hooks and config stay read-only when both are granted", async () => {
    const main = newRepo("main");
    const wt = join(scratch, "linked");
    gitIn(main, "worktree", "add", "-q", wt);
    const dotGit = readFileSync(join(wt, ".git"), "utf8");
    const hooks = snapshot(join(main, ".git", "hooks"));
    const r = await inside(
      steps({
        redirect: `echo "gitdir: ${scratch}/evil" > .git`,
        mvDotGit: "mv .git dotgit",
        hook: `echo evil > ${main}/.git/hooks/post-checkout`,
        config: "git config core.hooksPath /tmp/x",
        commit: "echo x > f && git add f && git commit -qm wt",
      }),
      { fs: { write: [wt, main] }, cwd: wt },
    );
    expect(r.rc.redirect).not.toBe(0);
    expect(r.rc.mvDotGit).not.toBe(0);
    expect(r.rc.hook).not.toBe(0);
    expect(r.rc.config).not.toBe(0);
    expect(r.rc.commit).toBe(0);
    expect(readFileSync(join(wt, ".git"), "utf8")).toBe(dotGit);
    expect(snapshot(join(main, ".git", "hooks"))).toEqual(hooks);
    expect(gitIn(wt, "log", "-1", "--format=%s")).toBe("wt");
  }, 30_000);

  test("core.hooksPath inside the grant (a .husky directory) is protected too; a missing hooks directory is made first, so none can be created inside", async () => {
    const repo = newRepo("husky");
    mkdirSync(join(repo, ".husky"));
    writeFileSync(join(repo, ".husky", "pre-commit"), "exit 0\n");
    gitIn(repo, "config", "core.hooksPath", ".husky");
    rmSync(join(repo, ".git", "hooks"), { recursive: true });
    const r = await inside(steps({ husky: "echo evil > .husky/pre-commit", hooks: "mkdir -p .git/hooks && echo evil > .git/hooks/pre-commit" }), { fs: { write: [repo] }, cwd: repo });
    expect(r.rc.husky).not.toBe(0);
    expect(r.rc.hooks).not.toBe(0);
    expect(readFileSync(join(repo, ".husky", "pre-commit"), "utf8")).toBe("exit 0\n");
    expect(readdirSync(join(repo, ".git", "hooks"))).toEqual([]);
  }, 30_000);

  test("a protected path granted by its own exact path is writable on purpose", async () => {
    const repo = newRepo("exact");
    const r = await inside(steps({ hook: "echo ok > .git/hooks/pre-push", config: "echo x > .git/config" }), { fs: { write: [repo, join(repo, ".git", "hooks")] }, cwd: repo });
    expect(r.rc.hook).toBe(0);
    expect(r.rc.config).not.toBe(0);
    expect(readFileSync(join(repo, ".git", "hooks", "pre-push"), "utf8")).toBe("ok\n");
  }, 30_000);
});

describeUnless(skip, "--deny-read and --deny-write beneath grants", () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(scratch, "deny-"));
    for (const d of ["ro/secret-dir", "rw/sub/secret-dir", "rw/sub/kept", "rw/open"]) mkdirSync(join(base, d), { recursive: true });
    for (const f of ["ro/secret", "ro/secret-dir/a", "ro/plain", "rw/sub/secret", "rw/sub/secret-dir/a", "rw/sub/kept/file", "rw/plain"]) writeFileSync(join(base, f), "host");
  });

  const denied = () => ({
    denyRead: [join(base, "ro/secret"), join(base, "ro/secret-dir"), join(base, "rw/sub/secret"), join(base, "rw/sub/secret-dir")],
    denyWrite: [join(base, "rw/sub/kept")],
  });

  test("denied reads: neither the file nor the directory can be read, listed, written or moved away; siblings stay readable and writable", async () => {
    const host = snapshot(base);
    const r = await inside(
      steps({
        readRo: "cat ro/secret",
        listRo: "ls ro/secret-dir",
        readRw: "cat rw/sub/secret",
        readRwDir: "cat rw/sub/secret-dir/a",
        writeRw: "echo x > rw/sub/secret",
        createRw: "echo x > rw/sub/secret-dir/new",
        mvSecret: "mv rw/sub/secret rw/sub/other",
        mvSub: "mv rw/sub rw/sub2",
        plainRo: "cat ro/plain",
        plainRw: "cat rw/plain && echo y > rw/plain.new",
      }),
      { fs: { read: [join(base, "ro")], write: [join(base, "rw")], ...denied() } },
      base,
    );
    for (const step of ["readRo", "listRo", "readRw", "readRwDir", "writeRw", "createRw", "mvSecret", "mvSub"]) expect({ step, rc: r.rc[step] }).not.toEqual({ step, rc: 0 });
    expect({ plainRo: r.rc.plainRo, plainRw: r.rc.plainRw }).toEqual({ plainRo: 0, plainRw: 0 });
    expect(r.report.guarantees.find((g) => g.guarantee === "fs.deny-confined")?.status).toBe("enforced");
    expect(snapshot(base)).toEqual({ ...host, "/rw/plain.new": "y\n" });
  }, 30_000);

  test("a denied write: its files read, but nothing in it can be written, made, removed or renamed, nor the directory itself", async () => {
    const host = snapshot(base);
    const r = await inside(
      steps({
        read: "cat rw/sub/kept/file",
        write: "echo x > rw/sub/kept/file",
        create: "echo x > rw/sub/kept/new",
        remove: "rm rw/sub/kept/file",
        rename: "mv rw/sub/kept rw/sub/k2",
        renameParent: "mv rw/sub rw/s2",
        link: "ln rw/sub/kept/file rw/linked && echo x >> rw/linked",
        beside: "echo y > rw/sub/beside",
      }),
      { fs: { write: [join(base, "rw")], ...denied() } },
      base,
    );
    expect({ read: r.rc.read, beside: r.rc.beside }).toEqual({ read: 0, beside: 0 });
    for (const step of ["write", "create", "remove", "rename", "renameParent", "link"]) expect({ step, rc: r.rc[step] }).not.toEqual({ step, rc: 0 });
    expect(snapshot(base)).toEqual({ ...host, "/rw/sub/beside": "y\n" });
  }, 30_000);

  test("deny wins over a grant of the same path or one beneath it", async () => {
    const r = await inside(steps({ read: "cat rw/sub/secret-dir/a", write: "echo x > rw/sub/kept/file" }), {
      fs: { read: [join(base, "rw/sub/secret-dir")], write: [join(base, "rw"), join(base, "rw/sub/kept")], ...denied() },
    }, base);
    expect(r.rc.read).not.toBe(0);
    expect(r.rc.write).not.toBe(0);
    expect(readFileSync(join(base, "rw/sub/kept/file"), "utf8")).toBe("host");
  }, 30_000);

  test("a deny path that does not exist, or a working directory beneath a denied read, is a PolicyError naming it; nothing runs", () => {
    const err = (p: Policy) => {
      try {
        spawn(["/bin/true"], p);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const missing = err({ fs: { write: [base], denyRead: [join(base, "nope")] } });
    expect(missing).toBeInstanceOf(PolicyError);
    expect((missing as InstanceType<typeof PolicyError>).field).toBe("fs.denyRead[0]");
    const cwd = err({ fs: { write: [base], denyRead: [join(base, "rw/sub")] }, cwd: join(base, "rw/sub/kept") });
    expect((cwd as InstanceType<typeof PolicyError>).field).toBe("cwd");
    expect(existsSync(join(base, "rw/sub/kept/file"))).toBe(true);
  });
});

/** A Bun running `script` under a container-like seccomp profile: no namespaces, no mounts, so no private root. */
async function withoutPrivateRoot(script: string): Promise<string> {
  const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
  const file = join(scratch, `no-root-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, script);
  const p = spawnLinux([process.execPath, file], { env: { PATH: "/usr/bin:/bin", HOME: scratch, TMPDIR: tmpdir() }, stdout: "pipe", stderr: "pipe", seccomp: { filter: containerProfile(), flags: 0 } });
  const [out, err] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text()]);
  if ((await p.exited) !== 0) throw new Error(err);
  return out.trim();
}

describeUnless(notLinux ?? noGit, "carve-outs where no private root can be made (a container-like profile)", () => {
  test("hard mode refuses a deny beneath a grant and a checkout's protected paths, naming both; best-effort runs and reports them not enforced; pty likewise", async () => {
    const repo = newRepo("no-root");
    const script = `
      const { spawn } = await import(${JSON.stringify(join(import.meta.dir, "..", "..", "lib", "spawn.ts"))});
      const policy = { fs: { write: [${JSON.stringify(repo)}], denyRead: [${JSON.stringify(join(repo, "tracked"))}] } };
      const out = {};
      try { spawn(["/bin/true"], policy); out.hard = "ran"; } catch (e) { out.hard = e.name + ": " + (e.missing ?? []).map((m) => m.guarantee).sort().join(","); }
      const p = spawn(["/bin/true"], { ...policy, compat: "best-effort" });
      await p.exited;
      out.best = p.report.guarantees.filter((g) => g.guarantee === "fs.deny-confined" || g.guarantee === "fs.protected-paths").map((g) => g.guarantee + " " + g.status).sort();
      try { spawn(["/bin/true"], { pty: true }); out.pty = "ran"; } catch (e) { out.pty = e.name + ": " + (e.missing ?? []).map((m) => m.guarantee).join(","); }
      const q = spawn(["/bin/true"], { pty: true, compat: "best-effort" });
      await q.exited;
      out.ptyNote = q.report.host.some((n) => n.startsWith("pty: no private root"));
      console.log(JSON.stringify(out));`;
    const out = JSON.parse(await withoutPrivateRoot(script));
    expect(out.hard).toStartWith("CompatError: ");
    expect(out.hard).toContain("fs.deny-confined");
    expect(out.hard).toContain("fs.protected-paths");
    expect(out.best).toEqual(["fs.deny-confined not-enforced", "fs.protected-paths not-enforced"]);
    // A private devpts needs a private root too.
    expect({ pty: out.pty, note: out.ptyNote }).toEqual({ pty: "CompatError: pty", note: true });
  }, 30_000);

  test("a deny outside every grant is landlock's own (nothing grants it), with or without a private root (the plan)", async () => {
    const { carveOutReport } = await import("../../lib/plan/linux/carve-outs.ts");
    const fs = { read: ["/srv"], write: [], denyRead: ["/etc/shadow"] };
    expect(carveOutReport({ fs }, { privateRoot: false, landlock: true })).toEqual([{ guarantee: "fs.deny-confined", status: "enforced", by: ["landlock: no grant reaches a denied path"] }]);
    expect(carveOutReport({ fs }, { privateRoot: false, landlock: false })[0]!.status).toBe("not-enforced");
  });
});
