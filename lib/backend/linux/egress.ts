// Host grants on Linux, the running half (the plan is lib/plan/linux/egress.ts):
// the spawn child makes the relay's sockets in its new network namespace and
// sends them here; a native relay thread owns them (ffi/linux-relay.ts); this
// module answers its events on Bun's event loop with lib/net/decide.ts —
// DNS answers, which address a connection is relayed to (resolved now, for
// this connect, and checked), refusals — and counts every destination for
// the report (and tells each decision to spawn()'s onNetwork). When the
// command's tree is gone, closing the control socket ends the relay and
// every socket of the sandbox.
import type { FdSocketOptions, Socket } from "bun";
import { readFileSync } from "node:fs";
import { O_NONBLOCK, socketPair, type NetnsSetup } from "../../../ffi/linux-spawn.ts";
import { listenLoopback, recvFds, RELAY_HEADER_SIZE, RELAY_RECORD, relayStart, type RelayListener } from "../../../ffi/linux-relay.ts";
import { closeFd } from "../../../ffi/linux.ts";
import { addressBytes } from "../../net/addresses.ts";
import { EgressDecisions, type Target } from "../../net/decide.ts";
import { proxyResponse } from "../../net/proxy-head.ts";
import { DestinationLog, LOOKUP_REFUSED, type NetworkReport } from "../../net/destinations.ts";
import { LookupsAhead } from "../../net/lookups-ahead.ts";
import { ownAddresses } from "../../net/own-addresses.ts";
import { resolverFor } from "../../net/resolve.ts";
import { route } from "../../net/route.ts";
import { nameservers, planEgressNetns, proxyEnv, type EgressNetns } from "../../plan/linux/egress.ts";
import { addressText } from "../../policy/net-hosts.ts";
import type { Egress } from "../../policy/types.ts";
import type { NetworkDestination, NetworkHook } from "../../report.ts";

const connectFd = Bun.connect as unknown as (options: FdSocketOptions) => Promise<Socket>;
const encoder = new TextEncoder();
/**
 * A request head's bytes as text and back, one character per byte (ISO-8859-1):
 * header values may hold any byte 0x80-0xff, and the head goes upstream as it
 * came. (TextDecoder's "latin1" is windows-1252, and TextEncoder writes UTF-8.)
 */
const headText = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
const headBytes = (s: string) => Buffer.from(s, "latin1");

/** The resolvers the sandbox's resolv.conf names (the host's own file: the sandbox sees it, or none and then 127.0.0.1). */
function hostResolvers(): string[] {
  try {
    return nameservers(readFileSync("/etc/resolv.conf", "utf8"));
  } catch {
    return [];
  }
}

/** A relay record: header {len, kind, id, aux} and body. */
function record(kind: number, id: number, body: readonly Uint8Array[] = [], aux = 0): Uint8Array {
  const len = RELAY_HEADER_SIZE + body.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint32(0, len, true);
  v.setUint32(4, kind, true);
  v.setUint32(8, id, true);
  v.setUint32(12, aux, true);
  let at = RELAY_HEADER_SIZE;
  for (const b of body) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** The relay's 20-byte address: family, 0, port (little-endian), 16 address bytes. */
function addressRecord(address: string, port: number): Uint8Array {
  const bytes = addressBytes(address)!;
  const out = new Uint8Array(20);
  out[0] = bytes.length === 4 ? 4 : 6;
  out[2] = port & 0xff;
  out[3] = port >> 8;
  out.set(bytes, 4);
  return out;
}

function parseAddressRecord(b: Uint8Array): { address: string; port: number } {
  return { address: addressText(b.subarray(4, b[0] === 4 ? 8 : 20)), port: b[2]! | (b[3]! << 8) };
}

/** How long stop() waits for the relay to tell the closes of connections still open (it answers in well under a millisecond when well). */
const STOP_WAIT_MS = 2000;

const u32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);

/** errno names the report uses for a failed upstream connect. */
const ERRNO: Record<number, string> = { 101: "ENETUNREACH", 110: "ETIMEDOUT", 111: "ECONNREFUSED", 113: "EHOSTUNREACH", 104: "ECONNRESET", 97: "EAFNOSUPPORT" };

export class EgressRelay {
  /** What the child makes in its network namespace; absent in proxy-only mode. */
  readonly plan: EgressNetns | undefined;
  /** Variables the command gets: where cordon's proxy listens. */
  readonly env: Readonly<Record<string, string>>;
  /** Proxy-only mode: the port of cordon's proxy on this host's loopback (landlock lets TCP connect there only). */
  readonly proxyPort: number | undefined;
  private proxyFd: number | undefined;
  private readonly log: DestinationLog;
  private readonly decisions: EgressDecisions;
  private readonly lookups: LookupsAhead;
  /** [ours, the child's]: the child sends the sockets it made on the second. */
  private channel: [number, number] | undefined;
  private socket: Socket | undefined;
  private queue: Uint8Array[] = [];
  private pending = new Uint8Array(0);
  private closed = false;
  /** Open connections: their report entry and address, the request head forwarded first, and why the connect failed. */
  private readonly conns = new Map<number, { entry: NetworkDestination; address: string; head: number; sent: number; failed?: string }>();
  /** While stop() waits for the last closes: called once none is open. */
  private drained: (() => void) | undefined;

