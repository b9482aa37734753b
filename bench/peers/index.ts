// The peers a Bun user would pick instead of cordon, found on this machine:
// bubblewrap and firejail from the distribution, sandbox-runtime (srt) from
// npm in bench/.peers (scripts/bench.sh installs them). Each peer is tried
// once before it is measured; one that is missing or fails is reported as
// "not run: <reason>", never dropped.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SRT_VERSION = "0.0.83";
export const srtDir = join(import.meta.dir, "..", ".peers", "node_modules", "@anthropic-ai", "sandbox-runtime");

export type Peer = { readonly name: string; readonly argv: readonly string[] } | { readonly name: string; readonly notRun: string };

export function which(cmd: string): string | undefined {
  return Bun.which(cmd) ?? undefined;
}

function version(argv: string[], line = /./): string {
  try {
    const r = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
    return (r.stdout.toString() + r.stderr.toString()).trim().split("\n").find((l) => line.test(l)) ?? "";
  } catch {
    return "";
  }
}

/** Runs `argv` once; undefined when it exits 0, else why not. */
function tryOnce(argv: readonly string[], env?: Record<string, string | undefined>): string | undefined {
  try {
    const r = Bun.spawnSync([...argv], { stdout: "pipe", stderr: "pipe", ...(env ? { env } : {}) });
    if (r.exitCode === 0) return undefined;
    const err = r.stderr.toString().trim().split("\n").slice(-1)[0] ?? "";
    return `exit ${r.exitCode ?? r.signalCode}: ${err.slice(0, 120)}`;
  } catch (e) {
    return (e as Error).message;
  }
}

function peer(name: string, need: string, argv: readonly string[]): Peer {
  if (!which(need)) return { name, notRun: `${need} not found (scripts/bench.sh installs it with apt-get)` };
  const failed = tryOnce(argv);
  return failed ? { name, notRun: `${need} fails here: ${failed}` } : { name, argv };
}

const TRUE = "/bin/true";

/** Command-line peers wrapped around /bin/true. */
export function commandPeers(): Peer[] {
  return [
    peer("bwrap (--ro-bind / / --dev /dev --proc /proc --unshare-all --die-with-parent)", "bwrap", ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all", "--die-with-parent", TRUE]),
    peer("bwrap (minimal binds: /usr + symlinks, --unshare-all)", "bwrap", [
      "bwrap",
      "--ro-bind", "/usr", "/usr",
      "--symlink", "usr/lib", "/lib",
      "--symlink", "usr/lib64", "/lib64",
      "--symlink", "usr/bin", "/bin",
      "--unshare-all", "--die-with-parent",
      TRUE,
    ]),
    peer("firejail --noprofile", "firejail", ["firejail", "--quiet", "--noprofile", TRUE]),
    peer("firejail --noprofile --net=none", "firejail", ["firejail", "--quiet", "--noprofile", "--net=none", TRUE]),
  ];
}

/** srt's settings: no allowed domains (its proxies listen on loopback only), writes to a scratch dir only. */
export function srtSettings(): { config: SrtConfig; file: string; scratch: string } {
  const scratch = mkdtempSync(join(tmpdir(), "cordon-bench-srt-"));
  const config: SrtConfig = {
    network: { allowedDomains: [], deniedDomains: [] },
    filesystem: { denyRead: [], allowWrite: [scratch], denyWrite: [] },
  };
  const file = join(scratch, "srt-settings.json");
  writeFileSync(file, JSON.stringify(config));
  return { config, file, scratch };
}

export type SrtConfig = {
  network: { allowedDomains: string[]; deniedDomains: string[] };
  filesystem: { denyRead: string[]; allowWrite: string[]; denyWrite: string[] };
};

/** Why srt cannot run here, or undefined when it is installed with what it needs. */
export function srtMissing(): string | undefined {
  if (!existsSync(join(srtDir, "dist", "cli.js"))) return `@anthropic-ai/sandbox-runtime@${SRT_VERSION} not installed in bench/.peers (scripts/bench.sh installs it)`;
  for (const need of ["bwrap", "socat", "rg"]) if (!which(need)) return `srt needs ${need}, not found`;
  return undefined;
}

/** The srt CLI as a user runs it: node (the package's declared runtime) on dist/cli.js. */
export function srtCli(settingsFile: string): Peer {
  const name = "srt CLI (node dist/cli.js --settings … /bin/true)";
  const missing = srtMissing();
  if (missing) return { name, notRun: missing };
  if (!which("node")) return { name, notRun: "node not found" };
  const argv = ["node", join(srtDir, "dist", "cli.js"), "--settings", settingsFile, TRUE];
  const failed = tryOnce(argv);
  return failed ? { name, notRun: `srt CLI fails here: ${failed}` } : { name, argv };
}

/** The srt library's manager (loaded from bench/.peers; untyped on purpose: it is not a dependency). */
export type SrtManager = {
  initialize(config: SrtConfig): Promise<void>;
  wrapWithSandboxArgv(command: string, binShell?: string, customConfig?: unknown, abortSignal?: unknown, cwd?: string): Promise<{ argv: string[]; env: Record<string, string | undefined> }>;
  reset(): Promise<void>;
};

export async function loadSrt(): Promise<SrtManager> {
  const mod = (await import(join(srtDir, "dist", "index.js"))) as { SandboxManager: SrtManager };
  return mod.SandboxManager;
}

export function peerVersions(): Record<string, string> {
  const v: Record<string, string> = {};
  if (which("bwrap")) v.bubblewrap = version(["bwrap", "--version"]);
  if (which("firejail")) v.firejail = version(["firejail", "--version"]);
  if (which("socat")) v.socat = version(["socat", "-V"], /socat version/).replace(/ on .*/, "");
  if (which("rg")) v.ripgrep = version(["rg", "--version"]);
  if (which("node")) v.node = version(["node", "--version"]);
  if (existsSync(join(srtDir, "package.json"))) v["sandbox-runtime"] = (require(join(srtDir, "package.json")) as { version: string }).version;
  return v;
}
