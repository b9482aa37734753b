// Which files of the sandbox's fresh /proc are hidden from the command. The
// command may run as uid 0 (capabilities dropped): procfs files of mode 0400
// check only the owner, so without this it would read what no unprivileged
// user on the host can (slab and vmalloc layouts, timers, page tables).
//
// The rule: every entry at the top of /proc that "others" may not read, as
// this host's /proc shows it, plus the known root-only and host-wide ones
// (named even where this host's /proc hides them, or the kernel has them not:
// entries the fresh /proc lacks are skipped). Everything else stays: /proc/self
// and the pid directories, meminfo, cpuinfo, stat, loadavg, uptime, version,
// filesystems, mounts, /proc/sys (landlock grants /proc read-only).
import { lstatSync, readdirSync } from "node:fs";

/** Root-only (0400/0200) on current kernels, or host-wide on older ones (sched_debug, timer_stats). */
const KNOWN = [
  "kcore",
  "kmsg",
  "kpagecgroup",
  "kpagecount",
  "kpageflags",
  "pagetypeinfo",
  "sched_debug",
  "slabinfo",
  "sysrq-trigger",
  "timer_list",
  "timer_stats",
  "vmallocinfo",
  "vmcore",
];

let masks: readonly string[] | undefined;

/** Absolute paths beneath /proc to hide (worked out once per process). */
export function procMasks(): readonly string[] {
  if (masks) return masks;
  const found = new Set(KNOWN);
  let names: string[] = [];
  try {
    names = readdirSync("/proc");
  } catch {
    // no /proc here: the known list alone
  }
  for (const name of names) {
    if (/^\d+$/.test(name)) continue; // a process, not the kernel's
    try {
      const st = lstatSync(`/proc/${name}`);
      if (!st.isSymbolicLink() && (st.mode & 0o004) === 0) found.add(name);
    } catch {
      // gone (a process that exited), or hidden from this process
    }
  }
  masks = Object.freeze([...found].sort().map((n) => `/proc/${n}`));
  return masks;
}
