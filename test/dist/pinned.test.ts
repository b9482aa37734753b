// The packed cordon pins the SHA-256 of every file of every native package
// (ffi/native-digests.json, written by scripts/package-natives.ts into the
// pack's staging directory). An installed native file that differs is
// refused before dlopen or execve: a package registry, or anyone who replaced
// a file after the install, cannot hand cordon another library or init.
// Each tampered file still works, so on a cordon without the check it would
// load or run: `cordon --version` would print its version and
// /proc/self/maps would show it mapped.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, cpSync, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { platformTag } from "../../ffi/library.ts";
import pkg from "../../package.json";
import { buildTargets, nativePackageName, packageNatives, packPackage, stageCordon, type NativePackage } from "../../scripts/package-natives.ts";
import { noSandbox } from "../cli/helpers.ts";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";
import { built, builtPins, copyCordon, runFrom } from "./cordon-copy.ts";
import { Project } from "./project.ts";
import { serveRegistry, type Registry } from "./registry.ts";
import { TAMPERED, tamper } from "./tamper.ts";

const root = join(import.meta.dir, "..", "..");
const tag = platformTag();
const nativeName = nativePackageName(tag);
const noHostPackage = buildTargets().includes(tag) ? undefined : `no native package is built for ${tag}`;
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

let work: string;
let natives: NativePackage[];
let staged: string;
let mainTarball: string;
let nativeTarball: string;
let registry: Registry;
let n = 0;

beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), "cordon-pinned-")));
  natives = packageNatives(join(work, "npm"));
  staged = stageCordon(natives, join(work, "cordon"));
  mainTarball = packPackage(staged, join(work, "tarballs")).tarball;
  const host = natives.find((p) => p.tag === tag);
  if (!host) return;
  nativeTarball = packPackage(host.dir, join(work, "tarballs")).tarball;
  // A fake of this host's package: same name and version, another (working) library.
  const fake = join(work, "fake", `native-${tag}`);
  cpSync(host.dir, fake, { recursive: true });
  tamper(join(fake, "libcordon.so"));
  registry = serveRegistry([packPackage(fake, join(work, "fake-tarballs")).tarball]);
}, 120_000);

