// The server name (SNI, RFC 6066) of a TLS ClientHello: what a client sends
// first through a CONNECT tunnel. cordon's proxy compares it with the CONNECT
// host so that a tunnel granted for one name does not carry TLS for another
// (domain fronting by SNI). Only read, never changed; TLS stays end to end.
// Pure.

export type HelloRead =
  /** More bytes are needed to read the ClientHello. */
  | { readonly need: true }
  /** The first byte is no TLS handshake record: another protocol. */
  | { readonly notTls: true }
  | { readonly error: string }
  /** The ClientHello's host_name, lowercase, without a trailing dot; undefined when it sends none. */
  | { readonly serverName: string | undefined };

const HANDSHAKE = 0x16;
const CLIENT_HELLO = 1;
const SERVER_NAME = 0;
/** A ClientHello larger than this is no client's. */
const MAX_HELLO = 1 << 16;

/** Reads the ClientHello at the start of `bytes`, joining handshake records as a client may split it. */
export function readClientHello(bytes: Uint8Array): HelloRead {
  if (bytes.length === 0) return { need: true };
  if (bytes[0] !== HANDSHAKE) return { notTls: true };
  // The handshake message, from the fragments of consecutive handshake records.
  const parts: Uint8Array[] = [];
  let have = 0;
  let at = 0;
  let want = -1;
  while (want < 0 || have < want) {
    if (bytes.length < at + 5) return { need: true };
    if (bytes[at] !== HANDSHAKE) return { error: "a TLS record other than a handshake before the ClientHello ended" };
    const len = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    if (len === 0 || len > 1 << 14) return { error: "a TLS record of an impossible length" };
    if (bytes.length < at + 5 + len) return { need: true };
    parts.push(bytes.subarray(at + 5, at + 5 + len));
    have += len;
    at += 5 + len;
    if (want < 0 && have >= 4) {
      const head = join(parts, 4);
      if (head[0] !== CLIENT_HELLO) return { error: "the first handshake message is not a ClientHello" };
      want = 4 + ((head[1]! << 16) | (head[2]! << 8) | head[3]!);
      if (want > MAX_HELLO) return { error: "a ClientHello too large" };
    }
  }
  return serverName(join(parts, want).subarray(4));
}

function join(parts: readonly Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    if (at >= n) break;
    const take = p.subarray(0, n - at);
    out.set(take, at);
    at += take.length;
  }
  return out;
}

/** The host_name in a ClientHello's body (version, random, session id, ciphers, compression, extensions). */
function serverName(b: Uint8Array): HelloRead {
  const bad = { error: "a malformed ClientHello" };
  let at = 2 + 32;
  if (at >= b.length) return bad;
  at += 1 + b[at]!; // session id
  if (at + 2 > b.length) return bad;
  at += 2 + ((b[at]! << 8) | b[at + 1]!); // cipher suites
  if (at >= b.length) return bad;
  at += 1 + b[at]!; // compression methods
  if (at === b.length) return { serverName: undefined }; // no extensions at all
  if (at + 2 > b.length) return bad;
  const end = at + 2 + ((b[at]! << 8) | b[at + 1]!);
  if (end > b.length) return bad;
  at += 2;
  let name: string | undefined;
  let seen = false;
  while (at < end) {
    if (at + 4 > end) return bad;
    const type = (b[at]! << 8) | b[at + 1]!;
    const len = (b[at + 2]! << 8) | b[at + 3]!;
    const body = b.subarray(at + 4, at + 4 + len);
    if (at + 4 + len > end) return bad;
    if (type === SERVER_NAME) {
      // Twice would let two readers see two names.
      if (seen) return { error: "a ClientHello with two server_name extensions" };
      seen = true;
      const got = hostName(body);
      if (typeof got !== "string" && got !== undefined) return got;
      name = got;
    }
    at += 4 + len;
  }
  return { serverName: name };
}

/** The one host_name entry of a server_name extension (RFC 6066 allows one per type). */
function hostName(b: Uint8Array): string | undefined | { error: string } {
  if (b.length < 2 || ((b[0]! << 8) | b[1]!) !== b.length - 2) return { error: "a malformed server_name extension" };
  let at = 2;
  let name: string | undefined;
  while (at < b.length) {
    if (at + 3 > b.length) return { error: "a malformed server_name extension" };
    const type = b[at]!;
    const len = (b[at + 1]! << 8) | b[at + 2]!;
    if (at + 3 + len > b.length) return { error: "a malformed server_name extension" };
    if (type === 0) {
      if (name !== undefined) return { error: "a server_name extension with two host names" };
      const text = String.fromCharCode(...b.subarray(at + 3, at + 3 + len));
      if (!/^[A-Za-z0-9._-]+$/.test(text)) return { error: "a server name that is no host name" };
      name = text.toLowerCase().replace(/\.$/, "");
    }
    at += 3 + len;
  }
  return name;
}
