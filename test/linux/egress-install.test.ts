// The job issue 17 describes: `bun install` of a small package from a local
// registry on a granted test host succeeds, and a second registry on a host
// not granted is unreachable (its name gets NXDOMAIN, nothing reaches it).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describeUnless, linuxRequirement } from "../helpers/skip.ts";
import { internetUnavailable, startInternet, type Internet } from "../helpers/test-internet.ts";

const { spawn } = await import("../../lib/spawn.ts");

const unavailable = linuxRequirement(internetUnavailable() ?? (Bun.which("tar") ? undefined : "tar(1) not installed"));
const PKG = "cordon-egress-pkg";

describeUnless(unavailable, "bun install through host grants", () => {
  let inet: Internet;
  let dir: string;
  beforeAll(async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), "cordon-egress-install-")));
    const src = join(dir, "src", "package");
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "package.json"), JSON.stringify({ name: PKG, version: "1.0.0", main: "index.js" }));
    writeFileSync(join(src, "index.js"), 'module.exports = "from the local registry";\n');
    const tgz = join(dir, `${PKG}-1.0.0.tgz`);
    const tar = Bun.spawnSync(["tar", "czf", tgz, "-C", dirname(src), "package"]);
    if (tar.exitCode !== 0) throw new Error(tar.stderr.toString());
    const bytes = readFileSync(tgz);
    const meta = (host: string) => ({
      name: PKG,
      "dist-tags": { latest: "1.0.0" },
      versions: {
        "1.0.0": {
          name: PKG,
          version: "1.0.0",
          dist: {
            tarball: `http://${host}/${PKG}/-/${PKG}-1.0.0.tgz`,
            integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
            shasum: createHash("sha1").update(bytes).digest("hex"),
          },
        },
      },
    });
    writeFileSync(join(dir, "meta.json"), JSON.stringify(meta("registry.test")));
    inet = await startInternet({ "registry.test": { a: ["GRANTED"] }, "denied.test": { a: ["OTHER"] } }, { [`/${PKG}`]: join(dir, "meta.json"), [`/${PKG}/-/${PKG}-1.0.0.tgz`]: tgz });
  });
  afterAll(async () => {
    await inet?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function install(registry: string) {
    const project = mkdtempSync(join(dir, "project-"));
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", version: "0.0.0", dependencies: { [PKG]: "1.0.0" } }));
    writeFileSync(join(project, "bunfig.toml"), `[install]\nregistry = "${registry}"\n`);
    const before = inet.events().length;
    const p = spawn([process.execPath, "install", "--no-save"], {
      cwd: project,
      fs: { read: [process.execPath], write: [project] },
      net: { hosts: ["registry.test:80"], resolver: inet.ip.dns },
    }, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text(), p.exited]);
    await Bun.sleep(50);
    return { code, out, err, project, seen: inet.events().slice(before), report: p.report };
  }

  test("a package from the registry on a granted host installs; one on a host not granted is unreachable and nothing reaches that host", async () => {
    const ok = await install("http://registry.test/");
    expect({ code: ok.code, err: ok.err }).toMatchObject({ code: 0 });
    expect(readFileSync(join(ok.project, "node_modules", PKG, "index.js"), "utf8")).toContain("from the local registry");
    expect(ok.seen.some((e) => e.path === `/${PKG}/-/${PKG}-1.0.0.tgz` && e.http === inet.ip.granted)).toBe(true);

    const denied = await install("http://denied.test/");
    expect(denied.code).not.toBe(0);
    expect(denied.seen.filter((e) => e.http === inet.ip.other || e.dns === "denied.test")).toEqual([]);
    expect(denied.report.network?.destinations.some((d) => d.host === "denied.test" && !d.allowed)).toBe(true);
  }, 60_000);
});
