// Which resolved addresses a name grant may never lead to: this host's own
// services and what only this host can reach. A grant that names an IP
// literal or `localhost` is the user saying so explicitly, and is not
// checked here. Pure.
import { addressText, parseIPv4, parseIPv6 } from "../policy/net-hosts.ts";

/** 4 or 16 bytes of an address in text, or undefined. */
export function addressBytes(text: string): Uint8Array | undefined {
  return parseIPv4(text) ?? (text.includes(":") ? parseIPv6(text) : undefined);
}

function v4Reason(b: Uint8Array): string | undefined {
  const [a, c] = [b[0]!, b[1]!];
  if (a === 127) return "loopback";
  if (a === 0) return "this host (0.0.0.0/8)";
  if (a === 169 && c === 254) return b[2] === 169 && b[3] === 254 ? "cloud metadata (169.254.169.254)" : "link-local";
  if (a >= 224) return a < 240 ? "multicast" : "reserved or broadcast";
  return undefined;
}

const zero = (b: Uint8Array, from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
const startsWith = (b: Uint8Array, prefix: number[]) => prefix.every((x, i) => b[i] === x);

/**
 * IPv4 addresses an IPv6 address carries, in the forms a host may route to
 * them: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96
 * and 64:ff9b:1::/48, RFC 6052/8215), 6to4 (2002::/16) and Teredo's client
 * (2001::/32, inverted).
 */
export function embeddedIPv4(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (zero(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) out.push(b.slice(12));
  else if (zero(b, 0, 12) && !zero(b, 12, 15)) out.push(b.slice(12));
  if (startsWith(b, [0x00, 0x64, 0xff, 0x9b]) && zero(b, 4, 12)) out.push(b.slice(12));
  if (startsWith(b, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01])) out.push(Uint8Array.of(b[6]!, b[7]!, b[9]!, b[10]!));
  if (startsWith(b, [0x20, 0x02])) out.push(b.slice(2, 6));
  if (startsWith(b, [0x20, 0x01, 0x00, 0x00])) out.push(b.slice(12).map((x) => x ^ 0xff));
  return out;
}

function v6Reason(b: Uint8Array): string | undefined {
  if (zero(b, 0, 16)) return "this host (::)";
  if (zero(b, 0, 15) && b[15] === 1) return "loopback";
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return "link-local";
  if (b[0] === 0xff) return "multicast";
  if (addressText(b) === "fd00:ec2::254") return "cloud metadata (fd00:ec2::254)";
  for (const v4 of embeddedIPv4(b)) {
    const r = v4Reason(v4);
    if (r) return `${r} in IPv6 form (${addressText(v4)})`;
  }
  return undefined;
}

/** An address's canonical text and, for IPv6, those of the IPv4 addresses it carries (mapped, NAT64...); none for what is no address. */
export function ipv4Forms(text: string): string[] {
  const b = addressBytes(text);
  return b ? [addressText(b), ...(b.length === 16 ? embeddedIPv4(b).map(addressText) : [])] : [];
}

/**
 * Why a resolved address is refused for a name grant, or undefined when it
 * may be connected to. `own`: this host's interface addresses (canonical
 * text), which reach its services however they are spelled.
 */
export function refusedAddress(text: string, own: ReadonlySet<string>): string | undefined {
  const b = addressBytes(text);
  if (!b) return "not an address";
  const r = b.length === 4 ? v4Reason(b) : v6Reason(b);
  if (r) return r;
  if (own.has(addressText(b))) return "an address of this host";
  for (const v4 of b.length === 16 ? embeddedIPv4(b) : []) if (own.has(addressText(v4))) return `an address of this host in IPv6 form (${addressText(v4)})`;
  return undefined;
}
