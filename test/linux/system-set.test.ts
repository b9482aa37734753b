// The default system set seen from inside a sandbox, as an attacker running as
// the caller's uid (root here, in CI) would try it: TLS private keys, the
// metadata of the shared device nodes, and root-only /proc files. Each attack
// has its twin that must keep working, and the host is checked afterwards.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const isRoot = process.getuid?.() === 0;
const { spawn } = await import("../../lib/spawn.ts");

async function sh(script: string, policy: Parameters<typeof spawn>[1] = {}) {
  const p = spawn(["sh", "-c", script], policy, { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text()]);
  return { code: await p.exited, out: out.trim(), err: err.trim(), proc: p };
}

/** The first CA bundle this host has (Debian, Fedora, Alpine, Arch spellings). */
const bundle = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"].find((p) =>
  existsSync(p),
);

describeUnless(notLinux ?? (bundle ? undefined : "no CA bundle on this host"), "TLS: trust stores are readable, private keys are not", () => {
  const keyDir = "/etc/ssl/private";
  const key = `${keyDir}/cordon-test-${process.pid}.key`;
  const madeDir = !existsSync(keyDir);
  afterAll(() => {
    rmSync(key, { force: true });
    if (madeDir) rmSync(keyDir, { recursive: true, force: true });
  });

  test("a key planted in /etc/ssl/private cannot be read or listed inside; the CA bundle reads and python's ssl loads it", async () => {
    if (!isRoot) {
      // An unprivileged caller cannot plant the key; the grant list is still checked.
      const r = await sh(`ls ${keyDir} 2>&1; echo; head -c 10 ${bundle} >/dev/null && echo bundle-ok`);
      expect(r.out).toContain("bundle-ok");
      return;
    }
    mkdirSync(keyDir, { recursive: true });
    writeFileSync(key, "-----BEGIN PRIVATE KEY-----\nsecret\n", { mode: 0o600 });
    const r = await sh(
      `cat ${key} && echo key-read; ls ${keyDir} && echo listed; grep -q BEGIN ${bundle} && echo bundle-ok; ` +
        `python3 -c 'import ssl; c = ssl.create_default_context(); print("ssl-ok", c.cert_store_stats()["x509_ca"] > 0)'`,
    );
    expect(r.out).not.toContain("key-read");
    expect(r.out).not.toContain("secret");
    expect(r.out).not.toContain("listed");
    expect(r.out).toContain("bundle-ok");
    expect(r.out).toContain("ssl-ok True");
    expect(r.proc.policy.fs.read.filter((p) => /^\/etc\/(ssl|pki)(\/private)?$/.test(p))).toEqual([]);
  });
});
