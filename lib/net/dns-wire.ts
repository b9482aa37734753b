// The few DNS messages cordon's stub in the sandbox needs (RFC 1035): read a
// query's question, write an answer to it. Pure.

export const TYPE_A = 1;
export const TYPE_AAAA = 28;
export const RCODE = { ok: 0, formErr: 1, servFail: 2, nxDomain: 3, notImp: 4, refused: 5 } as const;

export type Question = {
  readonly id: number;
  /** Recursion desired, echoed in the answer. */
  readonly rd: boolean;
  /** Lowercase, without the trailing dot. */
  readonly name: string;
  /** Every label is a host name's (letters, digits, `-`, `_`): a label holding a dot would read as two. */
  readonly hostName: boolean;
  readonly type: number;
  readonly klass: number;
  /** The question section as received (echoed in the answer). */
  readonly raw: Uint8Array;
};

/** The one question of a standard query, or undefined for anything else (then FORMERR, if even the id is there). */
export function parseQuery(msg: Uint8Array): Question | undefined {
  if (msg.length < 12) return undefined;
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const flags = v.getUint16(2);
  // A query (QR 0), opcode QUERY, exactly one question.
  if (flags & 0x8000 || (flags >> 11) & 0xf || v.getUint16(4) !== 1) return undefined;
  const labels: string[] = [];
  let at = 12;
  for (;;) {
    if (at >= msg.length) return undefined;
    const len = msg[at]!;
    if (len === 0) break;
    // No compression pointer in a question's name, no label over 63.
    if (len > 63 || at + 1 + len > msg.length) return undefined;
    labels.push(String.fromCharCode(...msg.subarray(at + 1, at + 1 + len)).toLowerCase());
    at += 1 + len;
  }
  at += 1;
  if (at + 4 > msg.length) return undefined;
  const hostName = labels.length > 0 && labels.every((l) => /^[a-z0-9_-]+$/.test(l));
  return { id: v.getUint16(0), rd: (flags & 0x100) !== 0, name: labels.join("."), hostName, type: v.getUint16(at), klass: v.getUint16(at + 2), raw: msg.slice(12, at + 4) };
}

/** An answer to `q`: `rcode`, and for NOERROR the address records (4 or 16 bytes each) of its type. */
export function answer(q: Question, rcode: number, addresses: readonly Uint8Array[] = [], ttl = 60): Uint8Array {
  const records = rcode === RCODE.ok ? addresses.filter((a) => a.length === (q.type === TYPE_A ? 4 : q.type === TYPE_AAAA ? 16 : -1)) : [];
  const out = new Uint8Array(12 + q.raw.length + records.reduce((n, a) => n + 12 + a.length, 0));
  const v = new DataView(out.buffer);
  v.setUint16(0, q.id);
  // QR, RD echoed, RA (cordon answers as a recursive resolver would), the rcode.
  v.setUint16(2, 0x8000 | (q.rd ? 0x100 : 0) | 0x80 | rcode);
  v.setUint16(4, 1);
  v.setUint16(6, records.length);
  out.set(q.raw, 12);
  let at = 12 + q.raw.length;
  for (const a of records) {
    v.setUint16(at, 0xc00c); // the question's name
    v.setUint16(at + 2, q.type);
    v.setUint16(at + 4, 1); // IN
    v.setUint32(at + 6, ttl);
    v.setUint16(at + 10, a.length);
    out.set(a, at + 12);
    at += 12 + a.length;
  }
  return out;
}

/** FORMERR for a message whose question cannot be read: its id only (undefined below 2 bytes: no answer at all). */
export function formatError(msg: Uint8Array): Uint8Array | undefined {
  if (msg.length < 2) return undefined;
  const out = new Uint8Array(12);
  out.set(msg.subarray(0, 2));
  out[2] = 0x80;
  out[3] = RCODE.formErr;
  return out;
}
