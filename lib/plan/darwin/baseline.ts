// What an ordinary command-line program needs from macOS beyond the files it
// was granted, each with the reason it is there. Everything not listed stays
// denied by `(deny default)`; docs/assumptions/macos.md lists what that breaks.
// Names are Apple's (launchd service names, sysctl MIB names); the set follows
// what published Seatbelt profiles of other sandboxes allow, trimmed to the
// entries a non-GUI program cannot run without.

export type Allowance = { readonly name: string; readonly why: string };

/** sysctl names read with `sysctl-read` (exact names). */
export const sysctlNames: readonly Allowance[] = [
  { name: "hw.ncpu", why: "sysconf(_SC_NPROCESSORS_CONF): thread-pool sizing in runtimes and build tools" },
  { name: "hw.activecpu", why: "sysconf(_SC_NPROCESSORS_ONLN)" },
  { name: "hw.logicalcpu", why: "CPU count used by runtimes that do not call sysconf" },
  { name: "hw.logicalcpu_max", why: "CPU count used by runtimes that do not call sysconf" },
  { name: "hw.physicalcpu", why: "CPU count used by runtimes that do not call sysconf" },
  { name: "hw.physicalcpu_max", why: "CPU count used by runtimes that do not call sysconf" },
  { name: "hw.pagesize", why: "getpagesize(3) and allocators" },
  { name: "hw.pagesize_compat", why: "getpagesize(3) under Rosetta" },
  { name: "hw.memsize", why: "heap sizing in garbage-collected runtimes" },
  { name: "hw.cachelinesize", why: "allocators and libSystem's memory routines" },
  { name: "hw.l1dcachesize", why: "libSystem's memory routines choose their strategy by cache size" },
  { name: "hw.l2cachesize", why: "libSystem's memory routines choose their strategy by cache size" },
  { name: "hw.cputype", why: "architecture checks in dyld and runtimes" },
  { name: "hw.cpusubtype", why: "architecture checks in dyld and runtimes" },
  { name: "hw.cpufamily", why: "CPU feature selection in JIT compilers" },
  { name: "hw.machine", why: "uname(3) machine field" },
  { name: "hw.byteorder", why: "portable runtimes check byte order at start-up" },
  { name: "kern.ostype", why: "uname(3) sysname" },
  { name: "kern.osrelease", why: "uname(3) release" },
  { name: "kern.version", why: "uname(3) version" },
  { name: "kern.osversion", why: "OS build, read by libSystem's version checks" },
  { name: "kern.osproductversion", why: "OS product version, read by runtimes' platform checks" },
  { name: "kern.osvariant_status", why: "libSystem's os_variant checks at start-up" },
  { name: "kern.hostname", why: "uname(3) nodename and gethostname(3)" },
  { name: "kern.argmax", why: "sysconf(_SC_ARG_MAX): xargs and shells size argument lists" },
  { name: "kern.maxfilesperproc", why: "sysconf(_SC_OPEN_MAX) fallback" },
  { name: "sysctl.proc_translated", why: "whether the process runs under Rosetta; checked by runtimes on x86_64 builds" },
];

/** sysctl name prefixes read with `sysctl-read`. */
export const sysctlPrefixes: readonly Allowance[] = [
  { name: "hw.optional.", why: "CPU feature flags: libSystem and JIT compilers pick instructions by them" },
  { name: "hw.perflevel", why: "performance/efficiency core counts used for thread placement" },
];

/** launchd services reachable with `mach-lookup` in every profile. */
export const machServices: readonly Allowance[] = [
  {
    name: "com.apple.system.opendirectoryd.libinfo",
    why: "getpwuid(3)/getgrgid(3): user and group names (id, ls -l, git and ssh find the home directory)",
  },
];

/** Extra launchd services when the profile allows any network access. */
export const networkMachServices: readonly Allowance[] = [
  { name: "com.apple.dnssd.service", why: "getaddrinfo(3) asks mDNSResponder to resolve names" },
  { name: "com.apple.trustd.agent", why: "TLS certificate evaluation by Security.framework (curl, git over https)" },
  { name: "com.apple.SystemConfiguration.configd", why: "DNS and proxy configuration read by the resolver and CFNetwork" },
];

/** Device files every profile may read (and, for the null device, write). */
export const deviceReads: readonly Allowance[] = [
  { name: "/dev/null", why: "redirections to and from the null device" },
  { name: "/dev/zero", why: "dd and allocators read zeros from it" },
  { name: "/dev/random", why: "entropy for seeds, keys and hash tables" },
  { name: "/dev/urandom", why: "entropy for seeds, keys and hash tables" },
];

export const deviceWrites: readonly Allowance[] = [{ name: "/dev/null", why: "output discarded with >/dev/null" }];

/** Path prefixes readable and writable for the process's own descriptors. */
export const ownDescriptorPaths: readonly Allowance[] = [
  { name: "/dev/fd", why: "shells' process substitution and `cat /dev/stdin` reopen the process's own descriptors" },
];

/** The mDNSResponder socket: name resolution when the network is allowed at all. */
export const resolverSocket: Allowance = {
  name: "/private/var/run/mDNSResponder",
  why: "getaddrinfo(3) connects to this UNIX socket; the daemon performs the DNS lookup",
};
