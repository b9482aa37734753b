// The README's install section, followed as written: nothing is published, so
// `bun add cordon` answers 404; the tarballs come from
// `bun scripts/package-natives.ts --pack` (dist/npm/tarballs/ by default) and
// are added with `bun add --offline`. A registry on localhost stands in for
// npmjs.org and records every request; none may reach it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { platformTag } from "../../ffi/library.ts";
import pkg from "../../package.json";
import { buildTargets, nativePackageName } from "../../scripts/package-natives.ts";
import { noSandbox } from "../cli/helpers.ts";
import { describeUnless } from "../helpers/skip.ts";
import { Project } from "./project.ts";
import { serveRegistry, type Registry } from "./registry.ts";

const root = join(import.meta.dir, "..", "..");
const tag = platformTag();
const nativeName = nativePackageName(tag);
const noHostPackage = buildTargets().includes(tag) ? undefined : `no native package is built for ${tag}`;
const mainFile = `cordon-${pkg.version}.tgz`;
const nativeFile = `cordon-native-${tag}-${pkg.version}.tgz`;

let work: string;
let tarballs: string;
let registry: Registry;
let n = 0;

/** A fresh project whose registry is the recording one. */
function project(): Project {
  return new Project(join(work, `app-${++n}`), registry.url);
}

/** Prints the library cordon opened for a sandboxed `true`, from the project. */
const whichLibrary = `
import { run } from "cordon";
import { openedLibraryPath } from "cordon/raw";
const r = await run(["true"], {});
console.log(JSON.stringify({ status: r.status, library: openedLibraryPath() }));
`;

beforeAll(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), "cordon-install-")));
  // As the README says, with the output moved out of the checkout.
  const p = Bun.spawn([process.execPath, join(root, "scripts", "package-natives.ts"), "--pack", "--out", join(work, "dist", "npm")], { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`package-natives --pack failed:\n${out}${err}`);
  tarballs = join(work, "dist", "npm", "tarballs");
  registry = serveRegistry([]);
}, 120_000);

afterAll(() => {
  registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("installing cordon today (README: Install)", () => {
  test("the README names the tarballs where package-natives --pack writes them", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const phrases = ["bun scripts/package-natives.ts --build --pack", `dist/npm/tarballs/${mainFile}`, `dist/npm/tarballs/cordon-native-linux-x64-${pkg.version}.tgz`, "bun add --offline"];
    expect(phrases.filter((p) => !readme.includes(p))).toEqual([]);
    for (const file of [mainFile, ...buildTargets().map((t) => `cordon-native-${t}-${pkg.version}.tgz`)]) expect(existsSync(join(tarballs, file))).toBe(true);
  });

  test("bun add cordon: the registry answers 404 (nothing is published) and nothing is installed", async () => {
    const app = project();
    const r = await app.bun("add", "cordon");
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("404");
    expect(existsSync(join(app.dir, "node_modules", "cordon"))).toBe(false);
  });

  describeUnless(noHostPackage ?? noSandbox, "from the tarballs", () => {
    test(`bun add --offline ${mainFile} alone: installed without a request, but cordon run exits 125 naming ${nativeName}; adding ${nativeFile} by hand makes it run`, async () => {
      const app = project();
      const before = registry.requests.length;
      const add = await app.bun("add", "--offline", join(tarballs, mainFile));
      expect({ code: add.code, stderr: add.stderr }).toMatchObject({ code: 0 });
      const refused = await app.exec(["bunx", "cordon", "run", "--", "true"]);
      expect(refused.code).toBe(125);
      expect(refused.stderr).toContain(`the package ${nativeName} is not installed`);
      const native = await app.bun("add", "--offline", join(tarballs, nativeFile));
      expect(native.code).toBe(0);
      const works = await app.exec(["bunx", "cordon", "run", "--", "echo", "hi"]);
      expect({ code: works.code, stdout: works.stdout, stderr: works.stderr }).toEqual({ code: 0, stdout: "hi\n", stderr: "" });
      expect(registry.requests.slice(before)).toEqual([]);
    }, 60_000);

    test("bun add --offline of both tarballs at once: no request; cordon runs with the library of node_modules/@cordon/native-<platform>", async () => {
      const app = project();
      const before = registry.requests.length;
      const add = await app.bun("add", "--offline", join(tarballs, mainFile), join(tarballs, nativeFile));
      expect(add.code).toBe(0);
      const cli = await app.exec(["bunx", "cordon", "run", "--", "echo", "hi"]);
      expect({ code: cli.code, stdout: cli.stdout, stderr: cli.stderr }).toEqual({ code: 0, stdout: "hi\n", stderr: "" });
      writeFileSync(join(app.dir, "which.ts"), whichLibrary);
      const api = await app.bun("which.ts");
      expect(api.stderr).toBe("");
      const { status, library } = JSON.parse(api.stdout) as { status: number; library: string };
      expect(status).toBe(0);
      expect(realpathSync(library)).toBe(realpathSync(join(app.dir, "node_modules", ...nativeName.split("/"), "libcordon.so")));
      expect(library.startsWith(root + sep)).toBe(false);
      // Later installs keep the lockfile's resolution: still no request.
      const again = await app.bun("install");
      expect(again.code).toBe(0);
      expect(registry.requests.slice(before)).toEqual([]);
    }, 60_000);

    test("without --offline, bun add of the same tarballs asks the registry for every native package cordon lists (why the README says --offline)", async () => {
      const app = project();
      const before = registry.requests.length;
      const add = await app.bun("add", join(tarballs, mainFile), join(tarballs, nativeFile));
      expect(add.code).toBe(0);
      const asked = registry.requests.slice(before).sort();
      expect(asked).toEqual(Object.keys(pkg.optionalDependencies).map((name) => `/${name}`).sort());
    }, 60_000);
  });
});
