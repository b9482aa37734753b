// The default system set seen from inside a sandbox, as an attacker running as
// the caller's uid (root here, in CI) would try it: TLS private keys, the
// metadata of the shared device nodes, and root-only /proc files. Each attack
// has its twin that must keep working, and the host is checked afterwards.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { describeUnless, notLinux } from "../helpers/skip.ts";

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

/** Whether this process can make a file in `dir` (made if missing): root on an unconfined host. */
function canPlant(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/.cordon-probe-${process.pid}`, "");
    rmSync(`${dir}/.cordon-probe-${process.pid}`);
    return true;
  } catch {
    return false;
  }
}

describeUnless(notLinux ?? (bundle ? undefined : "no CA bundle on this host"), "TLS: trust stores are readable, private keys are not", () => {
  const keyDir = "/etc/ssl/private";
  const key = `${keyDir}/cordon-test-${process.pid}.key`;
  const madeDir = !existsSync(keyDir);
  let planted = false;
  afterAll(() => {
    if (planted) rmSync(key, { force: true });
    if (planted && madeDir) rmSync(keyDir, { recursive: true, force: true });
  });

  test("a key planted in /etc/ssl/private cannot be read or listed inside; the CA bundle reads and python's ssl loads it", async () => {
    if (!canPlant(keyDir)) {
      // An unprivileged (or sandboxed) caller cannot plant the key; the grant list is still checked.
      const r = await sh(`ls ${keyDir} 2>&1; echo; head -c 10 ${bundle} >/dev/null && echo bundle-ok`);
      expect(r.out).toContain("bundle-ok");
      return;
    }
    writeFileSync(key, "-----BEGIN PRIVATE KEY-----\nsecret\n", { mode: 0o600 });
    planted = true;
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

const devices = ["/dev/null", "/dev/zero", "/dev/full"];

describeUnless(notLinux, "device nodes of the system set: used, never changed", () => {
  const before = new Map(devices.map((d) => [d, statSync(d)]));
  /** Puts back whatever an attack changed (the nodes are the host's), and says what it was. */
  function restore(): string[] {
    const changed: string[] = [];
    for (const [d, st] of before) {
      const now = statSync(d);
      if (now.mode !== st.mode) chmodSync(d, st.mode & 0o7777), changed.push(`${d} mode`);
      if (now.uid !== st.uid || now.gid !== st.gid) chownSync(d, st.uid, st.gid), changed.push(`${d} owner`);
      if (now.mtimeMs !== st.mtimeMs) utimesSync(d, st.atime, st.mtime), changed.push(`${d} mtime`);
    }
    return changed;
  }
  afterAll(restore);

  test("chmod, chown and touch of /dev/null, /dev/zero, /dev/full fail inside (read-only binds) and the host's nodes are unchanged; writing and reading them works", async () => {
    const probe = await sh("true");
    const privateRoot = probe.proc.report.guarantees.some((g) => g.guarantee === "fs.outside-invisible" && g.status === "enforced");
    // Without a private root the attack would land on the host's nodes: there it
    // keeps their mode and owner (a harmless no-op if it succeeds) and the
    // report must say the nodes are not protected.
    const attack = devices
      .map((d) => {
        const st = before.get(d)!;
        const mode = privateRoot ? "600" : (st.mode & 0o7777).toString(8);
        const owner = privateRoot ? "1:1" : `${st.uid}:${st.gid}`;
        return `chmod ${mode} ${d} && echo chmod-ok; chown ${owner} ${d} && echo chown-ok; touch -d 2001-01-01 ${d} && echo touch-ok;`;
      })
      .join(" ");
    const r = await sh(`${attack} echo x > /dev/null && echo null-ok; head -c 3 /dev/zero | od -An -tx1; echo x 2>/dev/null > /dev/full || echo full-refused`);
    const changed = restore();
    expect(r.out).toContain("null-ok");
    expect(r.out).toContain("00 00 00");
    expect(r.out).toContain("full-refused");
    if (privateRoot) {
      expect(r.out).not.toMatch(/chmod-ok|chown-ok|touch-ok/);
      expect(r.err.match(/Read-only file system/g)?.length).toBe(9);
      expect(changed).toEqual([]);
    } else {
      // The report says the nodes are not protected here (a root command
      // changes them: here, to what they were).
      const note = r.proc.report.host?.find((n) => n.startsWith("devices:"));
      expect(note).toContain("chmod, chown or utimes");
    }
  });
});

describeUnless(notLinux, "/proc inside: the sandbox's own, without what only root may read", () => {
  /** Kernel addresses in /proc/kallsyms as an unprivileged process outside sees them (zeros where the host restricts them). */
  function outsideAddresses(): boolean {
    const argv = process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "head", "-50", "/proc/kallsyms"] : ["head", "-50", "/proc/kallsyms"];
    const out = Bun.spawnSync(argv, { stdout: "pipe", stderr: "ignore" }).stdout.toString();
    return /^0*[1-9a-f][0-9a-f]* /m.test(out);
  }

  test("root-only /proc files (slabinfo, timer_list, vmallocinfo, pagetypeinfo, kmsg) cannot be read inside and kallsyms shows no address an unprivileged user could not see; /proc/self, meminfo, cpuinfo read", async () => {
    const hidden = ["slabinfo", "timer_list", "vmallocinfo", "pagetypeinfo", "kmsg"];
    const r = await sh(
      `${hidden.map((f) => `head -c 64 /proc/${f} >/dev/null 2>&1 && echo read-${f};`).join(" ")} ` +
        `head -50 /proc/kallsyms 2>/dev/null | grep -Eq '^0*[1-9a-f][0-9a-f]* ' && echo kallsyms-addresses; ` +
        `grep -q '^Name:' /proc/self/status && echo self-ok; grep -q '^MemTotal:' /proc/meminfo && echo meminfo-ok; grep -q '^processor' /proc/cpuinfo && echo cpuinfo-ok`,
    );
    expect(r.out).not.toMatch(/read-/);
    if (!outsideAddresses()) expect(r.out).not.toContain("kallsyms-addresses");
    const ownProc = r.proc.report.guarantees.find((g) => g.guarantee === "proc.outside-hidden")!.by.includes("private procfs");
    if (ownProc) expect(r.out.split("\n")).toEqual(expect.arrayContaining(["self-ok", "meminfo-ok", "cpuinfo-ok"]));
  });

  test("bun runs inside a sandbox that can read it, with its own /proc (Bun reads /proc/self and /proc/sys/vm at start)", async () => {
    const dir = process.execPath.replace(/\/[^/]+$/, "");
    const probe = await sh("true");
    // Without a fresh /proc (no mount namespace here) what Bun gets of /proc is the nested-host rung's business.
    if (!probe.proc.report.guarantees.find((g) => g.guarantee === "proc.outside-hidden")!.by.includes("private procfs")) return;
    const r = await sh(`"${process.execPath}" -e 'console.log("bun-ok", require("os").totalmem() > 0)'`, { fs: { read: [dir] } });
    expect(r.err).toBe("");
    expect(r.out).toBe("bun-ok true");
    expect(r.code).toBe(0);
  });
});

/** Why the spine cannot mount a fresh /proc here (the sandbox's own probe), or undefined. */
async function noFreshProc(): Promise<string | undefined> {
  if (notLinux) return notLinux;
  const { sandboxHost } = await import("../../lib/backend/linux/sandbox.ts");
  const host = sandboxHost();
  return host.namespaces !== "none" && host.procfs ? undefined : "no fresh /proc can be mounted on this host (namespaces or mounts refused)";
}

describeUnless(await noFreshProc(), "mask entries of a private root", () => {
  test("a mask outside /proc is refused; one this kernel's /proc lacks is skipped; a masked file reads as permission denied", async () => {
    const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
    const { CLONE_NEW } = await import("../../ffi/linux-spawn.ts");
    const { privateRootView } = await import("../../lib/backend/linux/private-root.ts");
    const system = ["/usr", "/bin", "/lib", "/lib64", "/etc/ld.so.cache"].filter((p) => existsSync(p));
    const { sandboxHost } = await import("../../lib/backend/linux/sandbox.ts");
    const ns = sandboxHost().namespaces === "direct" ? {} : { userNamespace: { uid: process.getuid!(), gid: process.getgid!() } };
    const view = (masks: string[]) => [...privateRootView(system, [], "/", false), { kind: "mkdir" as const, path: "/proc" }, ...masks.map((path) => ({ kind: "mask" as const, path }))];
    const run = (masks: string[], script: string) =>
      spawnLinux(["/bin/sh", "-c", script], {
        ...ns,
        cloneNamespaces: CLONE_NEW.NS | CLONE_NEW.PID,
        mountProc: true,
        privateRoot: view(masks),
        searchPath: false,
        dropCapabilities: true,
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
    expect(() => run(["/etc/passwd"], "true")).toThrow("EINVAL");
    const p = run(["/proc/uptime", "/proc/no-such-cordon-entry"], "cat /proc/uptime 2>&1; grep -q . /proc/loadavg && echo loadavg-ok; echo left=$(ls -a / | grep -c cordon-mask)");
    const out = await new Response(p.stdout as ReadableStream).text();
    expect(await p.exited).toBe(0);
    expect(out).toContain("Permission denied");
    expect(out).toContain("loadavg-ok");
    expect(out).toContain("left=0");
  });
});
