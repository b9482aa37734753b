// cordon's portable egress proxy: an HTTP proxy (CONNECT, and plain-HTTP
// requests with an absolute URI) on this host's loopback, run in cordon's
// own process on Bun's sockets, for systems where the OS sandbox can confine
// the command to one loopback port but cordon has no relay of its own
// (macOS: Seatbelt; Windows: WFP). Every request goes through the same
// decisions as the Linux relay (lib/net/decide.ts: grants, deny rules, the
// address resolved for this connection and its checks) and is counted for
// the report (and told to spawn()'s onNetwork). TLS is never terminated;
// through a CONNECT tunnel to a granted name, the ClientHello's server name
// must be that name (tls-hello.ts).
import { connect, createServer, type Server, type Socket } from "node:net";
import { networkInterfaces } from "node:os";
import type { Egress } from "../policy/types.ts";
import type { NetworkHook } from "../report.ts";
import { EgressDecisions } from "./decide.ts";
import { DestinationLog, type NetworkReport } from "./destinations.ts";
import { ownAddresses } from "./own-addresses.ts";
import { proxyResponse } from "./proxy-head.ts";
import { resolverFor, type Resolve } from "./resolve.ts";
import { route } from "./route.ts";
import { readClientHello } from "./tls-hello.ts";

/** A request head longer than this is no client's: refused. */
const MAX_HEAD = 16 * 1024;
/** A client that sends no complete head within this long is dropped. */
const HEAD_TIMEOUT_MS = 30_000;
const BLANK_LINE = Buffer.from("\r\n\r\n");

/** A server listening on `host`:`port` now, or (`mayFail`) one whose address() is null when the bind failed. */
function bound(port: number, host: string, mayFail = false): Server {
  const server = createServer();
  server.on("error", () => server.close());
  server.listen(port, host);
  if (!server.address() && !mayFail) throw new Error(`the egress proxy could not listen on ${host}`);
  return server;
}

const hasLoopback6 = () => Object.values(networkInterfaces()).some((l) => l?.some((i) => i.address === "::1"));

export type ProxyOptions = {
  /** This host's own addresses (default: its interfaces'). */
  readonly own?: ReadonlySet<string>;
  /** How granted names are resolved (default: the policy's resolver, else getaddrinfo). */
  readonly resolve?: Resolve;
  /** Told of each decision (observer.ts). */
  readonly onNetwork?: NetworkHook | undefined;
};

export class EgressProxy {
  private readonly sockets = new Set<Socket>();
  private stopped = false;

  private constructor(
    private readonly servers: readonly Server[],
    /** The loopback port the command's proxy variables name. */
    readonly port: number,
    private readonly decisions: EgressDecisions,
    private readonly resolve: Resolve,
    private readonly log: DestinationLog,
  ) {}

  /**
   * Listens on 127.0.0.1 at a port the kernel picks, and on ::1 at the same
   * port where this host has IPv6 loopback: a sandbox allowed to reach
   * "localhost:PORT" must find cordon there on either, never another
   * service. Synchronous (Bun binds at listen()), so a spawn can name the
   * port at once.
   */
  static start(egress: Egress, opts: ProxyOptions = {}): EgressProxy {
    const decisions = new EgressDecisions(egress, opts.own ?? ownAddresses);
    for (let attempt = 0; attempt < 16; attempt++) {
      const v4 = bound(0, "127.0.0.1");
      const port = (v4.address() as { port: number }).port;
      const servers = [v4];
      if (hasLoopback6()) {
        const v6 = bound(port, "::1", true);
        if (!v6.address()) {
          v4.close();
          continue; // that port is taken on ::1: another one
        }
        servers.push(v6);
      }
      const proxy = new EgressProxy(servers, port, decisions, opts.resolve ?? resolverFor(egress), new DestinationLog(opts.onNetwork));
      for (const s of servers) s.on("connection", (c: Socket) => proxy.accept(c));
      return proxy;
    }
    throw new Error("no loopback port was free on both 127.0.0.1 and ::1 for the egress proxy");
  }

  /** Each destination asked for, allowed or refused; complete once `stop` has run. */
  get network(): NetworkReport {
    return this.log.report;
  }

