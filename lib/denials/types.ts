// What a sandbox refused, as cordon reports it (`--explain`, `report.denials`).
// Every event comes from the kernel (an audit record, a seccomp notification,
// a cgroup counter) or from cordon's own refusal (a limit's verdict): none is
// inferred from an exit status or a message.

/** The kind of thing refused. */
export const DENIAL_CLASSES = ["fs", "net", "signal", "ptrace", "ipc", "syscall", "limit"] as const;
export type DenialClass = (typeof DENIAL_CLASSES)[number];

export type Denial = {
  readonly class: DenialClass;
  /** What was tried: read, write, exec, readdir, create, remove, connect, bind, signal, ptrace, call, memory, pids, cpu, timeout, ... */
  readonly access: string;
  /** On what: a path, "127.0.0.1:443", "tcp port 8080", a syscall's name, a limit's value. */
  readonly target: string;
  /** The flag that would allow it (e.g. `--allow-read=~/.npmrc`); absent when no flag can. */
  readonly allow?: string;
  /** Why no flag can allow it, when `allow` is absent. */
  readonly why?: string;
  /** The mechanism that saw it: "landlock audit", "seccomp user-notify", "cgroup memory", ... */
  readonly by: string;
  /** Record details the target does not carry: landlock's blockers, the errno answered, the arguments. */
  readonly detail?: string;
  /** How many times this same denial was seen. */
  readonly count: number;
};

/** One class of denials and whether this run could see it. */
export type DenialSource = {
  readonly class: DenialClass;
  readonly visible: boolean;
  /** The mechanism when visible, or why not. */
  readonly by?: string;
  readonly reason?: string;
};

export type ExplainSummary = {
  readonly sources: readonly DenialSource[];
  /** Distinct denials beyond the report's bound (their counts are not listed). */
  readonly dropped: number;
  /** Records the kernel said it dropped before cordon read them (each may have been a denial). */
  readonly lost: number;
};

/** Most distinct denials a report lists. */
export const DENIALS_BOUND = 256;

/** The key under which equal denials are counted as one. */
export function denialKey(d: Pick<Denial, "class" | "access" | "target">): string {
  return `${d.class}\0${d.access}\0${d.target}`;
}
