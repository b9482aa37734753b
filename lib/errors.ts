// Errors of the capability API. The OS-level ones come from ffi/errors.ts
// (pure TypeScript, no bun:ffi), so every layer can name them.
export { CordonError, LibraryError, NotSupportedError, OsError, PermissionError } from "../ffi/errors.ts";
import { CordonError } from "../ffi/errors.ts";

/** The policy is malformed; found in pure TypeScript before any syscall. `field` names the offending key. */
export class PolicyError extends CordonError {
  override name = "PolicyError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`, "POLICY_INVALID");
  }
}

/** A guarantee required in hard mode cannot be enforced on this host. `missing` lists them. */
export class CompatError extends CordonError {
  override name = "CompatError";
  constructor(readonly missing: readonly { guarantee: string; reason: string }[]) {
    super(
      `cannot enforce on this host: ${missing.map((m) => `${m.guarantee} (${m.reason})`).join("; ")}`,
      "COMPAT_UNENFORCEABLE",
    );
  }
}

/**
 * A grant is no longer the file its policy resolved (a directory swapped for
 * a symlink or for another directory since): nothing ran. `path` is the grant.
 */
export class GrantChangedError extends CordonError {
  override name = "GrantChangedError";
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: changed since the policy was resolved (${detail}); nothing ran`, "GRANT_CHANGED");
  }
}

/**
 * A spawn option (the third argument of spawn()) is unknown, malformed, or
 * cannot work in a sandbox. `option` names it ("stdio[3]", "terminal"); an
 * option is never silently ignored.
 */
export class SpawnOptionError extends CordonError {
  override name = "SpawnOptionError";
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`, "SPAWN_OPTION");
  }
}

/** The AbortSignal given to spawn() was aborted before the command started (Bun's AbortError: nothing was created). */
export class AbortError extends CordonError {
  override name = "AbortError";
  constructor(reason: unknown) {
    super("The operation was aborted", "ABORT_ERR");
    this.cause = reason;
  }
}

/**
 * A sandboxed process, created suspended, did not read back as its plan made
 * it (job, token, mitigations, inherited handles): it was ended before its
 * first instruction. `mismatches` says what differed.
 */
export class StartupCheckError extends CordonError {
  override name = "StartupCheckError";
  constructor(readonly mismatches: readonly { check: string; expected: string; found: string }[]) {
    super(`ended before it ran: ${mismatches.map((m) => `${m.check}: expected ${m.expected}, found ${m.found}`).join("; ")}`, "STARTUP_MISMATCH");
  }
}

/** spawn() on a compiled sandbox after its close(): nothing ran. */
export class SandboxClosedError extends CordonError {
  override name = "SandboxClosedError";
  constructor() {
    super("this compiled sandbox was closed: compile the policy again to spawn", "SANDBOX_CLOSED");
  }
}
