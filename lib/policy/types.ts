// The policy vocabulary, in the user's terms. Pure data: no OS knowledge here.
import type { InheritEnv } from "./env.ts";
import type { HostRule } from "./net-hosts.ts";

/**
 * hard: refuse to run if any requested guarantee cannot be enforced here (default).
 * best-effort: run anyway; the report says what is missing.
 */
export type Compat = "hard" | "best-effort";

/** TCP ports the sandbox may reach; UDP and every other family stay closed. */
export type NetPorts = { readonly connect?: readonly number[]; readonly bind?: readonly number[]; readonly hosts?: undefined };

/**
 * Egress by host: the command gets a network of its own in which only these
 * destinations lead anywhere, through cordon (docs/network.md). Each entry is
 * `HOST[:PORT]`: a name, `*.suffix` (names beneath it, not itself),
 * `localhost`, an IPv4 literal or an IPv6 literal (`[v6]:PORT` with a port);
 * without a port, every port. `deny` wins over `hosts`.
 */
export type NetHosts = {
  readonly hosts: readonly string[];
  /** Not with hosts (validate refuses them): the command's network is its own. */
  readonly connect?: undefined;
  readonly bind?: undefined;
  readonly deny?: readonly string[];
  /**
   * The resolver cordon asks for the granted names (`IP` or `IP:PORT`,
   * `[v6]:PORT`); default: the host's own (getaddrinfo).
   */
  readonly resolver?: string;
};

/** `none`: no IP networking at all (TCP and UDP, v4 and v6). `all`: unrestricted. */
export type Net = "none" | "all" | NetPorts | NetHosts;

/** `net.hosts` resolved: its rules parsed, the resolver as an address and a port. */
export type Egress = {
  readonly hosts: readonly HostRule[];
  readonly deny: readonly HostRule[];
  readonly resolver?: { readonly address: string; readonly port: number };
};

export type Limits = {
  /** Bytes of memory for the whole process tree. */
  readonly memory?: number;
  /** Most live processes in the tree. */
  readonly pids?: number;
  /** CPU seconds (per process: RLIMIT_CPU; the tree: cgroup accounting where present). */
  readonly cpuSeconds?: number;
  /** Wall-clock milliseconds; then the whole tree gets `killSignal`, and SIGKILL `killAfterMs` later. */
  readonly timeoutMs?: number;
  /** The signal the whole tree gets when `timeoutMs` has passed: a name ("SIGTERM") or a number. Default SIGTERM. */
  readonly killSignal?: string | number;
  /** Milliseconds from `killSignal` to SIGKILL of whatever is left; 0 kills at once. Default 5000. */
  readonly killAfterMs?: number;
  /** Most open files per process (RLIMIT_NOFILE). */
  readonly openFiles?: number;
  /** Largest file a process may write, in bytes (RLIMIT_FSIZE). */
  readonly fileSize?: number;
};

export type UserSpec = string | number | { readonly uid: number; readonly gid?: number };

export type Policy = {
  readonly fs?: {
    /** Read and execute beneath each path. */
    readonly read?: readonly string[];
    /** Read, write, create and delete beneath each path. */
    readonly write?: readonly string[];
    /** Add the documented system read set (lib/policy/system-paths.ts). Default true. */
    readonly system?: boolean;
    /** Carve-outs: nothing beneath each path can be read (or written), whatever grants it. Deny wins. */
    readonly denyRead?: readonly string[];
    /** Carve-outs: nothing beneath each path can be written, whatever grants it. Deny wins. */
    readonly denyWrite?: readonly string[];
  };
  /** A private pseudo-terminal device (devpts) inside, so the command can open new ptys. Default false. */
  readonly pty?: boolean;
  /** Variables set on top of everything else: they win over the caller's and over cordon's own (TMPDIR, HOME, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Which of the caller's variables pass in (lib/policy/env.ts). Absent (the
   * default): the base set, BASE_ENV. A list: the base set plus these names
   * and `NAME*` prefix patterns; a pattern never admits a secret-looking name
   * (SECRET_LOOKING), only its exact name does. true: the whole environment.
   * false: none of it (cordon's own variables and `env` only).
   */
  readonly inheritEnv?: InheritEnv;
  /**
   * HOME: an existing directory, granted read-write and kept. Default: a
   * private, empty one made for the run beside its TMPDIR and removed after.
   * XDG_CONFIG_HOME, XDG_CACHE_HOME, XDG_DATA_HOME and XDG_STATE_HOME follow it.
   */
  readonly home?: string;
  readonly cwd?: string;
  /** Default `none`. */
  readonly net?: Net;
  readonly limits?: Limits;
  readonly user?: UserSpec;
  /** Default `hard`. */
  readonly compat?: Compat;
};

/** A policy after validation: absolute, existing paths, defaults filled in. */
export type ResolvedPolicy = {
  readonly fs: {
    readonly read: readonly string[];
    readonly write: readonly string[];
    /**
     * Symlinks met on the way to a grant as it was spelled (`read` and
     * `write` hold real paths): recreated where the sandbox sees only its
     * grants, so the spelled path works there too. Absent when there are none.
     */
    readonly links?: readonly string[];
    /** Real paths nothing may read beneath (no grant lies beneath one). Absent when there are none. */
    readonly denyRead?: readonly string[];
    /** Real paths nothing may write beneath, the user's (no write grant lies beneath one). Absent when there are none. */
    readonly denyWrite?: readonly string[];
    /**
     * Default protected paths found inside write grants (lib/policy/protected.ts),
     * kept read-only like denyWrite. Absent when there are none.
     */
    readonly protected?: readonly string[];
    /** Symlinks on the way to a protected path, inside a write grant: replaceable, so not protected. */
    readonly protectedGaps?: readonly string[];
  };
  /** A private devpts at /dev/pts (with /dev/ptmx) when true. */
  readonly pty?: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** With `egress`: "none", so that a backend that knows nothing of host grants fails closed. */
  readonly net: "none" | "all" | { readonly connect: readonly number[]; readonly bind: readonly number[] };
  /** Host grants (`net.hosts`), for backends that enforce them. */
  readonly egress?: Egress;
  readonly limits: Limits;
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly compat: Compat;
  /** The sandbox's own empty temp directory (`env.TMPDIR`), inside `runDir`. */
  readonly tmpDir?: string;
  /** HOME: the private one inside `runDir`, or the policy's `home` (then in `fs.write` itself). */
  readonly home?: string;
  /** The run's own directory holding `tmpDir` and a private `home`: in `fs.write`, removed afterwards. */
  readonly runDir?: string;
};
