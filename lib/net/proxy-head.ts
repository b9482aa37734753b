// The request head a client sends cordon's HTTP proxy in the sandbox (for
// clients that follow HTTP(S)_PROXY): CONNECT host:port, or a plain-HTTP
// request with an absolute URI, rewritten to the origin form the server
// expects. TLS is never looked into. Pure.
import { destinationOf } from "../policy/net-hosts.ts";

export type ProxyRequest =
  | { readonly kind: "connect"; readonly host: string; readonly port: number }
  | { readonly kind: "forward"; readonly host: string; readonly port: number; readonly head: string }
  | { readonly kind: "error"; readonly status: number; readonly reason: string };

/** host:port or [v6]:port of a CONNECT (a port is required). */
function authority(text: string, defaultPort?: number): { host: string; port: number } | undefined {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/?#[\]@]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port === undefined || !(port >= 1 && port <= 65535)) return undefined;
  return { host: m[1]!, port };
}

/** Headers meant for the proxy, never passed on. */
const HOP = /^(proxy-connection|proxy-authorization|proxy-authenticate):/i;
/** The connection's own headers: replaced by "Connection: close". */
const CONNECTION = /^(connection|keep-alive):/i;
const HOST = /^host:[ \t]*(.*?)[ \t]*$/i;
/**
 * A header line as RFC 9112 has it: a token, the colon right after it, a
 * value without control characters but tab. Anything else (a bare LF or CR
 * inside a line, a space before the colon, a folded continuation) a lenient
 * server may split into a header cordon did not see, such as another Host.
 */
const FIELD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\x00-\x08\x0a-\x1f\x7f]*$/;

/** The same host and port, however spelled (case, a trailing dot, an IPv6 literal's forms). */
function sameAuthority(a: { host: string; port: number }, b: { host: string; port: number }): boolean {
  const [x, y] = [destinationOf(a.host), destinationOf(b.host)];
  return x !== undefined && y !== undefined && x.kind === y.kind && x.host === y.host && a.port === b.port;
}

export function parseProxyHead(head: string): ProxyRequest {
  const lines = head.split("\r\n");
  const m = /^([A-Z]+) (\S+) (HTTP\/1\.[01])$/.exec(lines[0] ?? "");
  if (!m) return { kind: "error", status: 400, reason: "not an HTTP/1.x request line" };
  const [, method, target, version] = m as unknown as [string, string, string, string];
  if (method === "CONNECT") {
    const a = authority(target);
    return a ? { kind: "connect", ...a } : { kind: "error", status: 400, reason: `CONNECT needs host:port, got ${JSON.stringify(target)}` };
  }
  const u = /^http:\/\/([^/?#]+)([/?][^#]*)?$/i.exec(target);
  if (!u) return { kind: "error", status: 400, reason: `a proxy request needs an absolute http:// URI (https goes through CONNECT), got ${JSON.stringify(target)}` };
  const a = authority(u[1]!, 80);
  if (!a) return { kind: "error", status: 400, reason: `not a host[:port]: ${JSON.stringify(u[1])}` };
  const path = u[2] === undefined ? "/" : u[2].startsWith("?") ? `/${u[2]}` : u[2];
  const end = lines.indexOf("", 1);
  const fields = lines.slice(1, end < 0 ? undefined : end);
  const bad = fields.find((l) => !FIELD.test(l));
  if (bad !== undefined) return { kind: "error", status: 400, reason: `a malformed header line: ${JSON.stringify(bad.slice(0, 80))}` };
  const headers = fields.filter((l) => !HOP.test(l) && !CONNECTION.test(l));
  // The server the request goes to picks its site by Host: it must name the URI's host (no fronting by Host).
  const hosts = headers.map((l) => HOST.exec(l)?.[1]).filter((h) => h !== undefined);
  if (hosts.length > 1) return { kind: "error", status: 400, reason: "a request with two Host headers" };
  const named = hosts.length ? authority(hosts[0]!, 80) : a;
  if (!named || !sameAuthority(named, a)) return { kind: "error", status: 400, reason: `the Host header names another host than the request's URI: ${JSON.stringify(hosts[0])}` };
  // One request per connection: whatever the client sends after it reaches no server as a request of its own.
  return { kind: "forward", ...a, head: [`${method} ${path} ${version}`, ...headers, "Connection: close", "", ""].join("\r\n") };
}

/** A short HTTP response for a refused or failed proxy request. */
export function proxyResponse(status: number, reason: string): string {
  const text = { 400: "Bad Request", 403: "Forbidden", 502: "Bad Gateway" }[status] ?? "Error";
  const body = `cordon: ${reason}\n`;
  return `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}
