// Verdicts from the two sides of a probe: what the call inside returned and
// what the canary outside counted. Pure: no I/O, tested with plain values.
import type { Mechanism } from "../guarantees/registry.ts";
import type { Blocker } from "./blocker.ts";
import type { Channel } from "./channels.ts";

export type Verdict = "blocked" | "reachable" | "partial" | "n/a" | "error";

/** One line of the inside probe's output. */
export type InsideResult = {
  readonly id: string;
  /** true: the call succeeded; false: it failed with `errno`; null: the channel is absent here. */
  readonly ok: boolean | null;
  readonly call: string;
  readonly errno: string | null;
  readonly detail: string;
  /** The probe itself failed (not the call it made). */
  readonly error?: boolean;
  /** The call succeeded only in part (the detail says which part). */
  readonly partial?: boolean;
  /** A mechanism the probe could name more precisely than the errno (a key of the channel's blockedBy). */
  readonly cause?: string;
  /** Facts the supervisor checks against the host (inodes reached, whether a connection arrived). */
  readonly data?: Readonly<Record<string, unknown>>;
};

export type AuditRow = {
  readonly channel: string;
  readonly class: Channel["class"];
  readonly title: string;
  readonly persistent: boolean;
  readonly verdict: Verdict;
  /** The call, its result and, for two-sided rows, what the outside counted. */
  readonly evidence: string;
  /** Blocked: what blocked it (from the errno), in words. Reachable or partial: what would close it. */
  readonly mechanism?: string;
  /** Blocked: the registry's mechanisms that blocked it, where the errno (or the probe's cause) attributes it. */
  readonly blockedBy?: readonly Mechanism[];
  /** Reachable on purpose (the private TMPDIR, a write grant...). */
  readonly byDesign?: boolean;
  readonly inside?: InsideResult;
  /** The outside counter for two-sided rows. */
  readonly receipt?: number;
};

function result(r: InsideResult): string {
  if (r.ok) return `${r.call}: ok (${r.detail})`;
  if (r.errno === null && r.detail) return `${r.call}: ${r.detail}`;
  return `${r.call}: ${r.errno ?? "failed"}${r.detail ? ` (${r.detail})` : ""}`;
}

/** A blocked row's mechanism, in words and typed. */
const blocked = (b: Blocker) => ({ mechanism: b.how, blockedBy: b.mechanisms });

function blockedBy(channel: Channel, r: InsideResult): { mechanism: string; blockedBy?: readonly Mechanism[] } {
  const known = (r.cause && channel.blockedBy[r.cause]) || (r.errno && channel.blockedBy[r.errno]);
  if (known) return blocked(known);
  if (r.errno === "ENOENT") return { mechanism: "mount namespace (the path does not exist inside the sandbox's root)", blockedBy: ["mount-namespace"] };
  return { mechanism: r.errno ? `${r.errno} (mechanism not attributed)` : "not attributed" };
}

/** Rows whose success shows a listing; they are reachable only when the outside canary is in it. */
const visibility: Record<string, RegExp> = {
  "net.netlink.sock_diag": /canary's path is visible/,
  "g.sysvipc": /canary is visible/,
  "g.net.unix": /canary is visible/,
  "key.session": /the same as/,
  "proc.list": /canary process is visible/,
};

/**
 * The verdict of one row. Two-sided rows (a `receipt` counter) are reachable
 * only if the outside counter moved: an inside success that never arrived is
 * a private namespace's, and blocked.
 */
