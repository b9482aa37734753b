// A compiled sandbox: `compile(policy)` validates and resolves the policy,
// describes this host and plans the sandbox once (refusing in hard mode what
// cannot be enforced, before anything runs); `box.spawn()` then starts
// commands under it, each with its own private TMPDIR and HOME, reusing what
// the plan of the policy's shape needs (the backend's state); `box.close()`
// ends it. With { warm: N }, N sandboxes are made ahead and each serves one
// spawn (warm-pool.ts). spawn(argv, policy) is the one-shot form: compile,
// spawn, close.
import { loadBackend } from "./backend/load.ts";
import { AbortError, SandboxClosedError, SpawnOptionError } from "./errors.ts";
import type { Policy, ResolvedPolicy } from "./policy/types.ts";
import type { Report } from "./report.ts";
import { resolvePolicy, type Resolution } from "./resolve-policy.ts";
import { checkSameGrants } from "./policy/same-grants.ts";
import { refuse, startSandbox, type Planned, type SandboxBackend } from "./backend/contract.ts";
import { checkArgv, collect, launch, runSpawnOptions, type RunOptions, type RunResult, type SandboxedSubprocess } from "./spawn-launch.ts";
import { checkSpawnOptions, type CheckedOptions, type SpawnOptions } from "./spawn-options.ts";
import { checkCompileOptions, WarmPool, type WarmEntry } from "./warm-pool.ts";
import { untouched } from "./warm-untouched.ts";

/** compile()'s options. */
export type CompileOptions = {
  /** Keep this many sandboxes (1 to 64) made ahead, each waiting for one spawn (Linux). */
  readonly warm?: number;
};

// The backend's types are opaque here: each OS has its own host, plan and state.
type AnyBackend = SandboxBackend<any, any, any>;

/** One-shot spawns share one state per backend (its caches are bounded and keyed by policy shape). */
const oneShotStates = new Map<AnyBackend, unknown>();

export class CompiledSandbox {
  readonly #input: Policy;
  readonly #base: string;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #backend: AnyBackend;
  readonly #state: unknown;
  /** The state is this sandbox's own (compile()), not the one one-shot spawns share: close() frees it. */
  readonly #ownsState: boolean;
  /** The resolution and plan made by compile(), for the first spawn (then resolved anew per spawn). */
  #first: { readonly resolution: Resolution; readonly planned: Planned<unknown> } | undefined;
  #closed = false;
  readonly #warm: WarmPool | undefined;
  /** The host this sandbox was planned for, as the backend described it. */
  readonly host: unknown;
  /** The policy as resolved at compile(); each spawn resolves it anew (its own TMPDIR and HOME). */
  readonly policy: ResolvedPolicy;
  /** The backend's plan of `policy` for `host`. */
  readonly plan: unknown;
  /** What a spawn of this sandbox enforces here, and by what (its `env` and denials come with each spawn). */
  readonly report: Report;

