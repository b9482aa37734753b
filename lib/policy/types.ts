// The policy vocabulary, in the user's terms. Pure data: no OS knowledge here.

/**
 * hard: refuse to run if any requested guarantee cannot be enforced here (default).
 * best-effort: run anyway; the report says what is missing.
 */
export type Compat = "hard" | "best-effort";

/** TCP ports the sandbox may reach; UDP and every other family stay closed. */
export type NetPorts = { readonly connect?: readonly number[]; readonly bind?: readonly number[] };

/** `none`: no IP networking at all (TCP and UDP, v4 and v6). `all`: unrestricted. */
export type Net = "none" | "all" | NetPorts;

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
  };
  /** Variables set on top of the environment (or on an empty one if `inheritEnv` is false). */
  readonly env?: Readonly<Record<string, string>>;
  /** Pass the caller's environment through. Default true. */
  readonly inheritEnv?: boolean;
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
  };
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly net: "none" | "all" | { readonly connect: readonly number[]; readonly bind: readonly number[] };
  readonly limits: Limits;
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly compat: Compat;
  /** The sandbox's own empty temp directory (also in `fs.write` and `env.TMPDIR`); removed afterwards. */
  readonly tmpDir?: string;
};