export function judge(channel: Channel, inside: InsideResult | undefined, receipt: number | undefined): AuditRow {
  const base = { channel: channel.id, class: channel.class, title: channel.title, persistent: channel.persistent, ...(channel.byDesign ? { byDesign: true } : {}) };
  if (!inside) return { ...base, verdict: "error", evidence: "the inside probe did not report this row" };
  const withInside = { ...base, inside };
  if (inside.error) return { ...withInside, verdict: "error", evidence: `${inside.call}: ${inside.detail}` };
  if (inside.ok === null) return { ...withInside, verdict: "n/a", evidence: `${inside.call}: ${inside.detail}` };
  if (inside.ok && inside.partial) return { ...withInside, verdict: "partial", evidence: result(inside), mechanism: channel.closeWith };

  if (channel.receipt) {
    if (receipt === undefined) return { ...withInside, verdict: "error", evidence: `${result(inside)}; no outside count for ${channel.receipt}` };
    const counted = `outside counted ${receipt}`;
    if (receipt > 0) return { ...withInside, receipt, verdict: "reachable", evidence: `${result(inside)}; ${counted}`, mechanism: channel.closeWith };
    if (inside.ok) {
      const unseen = channel.blockedBy.unseen;
      return unseen
        ? { ...withInside, receipt, verdict: "blocked", evidence: `${result(inside)}; but ${counted}`, ...blocked(unseen) }
        : { ...withInside, receipt, verdict: "blocked", evidence: `${result(inside)}; but ${counted}: it stayed inside (a private namespace)`, mechanism: "namespace (the call reached only the sandbox's own view)" };
    }
    return { ...withInside, receipt, verdict: "blocked", evidence: `${result(inside)}; ${counted}`, ...blockedBy(channel, inside) };
  }

  const seen = visibility[channel.id];
  if (seen && inside.ok) {
    return seen.test(inside.detail)
      ? { ...withInside, verdict: "reachable", evidence: result(inside), mechanism: channel.closeWith }
      : { ...withInside, verdict: "blocked", evidence: `${result(inside)}: only the sandbox's own view`, mechanism: "namespace" };
  }

  if (channel.id === "tty.tiocsti" && !inside.ok && inside.errno === "ENOTTY") {
    return { ...withInside, verdict: "partial", evidence: `${result(inside)}`, mechanism: `no terminal to test here; ${channel.closeWith}` };
  }
  if (channel.id === "inherit.fds" && inside.ok) {
    const fds = inside.detail.replace(/^open fds: /, "").split(" ").map(Number);
    // 0-2 are stdio; the probe's own listing holds one more.
    const extra = fds.filter((fd) => fd > 2).length > 1;
    return extra
      ? { ...withInside, verdict: "reachable", evidence: result(inside), mechanism: channel.closeWith }
      : { ...withInside, verdict: "blocked", evidence: `${result(inside)} (stdio and the listing's own)`, mechanism: "close_range before exec" };
  }
  if (channel.id === "kern.kallsyms" && !inside.ok && inside.errno === null) {
    return { ...withInside, verdict: "blocked", evidence: `${inside.call}: ${inside.detail}`, mechanism: "no CAP_SYSLOG inside (capabilities dropped) with kernel.kptr_restrict / perf_event_paranoid", blockedBy: ["capabilities", "kernel"] };
  }
  if (channel.id === "inherit.fds" && !inside.ok) {
    return { ...withInside, verdict: "n/a", evidence: `${result(inside)}: /proc/self/fd cannot be listed here` };
  }
  if (channel.id === "inherit.env" && !inside.ok) {
    return { ...withInside, verdict: "n/a", evidence: `${inside.call}: ${inside.detail}` };
  }

  if (inside.ok) return { ...withInside, verdict: "reachable", evidence: result(inside), mechanism: channel.closeWith };
  return { ...withInside, verdict: "blocked", evidence: result(inside), ...blockedBy(channel, inside) };
}

/** Parse the probe's JSON lines; anything else on stdout is ignored. */
export function parseInside(stdout: string): { results: Map<string, InsideResult>; done: boolean } {
  const results = new Map<string, InsideResult>();
  let done = false;
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const v = JSON.parse(line) as Partial<InsideResult> & { done?: boolean };
      if (v.done) done = true;
      else if (typeof v.id === "string" && typeof v.call === "string") results.set(v.id, v as InsideResult);
    } catch {
      // a torn line: its row shows as "did not report"
    }
  }
  return { results, done };
}
