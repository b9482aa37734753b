// linuxPlanHost(): the Linux host a sandbox is planned for (LinuxPlanHost),
// probed once per process: the host model's mechanisms (lib/host/linux: seccomp, landlock, namespaces
// tried for real by one native probe), cgroups, cordon-init, and this
// process's own filter state. Plain data
// (lib/plan/linux/host.ts), so a described host can stand in for it.
import { readdirSync, statSync } from "node:fs";
import { helperPath } from "../../../ffi/library.ts";
import { landlockOf, linuxHostModel, sandboxHostOf } from "../../host/linux/index.ts";
import type { LinuxPlanHost } from "../../plan/linux/host.ts";
import type { SandboxHost } from "../../plan/linux/sandbox.ts";
import { probeContainmentHost } from "./tree-kill.ts";

let sandboxCache: SandboxHost | undefined;
let hostCache: Omit<LinuxPlanHost, "rootTop"> | undefined;
let initFound: string | undefined;

/** cordon-init beside the native library, when it was built or installed (looked for until found). */
export function initPath(): string | undefined {
  if (initFound) return initFound;
  initFound = helperPath("cordon-init");
  return initFound;
}

/** The kernel's mechanisms as a sandbox sees them: the host model's (lib/host/linux, probed once per process). */
export function sandboxHost(): SandboxHost {
  if (sandboxCache) return sandboxCache;
  const model = linuxHostModel();
  const landlock = landlockOf(model);
  sandboxCache = { ...sandboxHostOf(model), ...(landlock.unavailable ? { landlockUnavailable: landlock.unavailable } : {}) };
  return sandboxCache;
}

/**
 * The whole host (probed once per process); with `root`, what a grant of
 * "/" stands for, read now: the top of "/" changes more often than the kernel.
 */
export function linuxPlanHost(root = false): LinuxPlanHost {
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

/** This process's own filter state (from the host model): only this process could change it. */
function ownFilterNotes(): string[] {
  const model = linuxHostModel();
  const notes: string[] = [];
  if (model.seccomp.filtered) notes.push("seccomp: this process already runs under a filter (nested or containerized); filters stack");
  if (model.noNewPrivs) notes.push("no_new_privs already set on this process");
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
