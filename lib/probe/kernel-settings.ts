// Host settings that decide how far a Linux sandbox can be trusted: each with
// what it means for a sandbox and what cordon does about it. Read-only: the
// values come from /proc/sys and /sys/kernel/security; nothing is changed.
// The judgement is pure (assessSetting), the reading is one function.
import { readFileSync } from "node:fs";

/** hardened: the recommended value; weak: a value that leaves something open; info: no value is better; absent: not in this kernel or unreadable. */
export type SettingStatus = "hardened" | "weak" | "info" | "absent";

export type HostSetting = {
  readonly setting: string;
  /** Where the value is read. */
  readonly source: string;
  /** The value as read, or null when absent. */
  readonly value: string | null;
  readonly recommended: string;
  readonly status: SettingStatus;
  /** What the setting means for a sandbox on this host. */
  readonly meaning: string;
  /** What cordon does about it, whatever the value. */
  readonly cordon: string;
};

type Def = {
  readonly setting: string;
  readonly source: string;
  readonly recommended: string;
  /** Whether a present value is the hardened one; without it the setting is informational. */
  readonly good?: (value: string) => boolean;
  readonly meaning: string;
  readonly cordon: string;
  /** What an absent file means (default: the kernel lacks the feature). */
  readonly absent?: string;
};

const num = (v: string) => Number(v.trim().split(/\s+/)[0]);
const atLeast = (n: number) => (v: string) => num(v) >= n;
const exactly = (n: number) => (v: string) => num(v) === n;
const sys = (name: string) => `/proc/sys/${name.replaceAll(".", "/")}`;