  /**
   * `netns`: the child makes the listeners in its own network namespace.
   * `proxy`: no namespace here; a proxy listener on this host's loopback, made now.
   * `onNetwork`: told of each decision (lib/net/observer.ts).
   */
  constructor(egress: Egress, mode: "netns" | "proxy", onNetwork?: NetworkHook) {
    this.log = new DestinationLog(onNetwork);
    if (mode === "netns") {
      this.plan = planEgressNetns(egress, hostResolvers());
      this.env = this.plan.env;
      this.proxyPort = undefined;
    } else {
      const { fd, port } = listenLoopback();
      this.plan = undefined;
      this.proxyFd = fd;
      this.proxyPort = port;
      this.env = proxyEnv(port);
    }
    this.decisions = new EgressDecisions(egress, ownAddresses);
    this.lookups = new LookupsAhead(resolverFor(egress));
  }

  get network(): NetworkReport {
    return this.log.report;
  }

  /** What the spawn's child makes once lo is up (child-options.ts): the addresses and the sockets, and the channel they come back on (nothing in proxy-only mode). */
  spawnOptions(): { netns: NetnsSetup } | undefined {
    const plan = this.plan;
    if (!plan) return undefined;
    this.channel = socketPair(O_NONBLOCK);
    const bytes = (a: string) => addressBytes(a)!;
    return {
      netns: {
        channel: this.channel[1],
        addresses: plan.addresses.map((a) => ({ address: bytes(a), prefix: a.includes(":") ? 128 : 32, optional: a.includes(":") })),
        sockets: plan.listeners.map((l) => ({
          family: l.family,
          kind: l.kind === "dnsUdp" ? "dgram" : "stream",
          ...(l.address !== undefined && { address: bytes(l.address) }),
          port: l.port,
          ...(l.optional && { optional: true }),
          ...(l.family === 6 && l.kind === "transparent" && { v6only: true }),
        })),
      },
    };
  }

  /** The spawn failed: nothing was made, and the proxy listener (if any) goes. */
  abort(): void {
    this.closeChannel();
    if (this.proxyFd !== undefined) closeFd(this.proxyFd);
    this.proxyFd = undefined;
    this.closed = true;
  }

  private closeChannel(): void {
    for (const fd of this.channel ?? []) closeFd(fd);
    this.channel = undefined;
  }

  /** After the spawn: the child's sockets to a new relay thread, and its control socket to Bun's loop. */
  start(): void {
    let fds: number[] = [];
    let ctl: [number, number] | undefined;
    try {
      const listeners: RelayListener[] = [];
      if (this.plan) {
        const got = recvFds(this.channel![0], this.plan.listeners.length, this.plan.listeners.length);
        fds = got.fds;
        let next = 0;
        this.plan.listeners.forEach((l, tag) => {
          if (got.data[tag] === 1) listeners.push({ fd: fds[next++]!, kind: l.kind, tag });
        });
      } else {
        fds = [this.proxyFd!];
        this.proxyFd = undefined;
        listeners.push({ fd: fds[0]!, kind: "proxy", tag: 0 });
      }
      ctl = socketPair(O_NONBLOCK);
      relayStart(ctl[1], listeners);
    } catch (e) {
      for (const fd of [...fds, ...(ctl ?? [])]) closeFd(fd);
      throw e;
    } finally {
      this.closeChannel();
    }
    void connectFd({
      fd: ctl[0],
      socket: {
        binaryType: "uint8array",
        open: (s) => {
          this.socket = s;
          if (this.closed) return void s.end();
          this.flush();
        },
        data: (_s, chunk: Uint8Array) => this.receive(chunk),
        drain: () => this.flush(),
        close: () => {
          this.closed = true;
          this.drained?.();
        },
        error: () => {
          this.closed = true;
          this.drained?.();
        },
      },
    }).catch(() => {
      this.closed = true;
    });
  }

