// Landlock's denials from the audit log, sorted to the runs that asked. One
// native reader per realm while any run wants denials (none otherwise). A
// record names a landlock domain; the domain's first record (AUDIT_LANDLOCK_
// DOMAIN, status=allocated) names the pid that created it, which is the
// spawned child (or, under cordon-init without a fresh /proc, the command):
// that is how a domain is tied to a run. Records of other domains (other
// sandboxes on the host) are dropped.
import { AUDIT_FRAME, auditReaderStart, auditReaderStop, auditReaderSync, auditStatus } from "../../../../ffi/linux-explain.ts";
import { closeFd } from "../../../../ffi/linux.ts";
import { landlockDenials, parseAuditRecord, type AuditRecord } from "../../../denials/landlock-records.ts";
import type { DenialLog } from "../../../denials/log.ts";
import { openChannel, type Channel, type Frame } from "./channel.ts";

/** After the tree is gone, how long to wait for its last records (each domain that logged ends with a deallocation record). */
const DRAIN_MAX_MS = 2000;
/** With no domain seen and no sync to be had: records still in flight arrive within this (kauditd wakes at once). */
const SETTLE_MS = 60;
/** How long the kernel's queue may take to drain, and the reader to answer a sync. */
const SYNC_MAX_MS = 500;
const PENDING_MAX = 512;
const DOMAINS_MAX = 4096;

type Session = {
  readonly pids: Set<number>;
  readonly log: DenialLog;
  readonly domains: Set<string>;
  readonly ended: Set<string>;
  seen: number;
  counted: number;
  wake?: (() => void) | undefined;
};

type Feed = { channel: Channel; handle: number };

let feed: Feed | undefined;
const sessions = new Set<Session>();
const byPid = new Map<number, Session>();
/** Domain → its run, or null for a domain that is not any run's. */
const byDomain = new Map<string, Session | null>();
let pending: AuditRecord[] = [];
let lastRecord = 0;

function remember(domain: string, s: Session | null): void {
  if (byDomain.size >= DOMAINS_MAX) byDomain.delete(byDomain.keys().next().value!);
  byDomain.set(domain, s);
}

function deliver(s: Session, r: AuditRecord): void {
  s.seen++;
  for (const d of landlockDenials(r)) s.log.add(d);
}

/** Sync requests made, and answered (frames arrive in order, so one answered means every earlier one was). */
let syncAsked = 0;
let syncDone = 0;
const syncWaiters: { upTo: number; done: () => void }[] = [];

function onFrame(f: Frame): void {
  if (f.type === AUDIT_FRAME.sync) {
    syncDone += f.payload.length >= 4 ? new DataView(f.payload.buffer, f.payload.byteOffset).getUint32(0, true) : 1;
    for (const w of syncWaiters.splice(0).filter((w) => (w.upTo <= syncDone ? (w.done(), false) : true))) syncWaiters.push(w);
    return;
  }
  lastRecord = performance.now();
  if (f.type === AUDIT_FRAME.lost) {
    for (const s of sessions) s.log.lost(1);
    return;
  }
  const r = parseAuditRecord(new TextDecoder().decode(f.payload));
  const domain = r?.fields.domain;
  if (!r || !domain) return;
  if (f.type === AUDIT_FRAME.landlockAccess) {
    const s = byDomain.get(domain);
    if (s) deliver(s, r);
    else if (s === undefined) {
      // Its domain record follows in the same event.
      pending.push(r);
      if (pending.length > PENDING_MAX) pending.shift();
    }
    return;
  }
  if (r.fields.status === "allocated") {
    const s = byPid.get(Number(r.fields.pid)) ?? null;
    remember(domain, s);
    s?.domains.add(domain);
    const mine = pending.filter((p) => p.fields.domain === domain);
    pending = pending.filter((p) => p.fields.domain !== domain);
    if (s) for (const p of mine) deliver(s, p);
  } else if (r.fields.status === "deallocated") {
    const s = byDomain.get(domain);
    if (!s) return;
    s.counted += Number(r.fields.denials ?? 0);
    s.ended.add(domain);
    s.wake?.();
  }
}

function start(): Feed | string {
  const channel = openChannel(onFrame);
  try {
    const handle = auditReaderStart(channel.writeEnd);
    return { channel, handle };
  } catch (e) {
    // The reader never took the write end.
    closeFd(channel.writeEnd);
    channel.close();
    return `the audit log cannot be read (${(e as Error).message}; needs CAP_AUDIT_READ)`;
  }
}

function stop(): void {
  if (!feed) return;
  try {
    auditReaderStop(feed.handle);
  } catch {
    // gone already
  }
  feed.channel.close();
  feed = undefined;
  pending = [];
  byDomain.clear();
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Every record the kernel made before this call has reached onFrame: the
 * kernel's queue is drained (AUDIT_GET's backlog reads 0; kauditd hands each
 * record to the multicast group as it dequeues it), then the reader forwards
 * what its socket holds and answers. False when that cannot be known.
 */
async function synced(): Promise<boolean> {
  if (!feed) return false;
  const t0 = performance.now();
  try {
    while (auditStatus().backlog > 0) {
      if (performance.now() - t0 > SYNC_MAX_MS) return false;
      await sleep(1);
    }
    await sleep(1); // the record kauditd has just dequeued is being multicast
    const upTo = ++syncAsked;
    const answered = new Promise<void>((done) => syncWaiters.push({ upTo, done }));
    auditReaderSync(feed.handle);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const inTime = await Promise.race([answered.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), SYNC_MAX_MS)))]);
    clearTimeout(timer);
    return inTime;
  } catch {
    return false;
  }
}

export type AuditSession = {
  /** Pids whose landlock domain is this run's (the restrictor: the child, or the command under cordon-init). */
  add(pids: readonly number[]): void;
  /** Once the tree is gone: waits for the last records, then detaches. */
  end(): Promise<void>;
};

/** Starts (or joins) this realm's reader for a run; a string says why landlock's denials cannot be read. */
export function openAuditSession(log: DenialLog): AuditSession | string {
  if (!feed) {
    const f = start();
    if (typeof f === "string") return f;
    feed = f;
  }
  const s: Session = { pids: new Set(), log, domains: new Set(), ended: new Set(), seen: 0, counted: 0 };
  sessions.add(s);
  return {
    add(pids) {
      for (const p of pids) {
        s.pids.add(p);
        byPid.set(p, s);
      }
    },
    async end() {
      const t0 = performance.now();
      // No domain logged so far: one sync tells whether anything is still on its way.
      const quiet = s.domains.size === 0 && (await synced()) && s.domains.size === 0;
      if (!quiet) await new Promise<void>((done) => {
        const check = () => {
          const now = performance.now();
          const allEnded = s.domains.size > 0 && [...s.domains].every((d) => s.ended.has(d));
          if (allEnded || now - t0 > DRAIN_MAX_MS || (s.domains.size === 0 && now - Math.max(t0, lastRecord) >= SETTLE_MS)) {
            s.wake = undefined;
            clearTimeout(timer);
            done();
            return;
          }
          timer = setTimeout(check, s.domains.size ? 50 : SETTLE_MS);
        };
        let timer: ReturnType<typeof setTimeout> | undefined;
        s.wake = check;
        check();
      });
      // Denials the kernel counted for the run's domains but never logged (or this reader never got).
      if (s.counted > s.seen) log.lost(s.counted - s.seen);
      sessions.delete(s);
      for (const p of s.pids) if (byPid.get(p) === s) byPid.delete(p);
      for (const d of s.domains) byDomain.set(d, null);
      if (sessions.size === 0) stop();
    },
  };
}
