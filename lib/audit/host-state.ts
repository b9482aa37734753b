// The supervisor's half of the host-state rows (probes/host-state.py): what
// the probe is told about the host before it starts (the system device nodes,
// key files the caller itself can read, the root-only /proc files present,
// the host's network namespace), the answers to its questions mid-run (the
// set-id files as the host sees them, an inbound connection), and after exit
// the device nodes compared with their state before, restored if changed.
import { accessSync, chmodSync, chownSync, constants, lstatSync, readdirSync, readlinkSync, rmSync, statSync, utimesSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { systemPaths } from "../policy/system-paths.ts";
import type { Found } from "./canaries.ts";
import { hasFcapsProgram } from "./probe-source.ts";
import type { InsideResult } from "./verdict.ts";

export type KeyGroup = { readonly dirs: string[]; readonly files: string[] };

export type HostFacts = {
  readonly devices: string[];
  readonly keys: { readonly tls: KeyGroup; readonly sshHost: KeyGroup; readonly sshUser: KeyGroup };
  readonly rootOnlyProc: string[];
  readonly hostNetns?: string;
};

function can(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

/** Directories the caller can list, and the regular files in them it can read: the sandbox can do no more. */
function keyGroup(dirs: string[], files: string[] = []): KeyGroup {
  const listable = dirs.filter((d) => can(d, constants.R_OK | constants.X_OK));
  const inside = listable.flatMap((d) => entries(d).map((e) => join(d, e)));
  return { dirs: listable, files: [...inside, ...files].filter((f) => isFile(f) && can(f, constants.R_OK)) };
}

export function hostFacts(home: string | undefined): HostFacts {
  const sys = systemPaths("linux");
  const pki = entries("/etc/pki").map((e) => join("/etc/pki", e, "private"));
  const hostKeys = entries("/etc/ssh").filter((e) => /^ssh_host_.*_key$/.test(e)).map((e) => join("/etc/ssh", e));
  let hostNetns: string | undefined;
  try {
    hostNetns = readlinkSync("/proc/self/ns/net");
  } catch {
    // unknown: the netlink rows then cannot tell a private namespace apart
  }
  return {
    devices: [...sys.read, ...sys.write].filter((p) => p.startsWith("/dev/") && can(p, constants.F_OK)),
    keys: { tls: keyGroup(["/etc/ssl/private", ...pki]), sshHost: keyGroup([], hostKeys), sshUser: keyGroup(home ? [join(home, ".ssh")] : []) },
    rootOnlyProc: ["slabinfo", "timer_list", "vmallocinfo", "pagetypeinfo"].map((n) => `/proc/${n}`).filter((p) => can(p, constants.F_OK)),
    ...(hostNetns ? { hostNetns } : {}),
  };
}

// ---- device nodes ----------------------------------------------------------------

type NodeState = { mode: number; uid: number; gid: number; atimeMs: number; mtimeMs: number; mtimeNs: bigint; id: string };

export type DeviceSnapshot = ReadonlyMap<string, NodeState>;

export function snapshotDevices(paths: readonly string[]): DeviceSnapshot {
  const snap = new Map<string, NodeState>();
  for (const p of paths) {
    try {
      const st = statSync(p, { bigint: true });
      snap.set(p, { mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid), atimeMs: Number(st.atimeMs), mtimeMs: Number(st.mtimeMs), mtimeNs: st.mtimeNs, id: `${st.dev}:${st.ino}` });
    } catch {
      // gone meanwhile: nothing to compare
    }
  }
  return snap;
}

/** How many nodes the probe changed were the host's own inodes (not a private copy). */
export function hostNodesReached(snap: DeviceSnapshot, inside: InsideResult | undefined): number {
  const hits = (inside?.ok ? inside.data?.hits : undefined) as Record<string, string> | undefined;
  return Object.entries(hits ?? {}).filter(([p, id]) => snap.get(p)?.id === id).length;
}

/** Nodes whose mode, owner or mtime differ from the snapshot, each put back. */
export function restoreDevices(snap: DeviceSnapshot): Found[] {
  const found: Found[] = [];
  for (const [p, was] of snap) {
    const now = snapshotDevices([p]).get(p);
    if (!now || now.id !== was.id) continue;
    const changed = [
      now.mode !== was.mode && `mode ${now.mode.toString(8)} (was ${was.mode.toString(8)})`,
      (now.uid !== was.uid || now.gid !== was.gid) && `owner ${now.uid}:${now.gid} (was ${was.uid}:${was.gid})`,
      now.mtimeNs !== was.mtimeNs && "mtime",
    ].filter(Boolean);
    if (changed.length === 0) continue;
    let removed = true;
    try {
      chownSync(p, was.uid, was.gid);
      chmodSync(p, was.mode);
      utimesSync(p, was.atimeMs / 1000, was.mtimeMs / 1000);
    } catch {
      removed = false;
    }
    found.push({ kind: "device", name: `${p}: ${changed.join(", ")}${removed ? ", restored" : ", NOT restored"}`, removed });
  }
  return found;
}

// ---- answers to the probe's questions ----------------------------------------------------

/** Mode bit each set-id row must leave on the host's file to count. */
const SETID_BIT: Record<string, number> = { "fs.setid.chmod-suid": 0o4000, "fs.setid.chmod-sgid": 0o2000, "fs.setid.create-suid": 0o4000 };

/**
 * The set-id files as the host sees them in `dir` (the write grant, or the
 * private TMPDIR): 1 per row whose bit (or capability attribute) is there.
 * Only nonce-named files are looked at; each is removed afterwards.
 */
export function checkSetid(dir: string, nonce: string, files: Record<string, unknown>, hasFcaps: (path: string) => boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [id, name] of Object.entries(files)) {
    if (typeof name !== "string" || !new RegExp(`^cordon-audit-${nonce}-[a-z]+$`).test(name)) continue;
    const path = join(dir, name);
    let st;
    try {
      st = lstatSync(path);
    } catch {
      counts.set(id, 0);
      continue;
    }
    const there = st.isFile() && (id === "fs.setid.fcaps" ? hasFcaps(path) : (st.mode & (SETID_BIT[id] ?? 0)) !== 0);
    counts.set(id, there ? 1 : 0);
    rmSync(path, { force: true });
  }
  return counts;
}

/** Whether security.capability is on a file, asked of python3 (probes/has-fcaps.py: Bun has no xattr API). */
export function fcapsWith(python: string): (path: string) => boolean {
  const program = hasFcapsProgram();
  return (path) => Bun.spawnSync([python, "-I", "-c", program, path], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
}

/** Connect to 127.0.0.1:port from outside and send the nonce. */
export function connectFromOutside(port: number, nonce: string): Promise<{ connected: boolean; error?: string }> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: "127.0.0.1", port });
    const done = (r: { connected: boolean; error?: string }) => {
      sock.destroy();
      resolve(r);
    };
    sock.setTimeout(1000, () => done({ connected: false, error: "ETIMEDOUT" }));
    sock.on("connect", () => sock.end(nonce, () => done({ connected: true })));
    sock.on("error", (e: NodeJS.ErrnoException) => done({ connected: false, error: e.code ?? String(e) }));
  });
}