  /**
   * The command's tree is gone: the relay closes every socket of the sandbox
   * and ends. First the close of each connection still open here is awaited
   * (the tree's end closed its clients, so the relay is telling them, bytes
   * and all; its queue keeps room for closes), so that the report is whole
   * once the run has exited; at most STOP_WAIT_MS, should the relay not answer.
   */
  async stop(): Promise<void> {
    this.closed = true;
    if (this.conns.size > 0 && this.socket) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, STOP_WAIT_MS);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.drained = done;
      });
    }
    this.drained = undefined;
    this.socket?.end();
    this.log.flush();
  }

  private send(r: Uint8Array): void {
    if (this.closed) return;
    this.queue.push(r);
    this.flush();
  }

  private flush(): void {
    const s = this.socket;
    if (!s) return;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const n = s.write(head);
      if (n < head.length) {
        this.queue[0] = head.subarray(Math.max(0, n));
        return;
      }
      this.queue.shift();
    }
  }

  private receive(chunk: Uint8Array): void {
    const all = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (all.length - at >= RELAY_HEADER_SIZE) {
      const v = new DataView(all.buffer, all.byteOffset + at);
      const len = v.getUint32(0, true);
      if (all.length - at < len) break;
      this.event(v.getUint32(4, true), v.getUint32(8, true), v.getUint32(12, true), all.subarray(at + RELAY_HEADER_SIZE, at + len));
      at += len;
    }
    this.pending = all.slice(at);
  }

  private event(kind: number, id: number, aux: number, body: Uint8Array): void {
    switch (kind) {
      case RELAY_RECORD.dns:
        return this.dns(id, body);
      case RELAY_RECORD.accept: {
        const { address, port } = parseAddressRecord(body);
        const t = this.decisions.accepted(address, port);
        if ("refused" in t) {
          this.log.note("connect", t.host, t.port, { allowed: false, reason: t.refused });
          return this.send(record(RELAY_RECORD.refuse, id));
        }
        return void this.relay(id, t, undefined);
      }
      case RELAY_RECORD.head: {
        const out = this.decisions.proxied(headText(body));
        if ("refused" in out) {
          this.log.note("connect", out.host, out.port, { allowed: false, reason: out.refused });
          return this.send(record(RELAY_RECORD.refuse, id, [encoder.encode(out.response)]));
        }
        return void this.relay(id, out.target, out);
      }
      case RELAY_RECORD.connected: {
        const c = this.conns.get(id);
        if (c && aux !== 0) c.entry.reason = c.failed = `connect to ${c.address} failed: ${ERRNO[aux] ?? `errno ${aux}`}`;
        // A forwarded request head went upstream before the splice that counts the rest.
        else if (c) {
          c.entry.bytesOut += c.head;
          c.sent = c.head;
        }
        return;
      }
      case RELAY_RECORD.closed: {
        const c = this.conns.get(id);
        if (!c) return;
        this.conns.delete(id);
        const v = body.length >= 16 ? new DataView(body.buffer, body.byteOffset) : undefined;
        const [out, into] = v ? [Number(v.getBigUint64(0, true)), Number(v.getBigUint64(8, true))] : [0, 0];
        c.entry.bytesOut += out;
        c.entry.bytesIn += into;
        this.log.closed(c.entry, { address: c.address, bytesOut: c.sent + out, bytesIn: into, failed: c.failed });
        if (this.conns.size === 0) this.drained?.();
        return;
      }
    }
  }

  private dns(id: number, query: Uint8Array): void {
    const out = this.decisions.dns(query);
    if (out.reply) this.send(record(RELAY_RECORD.dnsReply, id, [out.reply]));
    if (out.refused && out.name !== undefined) this.log.note("lookup", out.name, undefined, { allowed: false, reason: `${LOOKUP_REFUSED}${out.refused}` });
    else if (out.grant !== undefined && out.name !== undefined) this.log.looked(out.name, out.grant);
    if (out.relayed === undefined) return;
    // A connect to the name may follow: what it needs is made now, after the answer went out.
    this.lookups.looked(out.relayed);
    this.decisions.ownAddresses();
  }

  /**
   * Has the relay connect to where the target is routed now (lib/net/route.ts).
   * `proxy`: what a proxy client gets first and what goes upstream first
   * (transparent connections: nothing).
   */
  private async relay(id: number, t: Target, proxy: { readonly ok: string; readonly upstream: string } | undefined): Promise<void> {
    const r = await route(this.decisions, this.lookups.forConnect, this.log, t);
    // Stopped meanwhile: the relay has dropped the connection (its close came before it was known here).
    if (this.closed) return;
    if ("refused" in r) return this.send(record(RELAY_RECORD.refuse, id, proxy ? [encoder.encode(proxyResponse(403, `${t.host}:${t.port} ${r.refused}`))] : []));
    const fail = proxy ? proxyResponse(502, `${t.host}:${t.port} could not be reached at ${r.address}`) : "";
    const [okB, failB, upB] = [encoder.encode(proxy?.ok ?? ""), encoder.encode(fail), headBytes(proxy?.upstream ?? "")];
    this.conns.set(id, { entry: r.entry, address: r.address, head: upB.length, sent: 0 });
    this.send(record(RELAY_RECORD.connect, id, [addressRecord(r.address, t.port), u32(okB.length), u32(failB.length), okB, failB, upB]));
  }
}