afterAll(() => {
  registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A scratch project with `tarballs` added; its registry serves the fake native package. */
async function install(tarballs: string[], offline = true): Promise<Project> {
  const app = new Project(join(work, `app-${++n}`), registry.url);
  const add = await app.bun("add", ...(offline ? ["--offline"] : []), ...tarballs);
  if (add.code !== 0) throw new Error(`bun add failed (${add.code}):\n${add.stdout}${add.stderr}`);
  return app;
}

/** A user script: runs `true` sandboxed, then lists every libcordon this process has mapped. */
const probe = `
import { readFileSync } from "node:fs";
import { run } from "cordon";
let result;
try { result = { status: (await run(["true"], {})).status }; } catch (e) { result = { error: e.name + " " + e.code }; }
const maps = readFileSync("/proc/self/maps", "utf8").split("\\n").filter((l) => l.includes("libcordon")).map((l) => l.slice(l.indexOf("/")));
console.log(JSON.stringify({ ...result, maps: [...new Set(maps)] }));
`;

async function probeIn(app: Project): Promise<{ status?: number; error?: string; maps: string[] }> {
  writeFileSync(join(app.dir, "probe.ts"), probe);
  const r = await app.bun("probe.ts");
  if (r.code !== 0) throw new Error(`probe.ts failed (${r.code}):\n${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** `file` of the project's installed native package. */
function installed(app: Project, file: string): string {
  return join(app.dir, "node_modules", ...nativeName.split("/"), file);
}

/** Tampers with the installed `file`; returns its path and the digest it had (the pinned one). */
function tamperInstalled(app: Project, file: string): { path: string; pinned: string } {
  const path = installed(app, file);
  const pinned = sha256(path);
  tamper(path);
  return { path, pinned };
}

/** The one line cordon prints for a refused file: package, path, pinned and actual digests. */
function refusal(path: string, pinned: string): string {
  return `cordon: ${nativeName}: ${path} does not match the digest cordon pins for it (sha256 pinned ${pinned}, file ${sha256(path)}): refused before any use`;
}

describe("the digest file", () => {
  test("the packed cordon's ffi/native-digests.json holds the SHA-256 of every file of every native package; the checkout holds none (gitignored) and is never packed itself", () => {
    const pins = JSON.parse(readFileSync(join(staged, "ffi", "native-digests.json"), "utf8"));
    const expected = Object.fromEntries(natives.map((p) => [p.name, Object.fromEntries(p.files.map((f) => [f, sha256(join(p.dir, f))]))]));
    expect(pins).toEqual({ cordon: pkg.version, sha256: expected });
    expect(Object.keys(expected).sort()).toEqual(Object.keys(pkg.optionalDependencies).sort());
    const listed = Bun.spawnSync(["tar", "-xzOf", mainTarball, "package/ffi/native-digests.json"], { stdout: "pipe" });
    expect(JSON.parse(listed.stdout.toString())).toEqual(pins);
    expect(existsSync(join(root, "ffi", "native-digests.json"))).toBe(false);
    const ignored = Bun.spawnSync(["git", "check-ignore", "-q", "ffi/native-digests.json"], { cwd: root });
    expect(ignored.exitCode).toBe(0);
    expect(() => packPackage(root, join(work, "never"))).toThrow("is a checkout");
  });
});

describeUnless(noHostPackage ?? noSandbox, "an offline install from the tarballs", () => {
  test("positive twin: untouched, `cordon run -- true` exits 0 and the installed libcordon.so is what is mapped", async () => {
    const app = await install([mainTarball, nativeTarball]);
    const cli = await app.exec(["bunx", "cordon", "run", "--", "true"]);
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: "" });
    expect(await probeIn(app)).toEqual({ status: 0, maps: [realpathSync(installed(app, "libcordon.so"))] });
  }, 60_000);

  test("libcordon.so replaced by a modified copy: `cordon run -- true` exits 125 naming the package, the file and both digests; the copy is never mapped", async () => {
    const app = await install([mainTarball, nativeTarball]);
    const { path: lib, pinned } = tamperInstalled(app, "libcordon.so");
    const cli = await app.exec(["bunx", "cordon", "run", "--", "true"]);
    expect(cli.code).toBe(125);
    expect(cli.stderr).toStartWith(refusal(lib, pinned));
    const version = await app.exec(["bunx", "cordon", "--version"]);
    expect(version.stdout.split("\n")[1]).toStartWith(`native library not loadable: ${nativeName}: ${lib} does not match`);
    expect(await probeIn(app)).toEqual({ error: "LibraryError DIGEST_MISMATCH", maps: [] });
    // The user's explicit choice is not checked: CORDON_LIBRARY loads that very copy (so it would load).
    const explicit = await app.exec(["env", `CORDON_LIBRARY=${lib}`, process.execPath, "probe.ts"]);
    expect(JSON.parse(explicit.stdout)).toEqual({ status: 0, maps: [lib] });
  }, 60_000);

  test("cordon-init replaced by a modified copy: 125 naming cordon-init and both digests, and the command never runs", async () => {
    const app = await install([mainTarball, nativeTarball]);
    const { path: init, pinned } = tamperInstalled(app, "cordon-init");
    mkdirSync(join(app.dir, "out"));
    const cli = await app.exec(["bunx", "cordon", "run", "--allow-write=out", "--", "touch", "out/ran"]);
    expect(cli.code).toBe(125);
    expect(cli.stderr).toStartWith(refusal(init, pinned));
    expect(existsSync(join(app.dir, "out", "ran"))).toBe(false);
  }, 60_000);

  test("cordon-init renamed over after cordon checked it: checked again at the next spawn, an identical copy (a reinstall) runs as pid 1, a modified one is refused", async () => {
    const app = await install([mainTarball, nativeTarball]);
    const init = installed(app, "cordon-init");
    writeFileSync(
      join(app.dir, "swap.ts"),
      `
import { copyFileSync, readlinkSync, renameSync, statSync } from "node:fs";
import { spawn } from "cordon";
const init = ${JSON.stringify(init)};
const pid1 = (argv) => {
  const p = spawn(argv, {});
  const exe = { path: readlinkSync("/proc/" + p.pid + "/exe"), ino: statSync("/proc/" + p.pid + "/exe").ino };
  p.kill();
  return p.exited.then(() => exe);
};
await pid1(["sleep", "5"]);
copyFileSync(init, init + ".copy");
renameSync(init + ".copy", init);
const copyIno = statSync(init).ino;
const copy = await pid1(["sleep", "5"]);
const { tamper } = await import(${JSON.stringify(join(import.meta.dir, "tamper.ts"))});
tamper(init);
let modified;
try { modified = await pid1(["sleep", "5"]); } catch (e) { modified = e.name + " " + e.code; }
console.log(JSON.stringify({ copy: copy.path === init && copy.ino === copyIno ? "the new file" : copy, modified }));
`,
    );
    const r = await app.bun("swap.ts");
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ copy: "the new file", modified: "LibraryError DIGEST_MISMATCH" });
  }, 60_000);

  test(`without --offline, a registry serving a fake ${nativeName} (another library): Bun installs it in node_modules/cordon/node_modules, cordon refuses it (125, both digests) and never maps it`, async () => {
    const app = await install([mainTarball, nativeTarball], false);
    const fake = join(app.dir, "node_modules", "cordon", "node_modules", ...nativeName.split("/"), "libcordon.so");
    // The hole as found: the registry's package sits where the lookup looks first.
    expect(readFileSync(fake, "latin1").endsWith(TAMPERED)).toBe(true);
    const pinned = JSON.parse(readFileSync(join(staged, "ffi", "native-digests.json"), "utf8")).sha256[nativeName]["libcordon.so"];
    const cli = await app.exec(["bunx", "cordon", "run", "--", "true"]);
    expect(cli.code).toBe(125);
    expect(cli.stderr).toStartWith(refusal(fake, pinned));
    expect(await probeIn(app)).toEqual({ error: "LibraryError DIGEST_MISMATCH", maps: [] });
  }, 60_000);
});

describeUnless(noHostPackage ?? noSandbox, "a checkout's own zig build", () => {
  test("without a digest file (a checkout has none) it is used unchecked, even modified: runs (0)", async () => {
    const dir = join(work, "checkout");
    copyCordon(dir, { checkout: true, build: true });
    tamper(join(dir, "zig-out", "native", tag, "libcordon.so"));
    expect(await runFrom(dir)).toMatchObject({ code: 0, stderr: "" });
  }, 60_000);

  test("a digest file present in a checkout is honoured: matching, runs (0); its zig-out library modified, 125 naming the file and both digests", async () => {
    const dir = join(work, "checkout-pinned");
    const pins = builtPins();
    copyCordon(dir, { checkout: true, build: true, pins });
    expect(await runFrom(dir)).toMatchObject({ code: 0, stderr: "" });
    const lib = join(dir, "zig-out", "native", tag, "libcordon.so");
    tamper(lib);
    const r = await runFrom(dir);
    expect(r.code).toBe(125);
    expect(r.stderr).toStartWith(
      `cordon: ${nativeName} (zig-out/native/${tag}): ${lib} does not match the digest cordon pins for it (sha256 pinned ${pins.sha256[nativeName]!["libcordon.so"]}, file ${sha256(lib)})`,
    );
  }, 60_000);
});

// How the sandbox runs the cordon-init it checked: the spawn child execs
// /proc/self/fd/N of the descriptor that was hashed, so a file renamed over
// the path after the check is never what runs as pid 1.
describeUnless(notLinux ?? linuxRequirement(existsSync(join(built, "cordon-init")) ? undefined : "cordon-init is not built"), "cordon-init by descriptor", () => {
  const root = process.getuid?.() === 0;
  for (const as of root ? ["the caller", "uid 65534 (a user switch)"] : ["the caller"]) {
    test(`the spawn child execs /proc/self/fd/N: pid 1 is the file opened as N, not the one renamed over its path since (in a fresh pid and mount namespace and /proc, as ${as})`, async () => {
      const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
      const { CLONE_NEW } = await import("../../ffi/linux-spawn.ts");
      const dir = mkdtempSync(join(work, "init-"));
      const init = join(dir, "cordon-init");
      cpSync(join(built, "cordon-init"), init);
      const fd = openSync(init, "r");
      try {
        const opened = fstatSync(fd).ino;
        tamper(init);
        const ns = root ? {} : { userNamespace: { uid: process.getuid!(), gid: process.getgid!() } };
        const user = as.startsWith("uid") ? { user: { uid: 65534, gid: 65534 } } : {};
        const p = spawnLinux(["sleep", "5"], { ...ns, ...user, cloneNamespaces: CLONE_NEW.PID | CLONE_NEW.NS, mountProc: true, init: `/proc/self/fd/${fd}` });
        const exe = { path: readlinkSync(`/proc/${p.pid}/exe`), ino: statSync(`/proc/${p.pid}/exe`).ino };
        p.kill();
        await p.exited;
        expect(exe).toEqual({ path: `${init} (deleted)`, ino: opened });
        expect(statSync(init).ino).not.toBe(opened);
      } finally {
        closeSync(fd);
      }
    });
  }
});
