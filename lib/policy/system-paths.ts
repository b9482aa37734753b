// The default "system" read set: what ordinary programs need to start (the
// dynamic loader, shared libraries, locale and name-service files, a few
// character devices). Users opt out with `fs: { system: false }`.
//
// Choices, so they can be reviewed in one place:
// - Program trees (/usr, /bin, /lib...) are read+execute as trees.
// - /etc is NOT granted as a tree: it holds credentials, host keys and
//   service configuration. Only the files the C library, shells and TLS
//   clients read are listed.
// - TLS: only the trust stores and library configuration clients read, never
//   a whole /etc/ssl or /etc/pki: their private/ directories hold the host's
//   keys, readable by a root sandbox.
// - /dev is granted device by device, never as a tree: a tree grant would
//   reach disks, consoles and /dev/mem.
// - /proc and /sys are not here. Which /proc the command sees is the
//   backend's business (a private procfs in a PID namespace, or none), so
//   that /proc of processes outside the sandbox stays out of reach.
// Paths that do not exist on a host are dropped when the policy is resolved.

export type SystemOs = "linux" | "darwin" | "freebsd" | "openbsd" | "win32";

export type SystemPaths = {
  /** Read and execute beneath each path. */
  readonly read: readonly string[];
  /** Read and write, single device files only (output sinks like /dev/null). */
  readonly write: readonly string[];
};

/**
 * What TLS clients read: CA bundles and certificate directories (public
 * certificates only), the crypto libraries' configuration and the system
 * crypto policy. Never /etc/ssl/private or /etc/pki/tls/private (keys), nor
 * /etc/pki/nssdb (NSS databases may hold keys).
 */
const tlsEtc = [
  "/etc/ssl/certs",
  "/etc/ssl/cert.pem",
  "/etc/ssl/openssl.cnf",
  "/etc/pki/tls/certs",
  "/etc/pki/tls/cert.pem",
  "/etc/pki/tls/openssl.cnf",
  "/etc/pki/ca-trust/extracted",
  "/etc/pki/java/cacerts",
  "/etc/ca-certificates/extracted",
  "/etc/crypto-policies/back-ends",
];

/** /etc files read by libc (loader, NSS, resolver, locale, time), shells and TLS clients. */
const unixEtc = [
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/ld.so.preload",
  "/etc/alternatives",
  "/etc/passwd",
  "/etc/group",
  "/etc/nsswitch.conf",
  "/etc/host.conf",
  "/etc/hosts",
  "/etc/resolv.conf",
  "/etc/gai.conf",
  "/etc/services",
  "/etc/protocols",
  "/etc/localtime",
  "/etc/timezone",
  "/etc/locale.alias",
  "/etc/locale.conf",
  "/etc/default/locale",
  "/etc/os-release",
  "/etc/mime.types",
  "/etc/inputrc",
  "/etc/terminfo",
  ...tlsEtc,
];

const unixDevRead = ["/dev/random", "/dev/urandom"];
const unixDevWrite = ["/dev/null", "/dev/zero", "/dev/full"];

const table: Record<SystemOs, SystemPaths> = {
  linux: {
    read: ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/nix/store", ...unixEtc, ...unixDevRead],
    write: unixDevWrite,
  },
  darwin: {
    read: [
      "/usr",
      "/bin",
      "/sbin",
      "/System",
      "/Library/Apple",
      "/private/etc/passwd",
      "/private/etc/group",
      "/private/etc/hosts",
      "/private/etc/resolv.conf",
      "/private/etc/services",
      "/private/etc/protocols",
      "/private/etc/localtime",
      "/private/etc/ssl/cert.pem",
      "/private/etc/ssl/certs",
      "/private/etc/ssl/openssl.cnf",
      "/private/var/db/timezone",
      "/opt/homebrew",
      ...unixDevRead,
    ],
    write: unixDevWrite,
  },
  freebsd: {
    read: ["/usr", "/bin", "/sbin", "/lib", "/libexec", "/var/run/ld-elf.so.hints", ...unixEtc, "/etc/libmap.conf", ...unixDevRead],
    write: unixDevWrite,
  },
  openbsd: {
    read: ["/usr", "/bin", "/sbin", "/var/run/ld.so.hints", ...unixEtc, ...unixDevRead],
    write: ["/dev/null", "/dev/zero"],
  },
  win32: {
    // %SystemRoot% is substituted by the resolver; Program Files stays out (grant it).
    read: ["%SystemRoot%\\System32", "%SystemRoot%\\SysWOW64", "%SystemRoot%\\WinSxS", "%SystemRoot%\\Fonts"],
    write: ["\\\\.\\NUL"],
  },
};

/** The documented system read set of `os`. */
export function systemPaths(os: SystemOs): SystemPaths {
  return table[os];
}
