// Host grants of `net.hosts` / `net.deny` (`--allow-net=HOST[:PORT]`,
// `--deny-net=...`): parsed once into rules, matched against a name or an IP
// literal and a port. Pure: no lookups here.

/** What a rule names: one DNS name, every name beneath a suffix, localhost, or one address. */
export type HostKind = "name" | "suffix" | "localhost" | "ipv4" | "ipv6";

export type HostRule = {
  readonly kind: HostKind;
  /** Lowercase name without a trailing dot; the suffix without "*."; an address in canonical text. */
  readonly host: string;
  /** Absent: every port. */
  readonly port?: number;
};

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** A lowercase ASCII name (IDNA through URL for non-ASCII), or undefined when it is no host name. */
export function normalName(text: string): string | undefined {
  let name = text.toLowerCase();
  if (name.endsWith(".")) name = name.slice(0, -1);
  if (/[^\x00-\x7f]/.test(name)) {
    try {
      name = new URL(`http://${name}/`).hostname;
    } catch {
      return undefined;
    }
  }
  if (name === "" || name.length > 253) return undefined;
  const labels = name.split(".");
  if (!labels.every((l) => LABEL.test(l))) return undefined;
  // All digits and dots is an address (or a malformed one), never a name.
  if (labels.every((l) => /^\d+$/.test(l))) return undefined;
  return name;
}

/** Four bytes of a dotted-quad IPv4 literal (each part 0-255, no leading zeros), or undefined. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

/** Sixteen bytes of an IPv6 literal (with `::` and an embedded IPv4 tail; no zone), or undefined. */
export function parseIPv6(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIPv4(p);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** Canonical text of 4 or 16 address bytes (RFC 5952 for IPv6: lowercase, longest zero run as ::). */
export function addressText(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join(".");
  const g = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

function port(text: string): number | undefined {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return n >= 1 && n <= 65535 ? n : undefined;
}

/**
 * One grant: `name`, `*.suffix`, `localhost`, `1.2.3.4`, `2001:db8::1`,
 * `[2001:db8::1]`, each with an optional `:PORT` (an unbracketed IPv6 literal
 * takes none). Returns a problem to report instead of a rule.
 */
export function parseHostRule(text: string): HostRule | string {
  if (typeof text !== "string" || text === "") return "expected HOST or HOST:PORT";
  let host = text;
  let portText: string | undefined;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) return `an IPv6 literal opened with [ must close with ]: ${JSON.stringify(text)}`;
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) return `expected [IPv6]:PORT: ${JSON.stringify(text)}`;
      portText = rest.slice(1);
    }
    const v6 = parseIPv6(host);
    if (!v6) return `not an IPv6 address: ${JSON.stringify(host)}`;
    return withPort({ kind: "ipv6", host: addressText(v6) }, portText, text);
  }
  const colons = text.split(":").length - 1;
  if (colons > 1) {
    const v6 = parseIPv6(text);
    return v6 ? { kind: "ipv6", host: addressText(v6) } : `not an IPv6 address (write [IPv6]:PORT for a port): ${JSON.stringify(text)}`;
  }
  if (colons === 1) [host, portText] = text.split(":") as [string, string];
  const v4 = parseIPv4(host);
  if (v4) return withPort({ kind: "ipv4", host: addressText(v4) }, portText, text);
  if (/^[\d.]+$/.test(host)) return `not an IPv4 address: ${JSON.stringify(host)}`;
  if (host.startsWith("*.")) {
    const suffix = normalName(host.slice(2));
    if (!suffix) return `not a host name after "*.": ${JSON.stringify(host)}`;
    if (!suffix.includes(".")) return `a wildcard needs at least two labels after "*." (every name under a top-level domain is no allow-list): ${JSON.stringify(host)}`;
    return withPort({ kind: "suffix", host: suffix }, portText, text);
  }
  if (host.includes("*")) return `a wildcard is only "*." before a suffix: ${JSON.stringify(host)}`;
  const name = normalName(host);
  if (!name) return `not a host name: ${JSON.stringify(host)}`;
  return withPort({ kind: name === "localhost" ? "localhost" : "name", host: name }, portText, text);
}

function withPort(rule: HostRule, portText: string | undefined, text: string): HostRule | string {
  if (portText === undefined) return rule;
  const p = port(portText);
  return p === undefined ? `not a port (1-65535): ${JSON.stringify(portText)} in ${JSON.stringify(text)}` : { ...rule, port: p };
}

/** A resolver's address: an IP literal with an optional port (default 53), or the problem with it. */
export function parseResolver(text: string): { address: string; port: number } | string {
  const rule = parseHostRule(text);
  if (typeof rule === "string" || (rule.kind !== "ipv4" && rule.kind !== "ipv6")) return `expected IP, IP:PORT or [IPv6]:PORT, got ${JSON.stringify(text)}`;
  return { address: rule.host, port: rule.port ?? 53 };
}

/** The rule as a user writes it (the report's spelling). */
export function ruleText(r: HostRule): string {
  const host = r.kind === "suffix" ? `*.${r.host}` : r.kind === "ipv6" && r.port !== undefined ? `[${r.host}]` : r.host;
  return r.port === undefined ? host : `${host}:${r.port}`;
}

/** A destination as met at run time: a normalised name, or an address in canonical text. */
export type Destination = { readonly kind: "name" | "ipv4" | "ipv6"; readonly host: string };

/** Whether `rule` covers `dest` on `port` (undefined: any port of it, as for a name lookup). */
export function ruleMatches(rule: HostRule, dest: Destination, port?: number): boolean {
  if (rule.port !== undefined && port !== undefined && rule.port !== port) return false;
  switch (rule.kind) {
    case "ipv4":
    case "ipv6":
      return dest.kind === rule.kind && dest.host === rule.host;
    case "localhost":
      return dest.kind === "name" && dest.host === "localhost";
    case "name":
      return dest.kind === "name" && dest.host === rule.host;
    case "suffix":
      return dest.kind === "name" && dest.host.endsWith(`.${rule.host}`);
  }
}

/** A destination from what a client named: an IP literal (bracketed or not) or a host name; undefined when it is neither. */
export function destinationOf(text: string): Destination | undefined {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const v4 = parseIPv4(bare);
  if (v4) return { kind: "ipv4", host: addressText(v4) };
  const v6 = bare.includes(":") ? parseIPv6(bare) : undefined;
  if (v6) return { kind: "ipv6", host: addressText(v6) };
  const name = normalName(bare);
  return name ? { kind: "name", host: name } : undefined;
}

/**
 * The verdict for `dest` on `port` (undefined: a lookup, any port): the
 * matching allow rule, or why there is none. A deny rule wins over every
 * allow; a deny rule with a port leaves the name's other ports (and its
 * lookup) alone.
 */
export function hostVerdict(allow: readonly HostRule[], deny: readonly HostRule[], dest: Destination, port?: number): { rule: HostRule } | { refused: string } {
  const denied = deny.find((r) => ruleMatches(r, dest, port) && (port !== undefined || r.port === undefined));
  if (denied) return { refused: `denied by ${ruleText(denied)}` };
  const rule = allow.find((r) => ruleMatches(r, dest, port));
  return rule ? { rule } : { refused: "not granted" };
}