  /** No new connections, and every open one closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    const closed = this.servers.map((server) => new Promise<void>((ok) => server.close(() => ok())));
    for (const s of this.sockets) s.destroy();
    await Promise.all(closed);
    this.log.flush();
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on("close", () => this.sockets.delete(s));
    s.on("error", () => s.destroy());
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.stopped) return void client.destroy();
    client.setTimeout(HEAD_TIMEOUT_MS, () => client.destroy());
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      const from = Math.max(0, buf.length - 3);
      buf = Buffer.concat([buf, chunk]);
      const at = buf.indexOf(BLANK_LINE, from);
      if (at < 0) {
        if (buf.length > MAX_HEAD) client.end(proxyResponse(400, "request head too long"));
        return;
      }
      client.off("data", onData);
      client.pause();
      client.setTimeout(0);
      const end = at + BLANK_LINE.length;
      void this.request(client, buf.subarray(0, end).toString("latin1"), buf.subarray(end));
    };
    client.on("data", onData);
  }

  private async request(client: Socket, head: string, rest: Buffer): Promise<void> {
    const out = this.decisions.proxied(head);
    if ("refused" in out) {
      this.log.note("connect", out.host, out.port, { allowed: false, reason: out.refused });
      return void client.end(out.response);
    }
    const t = out.target;
    const r = await route(this.decisions, this.resolve, this.log, t);
    if ("refused" in r) return void client.end(proxyResponse(403, `${t.host}:${t.port} ${r.refused}`));
    if (client.destroyed) return;
    const upstream = connect({ host: r.address, port: t.port });
    this.track(upstream);
    let open = false;
    let failed: string | undefined;
    upstream.once("error", (e: NodeJS.ErrnoException) => {
      if (open) return client.destroy();
      r.entry.reason = failed = `connect to ${r.address} failed: ${e.code ?? e.message}`;
      client.end(proxyResponse(502, `${t.host}:${t.port} could not be reached at ${r.address}`));
    });
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => {
      r.entry.bytesOut += upstream.bytesWritten;
      r.entry.bytesIn += upstream.bytesRead;
      this.log.closed(r.entry, { address: r.address, bytesOut: upstream.bytesWritten, bytesIn: upstream.bytesRead, failed });
      if (open) client.end();
    });
    upstream.once("connect", () => {
      open = true;
      if (out.ok) client.write(out.ok);
      // Byte for byte as it came (read as latin1 above): header values may hold bytes 0x80-0xff.
      if (out.upstream) upstream.write(out.upstream, "latin1");
      const relay = (first: Buffer) => {
        if (first.length) upstream.write(first);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      };
      // A tunnel to a granted name carries TLS for that name only (a literal or localhost has no name to compare).
      if (out.ok && !t.address) this.checkHello(client, rest, t.host, relay, (reason) => {
        r.entry.count--;
        this.log.note("connect", t.host, t.port, { allowed: false, reason });
        client.destroy();
        upstream.destroy();
      });
      else relay(rest);
    });
  }

  /**
   * Reads what the client sends first through a CONNECT tunnel before any of
   * it goes upstream: a TLS ClientHello must name `host` (SNI); another
   * protocol passes unread (nothing to compare).
   */
  private checkHello(client: Socket, rest: Buffer, host: string, pass: (first: Buffer) => void, refuse: (reason: string) => void): void {
    let buf = rest;
    const decide = (): boolean => {
      const h = readClientHello(buf);
      if ("need" in h) return false;
      client.off("data", onData);
      client.setTimeout(0);
      client.pause();
      if ("notTls" in h) pass(buf);
      else if ("error" in h) refuse(`TLS through the tunnel refused: ${h.error}`);
      else if (h.serverName === host) pass(buf);
      else refuse(h.serverName === undefined ? `TLS through the tunnel to ${host} names no server (SNI)` : `TLS through the tunnel to ${host} names another server: ${h.serverName}`);
      return true;
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      decide();
    };
    if (decide()) return;
    client.setTimeout(HEAD_TIMEOUT_MS, () => client.destroy());
    client.on("data", onData);
    client.resume();
  }
}