  constructor(policy: Policy, backend: AnyBackend, state: unknown, options: CompileOptions = {}, ownsState = false) {
    const { warm } = checkCompileOptions(options);
    // Resolved against the caller's directory and environment of now, for every spawn.
    this.#base = process.cwd();
    this.#env = { ...process.env };
    this.#backend = backend;
    this.#state = state;
    this.#ownsState = ownsState;
    const resolution = resolvePolicy(policy, { base: this.#base, env: this.#env });
    this.#input = policy;
    try {
      this.host = backend.host(resolution.policy);
      const planned = backend.plan(resolution.policy, this.host, state);
      refuse(resolution.policy.compat, planned);
      this.#first = { resolution, planned };
      this.plan = planned.plan;
      this.report = planned.report;
      if (warm !== undefined) {
        const why = backend.warm ? backend.warm.unavailable(planned.plan) : `no warm sandboxes on ${process.platform}`;
        if (why !== undefined) throw new SpawnOptionError("warm", why);
        this.#warm = new WarmPool(warm, (gone) => this.#prepare(undefined, gone), (h) => backend.warm!.discard(h));
        // The first one now, from the compile's own resolution: its errors are compile()'s.
        this.#first = undefined;
        this.#warm.fillFirst((gone) => this.#prepare({ resolution, planned }, gone));
      }
    } catch (e) {
      resolution.cleanup();
      throw e;
    }
    this.policy = resolution.policy;
  }

  /** A spawn's own resolution: its TMPDIR and HOME anew, its grants the very files compile() resolved (else GrantChangedError). */
  #resolve(): Resolution {
    const resolution = resolvePolicy(this.#input, { base: this.#base, env: this.#env });
    try {
      checkSameGrants(this.policy, resolution.policy);
    } catch (e) {
      resolution.cleanup();
      throw e;
    }
    return resolution;
  }

  /** One warm sandbox: a resolution of its own (TMPDIR, HOME), planned and refused as any spawn's, made waiting. */
  #prepare(from: { readonly resolution: Resolution; readonly planned: Planned<unknown> } | undefined, gone: () => void): WarmEntry {
    const resolution = from?.resolution ?? this.#resolve();
    try {
      const planned = from?.planned ?? this.#backend.plan(resolution.policy, this.host, this.#state);
      if (!from) refuse(resolution.policy.compat, planned);
      return { resolution, planned, handle: this.#backend.warm!.prepare(planned.plan, this.#state, gone) };
    } catch (e) {
      if (!from) resolution.cleanup();
      throw e;
    }
  }

  /** Start `argv` in this sandbox, with Bun.spawn's options (as spawn()). Throws SandboxClosedError after close(). */
  spawn(argv: readonly string[], options: SpawnOptions<SandboxedSubprocess> = {}): SandboxedSubprocess {
    checkArgv(argv);
    return this.spawnChecked(argv, checkSpawnOptions<SandboxedSubprocess>(options));
  }

  /** spawn() and wait for everything, as run(). */
  run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return collect(this.spawn(argv, runSpawnOptions(options)), options.input);
  }

  /** spawn() with options already checked. */
  spawnChecked(argv: readonly string[], opts: CheckedOptions<SandboxedSubprocess>): SandboxedSubprocess {
    if (this.#closed) throw new SandboxClosedError();
    if (opts.signal?.aborted) throw new AbortError(opts.signal.reason);
    // Without host grants no relay or proxy decides anything: a hook that could never be called is refused, not left silent.
    if (opts.onNetwork && this.policy.egress === undefined)
      throw new SpawnOptionError("onNetwork", "the policy grants no hosts (net: { hosts: [...] }): cordon decides no lookup or connect, so the hook would never be called");
    // Denials are collected, and network decisions told, by a one-shot spawn only (its filter's listener and its relay are made with it).
    const entry = opts.explain || opts.onDenial || opts.onCall || opts.onNetwork ? undefined : this.#warm?.take();
    // One whose directory another command wrote to meanwhile is removed; this spawn runs one-shot instead.
    if (entry && !untouched(entry.resolution.policy)) {
      this.#warm!.drop(entry, true);
      this.#warm!.refillAfter(undefined);
    } else if (entry) {
      let sub: SandboxedSubprocess | undefined;
      try {
        sub = this.#spawnWarm(entry, argv, opts);
        return sub;
      } finally {
        this.#warm!.refillAfter(sub?.exited);
      }
    }
    const first = this.#first;
    this.#first = undefined;
    const resolution = first?.resolution ?? this.#resolve();
    return launch(resolution, opts, (stdio) =>
      startSandbox(this.#backend, argv, resolution.policy, stdio, { host: this.host, state: this.#state, ...(first ? { planned: first.planned } : {}) }),
    );
  }

  #spawnWarm(entry: WarmEntry, argv: readonly string[], opts: CheckedOptions<SandboxedSubprocess>): SandboxedSubprocess {
    try {
      return launch(entry.resolution, opts, (stdio) =>
        startSandbox(this.#backend, argv, entry.resolution.policy, stdio, { host: this.host, state: this.#state, planned: entry.planned, warm: entry.handle }),
      );
    } catch (e) {
      // Nothing ran (launch removed the resolution): the waiting sandbox goes too.
      this.#warm!.drop(entry);
      throw e;
    }
  }

  /** Settles once every warm sandbox is made and waiting (at once without { warm }). */
  warmed(): Promise<void> {
    return this.#warm?.full() ?? Promise.resolve();
  }

  /** How many warm sandboxes wait now. */
  get warmReady(): number {
    return this.#warm?.ready ?? 0;
  }

  /**
   * No more spawns; what the compile resolved for a first spawn that never
   * came is removed, every waiting warm sandbox is killed and removed
   * (settles once they are gone), then the spare cgroup sets kept for its spawns. Running commands go on. Idempotent.
   */
  close(): Promise<void> {
    const open = !this.#closed;
    this.#closed = true;
    this.#first?.resolution.cleanup();
    this.#first = undefined;
    // What the sandbox kept for its spawns (spare cgroup sets) goes after the warm sandboxes, which may give theirs back.
    const freeState = () => {
      if (this.#ownsState && open) this.#backend.close?.(this.#state);
    };
    if (!this.#warm) {
      freeState();
      return Promise.resolve();
    }
    return this.#warm.close().then(freeState);
  }

  get closed(): boolean {
    return this.#closed;
  }

  [Symbol.dispose](): void {
    void this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Compiles `policy` for this host: throws PolicyError for a malformed policy
 * and, in hard mode (the default), CompatError when a requested guarantee
 * cannot be enforced here. The sandbox keeps what its spawns share until
 * close(). `options.warm`: keep that many sandboxes made ahead (Linux; a
 * SpawnOptionError where they cannot be kept).
 */
export function compile(policy: Policy = {}, options?: CompileOptions): CompiledSandbox {
  const backend = loadBackend(process.platform);
  return new CompiledSandbox(policy, backend, backend.state(), options, true);
}

/** The one-shot form behind spawn(): compiled with the state one-shot spawns share, closed once the command has exited. */
export function spawnOnce(argv: readonly string[], policy: Policy, opts: CheckedOptions<SandboxedSubprocess>): SandboxedSubprocess {
  const backend = loadBackend(process.platform);
  if (!oneShotStates.has(backend)) oneShotStates.set(backend, backend.state());
  const box = new CompiledSandbox(policy, backend, oneShotStates.get(backend));
  try {
    const sub = box.spawnChecked(argv, opts);
    sub.exited.then(
      () => box.close(),
      () => box.close(),
    );
    return sub;
  } catch (e) {
    box.close();
    throw e;
  }
}
