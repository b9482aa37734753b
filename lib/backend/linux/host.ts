// The Linux host a sandbox is planned for, probed once per process: the
// kernel's mechanisms (seccomp, landlock, namespaces tried for real),
// cgroups, cordon-init, and this process's own filter state. Plain data
// (lib/plan/linux/host.ts), so a described host can stand in for it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { helperPath } from "../../../ffi/library.ts";
import { CLONE_NEW } from "../../../ffi/linux-spawn.ts";
import { OsError } from "../../../ffi/errors.ts";
import type { LinuxHost } from "../../plan/linux/host.ts";
import type { SandboxHost } from "../../plan/linux/sandbox.ts";
import { landlockFeatures } from "./landlock.ts";
import { spawnLinux } from "./spawn.ts";
import { probeContainmentHost } from "./tree-kill.ts";

let sandboxCache: SandboxHost | undefined;
let hostCache: Omit<LinuxHost, "rootTop"> | undefined;
let initFound: string | undefined;

/** cordon-init beside the native library, when it was built or installed (looked for until found). */
export function initPath(): string | undefined {
  if (initFound) return initFound;
  initFound = helperPath("cordon-init");
  return initFound;
}

/** The kernel's mechanisms as a sandbox sees them (probed once per process). */
export function sandboxHost(): SandboxHost {
  if (sandboxCache) return sandboxCache;
  let actions = "";
  try {
    actions = readFileSync("/proc/sys/kernel/seccomp/actions_avail", "utf8");
  } catch {
    // no seccomp filter support in this kernel
  }
  const arch = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : undefined;
  const landlock = landlockFeatures();
  sandboxCache = {
    arch,
    seccomp: /\berrno\b/.test(actions),
    landlockAbi: landlock.abi,
    ...(landlock.unavailable ? { landlockUnavailable: landlock.unavailable } : {}),
    capabilities: holdsCapabilities(),
    ...probeNamespaces(),
  };
  return sandboxCache;
}

/**
 * The whole host (probed once per process); with `root`, what a grant of
 * "/" stands for, read now: the top of "/" changes more often than the kernel.
 */
export function probedLinuxHost(root = false): LinuxHost {
  if (!hostCache) {
    const sandbox = sandboxHost();
    const init = initPath();
    hostCache = {
      sandbox,
      containment: probeContainmentHost(),
      ...(init ? { init } : {}),
      ids: { uid: process.getuid!(), gid: process.getgid!() },
      notes: ownFilterNotes(),
    };
  }
  // cordon-init may be built after the first probe (looked for until found).
  const init = hostCache.init ?? initPath();
  return { ...hostCache, ...(init ? { init } : {}), ...(root ? { rootTop: rootTop() } : {}) };
}

/** CapPrm of this process is not empty (read, not assumed from the uid: a container's root may hold few, a non-root caller some). */
function holdsCapabilities(): boolean {
  try {
    return !/^CapPrm:\s*0+$/m.test(readFileSync("/proc/self/status", "utf8"));
  } catch {
    return process.geteuid?.() === 0; // no /proc to read: the uid decides
  }
}

/** This process's own filter state: only this process could change it, so it is read with the host. */
function ownFilterNotes(): string[] {
  const notes: string[] = [];
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    if (/^Seccomp:\s*2/m.test(status)) notes.push("seccomp: this process already runs under a filter (nested or containerized); filters stack");
    if (/^NoNewPrivs:\s*1/m.test(status)) notes.push("no_new_privs already set on this process");
  } catch {
    // no /proc: nothing to add
  }
  return notes;
}

/**
 * The entries at the top of "/" a grant of "/" stands for, but /proc: what a
 * grant can name, a directory or a file, through a symlink or not (a
 * dangling link, such as an old kernel image's, grants nothing).
 */
export function rootTop(): string[] {
  let top: string[] = [];
  try {
    top = readdirSync("/").filter((n) => n !== "proc").map((n) => `/${n}`);
  } catch {
    // an unreadable root grants nothing beneath it
  }
  return top.filter((p) => {
    try {
      const st = statSync(p);
      return st.isDirectory() || st.isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Tries the namespaces the sandbox wants: a spawn of a path that does not
 * exist gets as far as execve only if every earlier step — clone with those
 * flags, the /proc mount — worked. With a fresh /proc first, then without
 * (a sandbox nested in cordon may not mount); directly, then inside a user
 * namespace; each with a network namespace first, then without (a profile
 * may refuse only that one). A few failed spawns, once per process.
 */
function probeNamespaces(): Pick<SandboxHost, "namespaces" | "procfs" | "netns"> {
  const reachesExec = (userNamespace: boolean, mountProc: boolean, net: boolean): boolean => {
    try {
      // A path nobody can create: the probe can only ever fail at execve.
      spawnLinux(["/proc/self/fd/-1/cordon-namespace-probe"], {
        searchPath: false,
        stdin: "ignore",
        stdout: "ignore",
        stderr: "ignore",
        cloneNamespaces: CLONE_NEW.PID | CLONE_NEW.IPC | (mountProc ? CLONE_NEW.NS : 0) | (net ? CLONE_NEW.NET : 0),
        mountProc,
        ...(mountProc ? { privateRoot: [{ kind: "mkdir", path: "/proc" }] } : {}),
        ...(userNamespace ? { userNamespace: { uid: process.getuid!(), gid: process.getgid!() } } : {}),
      });
    } catch (e) {
      return e instanceof OsError && e.op === "execve" && e.errorName === "ENOENT";
    }
    return false;
  };
  for (const procfs of [true, false]) {
    for (const namespaces of ["direct", "user"] as const) {
      for (const netns of [true, false]) if (reachesExec(namespaces === "user", procfs, netns)) return { namespaces, procfs, netns };
    }
  }
  return { namespaces: "none", procfs: false, netns: false };
}
