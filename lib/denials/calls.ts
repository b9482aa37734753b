// A call the seccomp supervisor recorded (CORDON_NOTIFY_FRAME_CALL), decoded,
// and the file or peer it names, made absolute. Pure.
import { posix } from "node:path";
import { AUDIT_ARCH_AARCH64, AUDIT_ARCH_X86_64, syscallName, type Arch } from "../plan/linux/seccomp/arch.ts";

export type Call = {
  readonly session: number;
  readonly pid: number;
  readonly name: string;
  readonly arch: Arch | undefined;
  /** The errno the supervisor answered with (the run's filter refused the call), or 0 (it continued). */
  readonly errno: number;
  readonly args: readonly bigint[];
  /** Strings by tag: 0-5 the path at that argument, 8-13 the dirfd's directory, 16 the cwd, 24-29 a sockaddr's bytes, 32-37 an fd's path. */
  readonly strings: ReadonlyMap<number, Uint8Array>;
};

const decoder = new TextDecoder();

/** Decodes one CALL frame's payload; undefined when it is malformed. */
export function decodeCall(p: Uint8Array): Call | undefined {
  if (p.length < 72) return undefined;
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const archValue = v.getUint32(12, true);
  const arch: Arch | undefined = archValue === AUDIT_ARCH_X86_64 ? "x86_64" : archValue === AUDIT_ARCH_AARCH64 ? "aarch64" : undefined;
  const nr = v.getInt32(8, true);
  const args: bigint[] = [];
  for (let i = 0; i < 6; i++) args.push(v.getBigUint64(24 + 8 * i, true));
  const strings = new Map<number, Uint8Array>();
  let at = 72;
  for (let n = v.getUint32(20, true); n > 0; n--) {
    if (at + 4 > p.length) return undefined;
    const tag = p[at]!;
    const len = v.getUint16(at + 2, true);
    if (at + 4 + len > p.length) return undefined;
    strings.set(tag, p.slice(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return { session: v.getUint32(0, true), pid: v.getUint32(4, true), name: (arch && syscallName(arch, nr)) ?? `syscall ${nr}`, arch, errno: v.getUint32(16, true), args, strings };
}

/** The text of a string tag, if recorded. */
export function text(c: Call, tag: number): string | undefined {
  const b = c.strings.get(tag);
  return b ? decoder.decode(b) : undefined;
}

/** The path at argument `i`, absolute: joined to its dirfd's directory or the cwd when relative (lexically, `..` folded). */
export function absolutePath(c: Call, i: number): string | undefined {
  const p = text(c, i);
  if (p === undefined) return undefined;
  const base = text(c, 8 + i - 1) ?? text(c, 16);
  const abs = p.startsWith("/") ? posix.normalize(p) : base?.startsWith("/") ? posix.join(base, p) : undefined;
  // "/tmp/" and "/tmp" are one path.
  return abs !== undefined && abs.length > 1 && abs.endsWith("/") ? abs.slice(0, -1) : abs;
}

/** An AF_INET/AF_INET6 sockaddr as address and port; undefined for other families. */
export function peer(c: Call, i: number): { family: "ipv4" | "ipv6"; address: string; port: number } | undefined {
  const b = c.strings.get(24 + i);
  if (!b || b.length < 8) return undefined;
  const family = b[0]! | (b[1]! << 8);
  const port = (b[2]! << 8) | b[3]!;
  if (family === 2) return { family: "ipv4", address: [...b.subarray(4, 8)].join("."), port };
  if (family === 10 && b.length >= 24) {
    const words = [];
    for (let k = 8; k < 24; k += 2) words.push(((b[k]! << 8) | b[k + 1]!).toString(16));
    return { family: "ipv6", address: words.join(":").replace(/(^|:)0(:0)+(:|$)/, "::"), port };
  }
  return undefined;
}
