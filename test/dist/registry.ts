// A minimal npm registry on localhost serving local tarballs, so an install
// test resolves `cordon` and its optional native packages exactly as from
// npmjs.org (packuments with os/cpu, tarball URLs, integrity) without any
// network. Every request is logged so a test can see what was fetched (and
// with which credentials).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";

/** `auth[i]`: the Authorization header of `requests[i]`, or null. */
export type Registry = { url: string; requests: string[]; auth: (string | null)[]; stop(): void };

type Manifest = { name: string; version: string; [field: string]: unknown };

/** Reads package/package.json out of a tarball. */
export function tarballManifest(tarball: string): Manifest {
  const r = Bun.spawnSync(["tar", "-xzOf", tarball, "package/package.json"], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`tar ${tarball}: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as Manifest;
}

/** Entries of a tarball, without the leading `package/`. */
export function tarballEntries(tarball: string): { path: string; bytes: number }[] {
  const r = Bun.spawnSync(["tar", "-tvzf", tarball], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`tar ${tarball}: ${r.stderr.toString()}`);
  return r.stdout
    .toString()
    .trim()
    .split("\n")
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      // perms owner/group size date time path
      return { path: cols.slice(5).join(" ").replace(/^package\//, ""), bytes: Number(cols[2]) };
    });
}

/** Serves one version of each tarball's package; returns the registry URL. */
export function serveRegistry(tarballs: string[]): Registry {
  const packages = new Map<string, { manifest: Manifest; file: string; bytes: Uint8Array }>();
  for (const file of tarballs) {
    const manifest = tarballManifest(file);
    packages.set(manifest.name, { manifest, file: basename(file), bytes: readFileSync(file) });
  }
  const requests: string[] = [];
  const auth: (string | null)[] = [];
  let origin = "";
  const server: Bun.Server<undefined> = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req): Response {
      const path = decodeURIComponent(new URL(req.url).pathname);
      requests.push(path);
      auth.push(req.headers.get("authorization"));
      const tarball = /^\/-\/tarballs\/(.+)$/.exec(path);
      if (tarball) {
        const pkg = [...packages.values()].find((p) => p.file === tarball[1]);
        return pkg ? new Response(pkg.bytes, { headers: { "content-type": "application/octet-stream" } }) : new Response("not found", { status: 404 });
      }
      const pkg = packages.get(path.slice(1));
      if (!pkg) return Response.json({ error: "not found" }, { status: 404 });
      const { manifest, file, bytes } = pkg;
      const version = {
        ...manifest,
        dist: {
          tarball: `${origin}/-/tarballs/${file}`,
          integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
          shasum: createHash("sha1").update(bytes).digest("hex"),
        },
      };
      return Response.json({ name: manifest.name, "dist-tags": { latest: manifest.version }, versions: { [manifest.version]: version } });
    },
  });
  origin = server.url.origin;
  return { url: origin + "/", requests, auth, stop: () => server.stop(true) };
}