export const settingDefs: readonly Def[] = [
  {
    setting: "lockdown",
    source: "/sys/kernel/security/lockdown",
    recommended: "integrity or confidentiality",
    good: (v) => /\[(integrity|confidentiality)\]/.test(v),
    meaning: "without lockdown, root can read and patch kernel memory (/dev/mem, kcore, unsigned modules, kexec); a root sandbox escape then owns the kernel",
    cordon: "never grants /dev/mem, /dev/kmem or /proc/kcore; seccomp denies bpf, perf_event_open, kexec_load and module loading",
    absent: "securityfs not mounted or lockdown LSM not built: the mode cannot be read",
  },
  {
    setting: "kernel.unprivileged_bpf_disabled",
    source: sys("kernel.unprivileged_bpf_disabled"),
    recommended: "1 or 2",
    good: atLeast(1),
    meaning: "0 lets any user load BPF programs: a large verifier attack surface",
    cordon: "seccomp denies bpf() in every sandbox (audit row kern.bpf)",
  },
  {
    setting: "kernel.io_uring_disabled",
    source: sys("kernel.io_uring_disabled"),
    recommended: "2 (or 1 with io_uring_group)",
    good: atLeast(1),
    meaning: "io_uring operations (socket, connect, openat) are not system calls, so syscall filters do not see them",
    cordon: "seccomp denies io_uring_setup/enter/register with ENOSYS (audit row kern.io_uring)",
  },
  {
    setting: "dev.tty.legacy_tiocsti",
    source: sys("dev.tty.legacy_tiocsti"),
    recommended: "0",
    good: exactly(0),
    meaning: "1 lets a process push keystrokes into its controlling terminal: commands typed for the caller's shell after the sandbox exits",
    cordon: "setsid leaves the sandbox without a controlling terminal and seccomp denies TIOCSTI and TIOCLINUX (audit row tty.tiocsti)",
    absent: "kernel before 6.2: TIOCSTI always works on a controlling terminal",
  },
  {
    setting: "dev.tty.ldisc_autoload",
    source: sys("dev.tty.ldisc_autoload"),
    recommended: "0",
    good: exactly(0),
    meaning: "1 lets any user load a line-discipline module by setting it on a terminal (a recurring source of kernel bugs)",
    cordon: "grants no terminal devices by default; no seccomp rule for TIOCSETD",
  },
  {
    setting: "kernel.kptr_restrict",
    source: sys("kernel.kptr_restrict"),
    recommended: "2",
    good: atLeast(1),
    meaning: "0 shows kernel addresses in /proc/kallsyms and friends, which defeats KASLR for an exploit",
    cordon: "the private /proc is readable inside, but capabilities are dropped (no CAP_SYSLOG): addresses show there only when this is 0 and kernel.perf_event_paranoid is 1 or less (audit row kern.kallsyms)",
  },
  {
    setting: "kernel.dmesg_restrict",
    source: sys("kernel.dmesg_restrict"),
    recommended: "1",
    good: exactly(1),
    meaning: "0 lets any user read the kernel log (addresses, other jobs' messages)",
    cordon: "seccomp denies syslog(2); /dev/kmsg is not granted",
  },
  {
    setting: "kernel.yama.ptrace_scope",
    source: sys("kernel.yama.ptrace_scope"),
    recommended: "1 or more (2 on CI hosts)",
    good: atLeast(1),
    meaning: "0 lets any process trace every other process of the same uid outside a sandbox",
    cordon: "seccomp denies ptrace and process_vm_*; landlock scopes ptrace to the sandbox; a pid namespace hides outside processes",
    absent: "Yama not built: same-uid processes outside cordon may trace each other",
  },
  {
    setting: "fs.protected_symlinks",
    source: sys("fs.protected_symlinks"),
    recommended: "1",
    good: exactly(1),
    meaning: "0 allows symlink races in sticky world-writable directories such as /tmp",
    cordon: "the sandbox writes a private TMPDIR; the shared /tmp is not writable inside",
  },
  {
    setting: "fs.protected_hardlinks",
    source: sys("fs.protected_hardlinks"),
    recommended: "1",
    good: exactly(1),
    meaning: "0 lets a user hard-link files it does not own (planting them in writable places)",
    cordon: "links are made only inside write grants, to files the sandbox can see (landlock MAKE_* and REFER rights; with a private root only the grants exist)",
  },
  {
    setting: "fs.protected_fifos",
    source: sys("fs.protected_fifos"),
    recommended: "2",
    good: exactly(2),
    meaning: "lower values allow FIFO spoofing in sticky world-writable directories",
    cordon: "the shared /tmp is not writable inside",
  },
  {
    setting: "fs.protected_regular",
    source: sys("fs.protected_regular"),
    recommended: "2",
    good: exactly(2),
    meaning: "lower values let a process open another user's pre-created file in /tmp with O_CREAT",
    cordon: "the shared /tmp is not writable inside",
  },
  {
    setting: "user.max_user_namespaces",
    source: sys("user.max_user_namespaces"),
    recommended: "greater than 0 where unprivileged cordon needs namespaces; 0 elsewhere",
    good: (v) => num(v) > 0,
    meaning: "0 closes user namespaces for everyone: cordon's unprivileged tier then has no pid/IPC/mount namespaces; above 0, a sandbox may create its own (audit row kern.userns)",
    cordon: "probes by trying; without namespaces it keeps landlock + seccomp and reports what is missing",
  },
  {
    setting: "kernel.perf_event_paranoid",
    source: sys("kernel.perf_event_paranoid"),
    recommended: "2 or more (3 where supported)",
    good: atLeast(2),
    meaning: "lower values let users observe CPU-wide and kernel events: side channels",
    cordon: "seccomp denies perf_event_open (audit row kern.perf)",
  },
  {
    setting: "vm.unprivileged_userfaultfd",
    source: sys("vm.unprivileged_userfaultfd"),
    recommended: "0",
    good: exactly(0),
    meaning: "1 gives everyone the classic tool for widening kernel race windows; even 0 allows UFFD_USER_MODE_ONLY",
    cordon: "seccomp denies userfaultfd (audit row kern.userfaultfd)",
  },
  {
    setting: "vm.memfd_noexec",
    source: sys("vm.memfd_noexec"),
    recommended: "2",
    good: exactly(2),
    meaning: "below 2 a process can execute code that exists only in memory, beside landlock's execute rules",
    cordon: "nothing yet: memfd execution stays reachable (audit row mem.memfd.exec)",
    absent: "kernel before 6.3: memfd execution cannot be turned off host-wide",
  },
  {
    setting: "kernel.shm_rmid_forced",
    source: sys("kernel.shm_rmid_forced"),
    recommended: "1",
    good: exactly(1),
    meaning: "0 lets SysV shared memory outlive every process that used it",
    cordon: "an IPC namespace (objects die with it) and seccomp deny SysV IPC (audit rows ipc.sysv.*)",
  },
  {
    setting: "kernel.keys.maxkeys",
    source: sys("kernel.keys.maxkeys"),
    recommended: "the distribution default; the quota is per uid",
    meaning: "the key quota is per uid across user namespaces: a sandbox that could add keys could exhaust the caller's",
    cordon: "seccomp denies add_key, request_key and keyctl (audit rows key.*)",
  },
  {
    setting: "kernel.kexec_load_disabled",
    source: sys("kernel.kexec_load_disabled"),
    recommended: "1",
    good: exactly(1),
    meaning: "0 lets root replace the running kernel",
    cordon: "seccomp denies kexec_load and kexec_file_load",
    absent: "kexec not built",
  },
  {
    setting: "kernel.modules_disabled",
    source: sys("kernel.modules_disabled"),
    recommended: "1 after boot",
    good: exactly(1),
    meaning: "0 lets root load kernel modules",
    cordon: "seccomp denies init_module, finit_module and delete_module",
    absent: "module loading not built",
  },
  {
    setting: "fs.suid_dumpable",
    source: sys("fs.suid_dumpable"),
    recommended: "0",
    good: exactly(0),
    meaning: "other values dump the memory of set-uid programs",
    cordon: "no_new_privs: set-uid bits have no effect inside",
  },
  {
    setting: "kernel.randomize_va_space",
    source: sys("kernel.randomize_va_space"),
    recommended: "2",
    good: exactly(2),
    meaning: "lower values make exploits of any process easier",
    cordon: "nothing: a host setting",
  },
  {
    setting: "net.core.bpf_jit_harden",
    source: sys("net.core.bpf_jit_harden"),
    recommended: "2",
    good: exactly(2),
    meaning: "lower values leave JIT spraying open to BPF loaders (classic BPF socket filters included)",
    cordon: "seccomp filters are installed by cordon itself; sandboxes cannot load eBPF",
    absent: "BPF JIT not built",
  },
  {
    setting: "kernel.panic_on_oops",
    source: sys("kernel.panic_on_oops"),
    recommended: "1 on dedicated CI hosts",
    good: exactly(1),
    meaning: "0 keeps a host running after a kernel oops, possibly half-exploited",
    cordon: "nothing: a host setting (security shutdown)",
  },
];

export function assessSetting(def: Def, raw: string | null): HostSetting {
  const value = raw === null ? null : raw.trim();
  const { setting, source, recommended, meaning, cordon } = def;
  if (value === null) return { setting, source, value, recommended, status: "absent", meaning: def.absent ?? "not present in this kernel", cordon };
  return { setting, source, value, recommended, status: def.good ? (def.good(value) ? "hardened" : "weak") : "info", meaning, cordon };
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Every setting as this host has it. `read` is for tests; it returns null for a missing file. */
export function hostSettings(read: (path: string) => string | null = readOrNull): HostSetting[] {
  return settingDefs.map((d) => assessSetting(d, read(d.source)));
}
