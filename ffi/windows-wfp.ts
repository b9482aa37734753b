// Windows Filtering Platform filters in a dynamic session (cordon_windows_wfp.h).
import { ptr } from "bun:ffi";
import { windows, type Handle } from "./windows.ts";
import { check } from "./status.ts";

export const WFP_LAYER = { CONNECT_V4: 0, CONNECT_V6: 1, RECV_ACCEPT_V4: 2, RECV_ACCEPT_V6: 3, LISTEN_V4: 4, LISTEN_V6: 5 } as const;

/** IPPROTO_TCP: a filter with this protocol matches TCP only. */
export const IPPROTO_TCP = 6;

export type WfpFilterSpec = {
  readonly layer: number;
  readonly action: "block" | "permit";
  /** 0..15; undefined lets the engine choose. */
  readonly weight?: number;
  readonly remotePort?: number;
  readonly localPort?: number;
  /** IPPROTO_* the filter matches; undefined: every protocol. */
  readonly protocol?: number;
} & ({ readonly packageSid: Uint8Array } | { readonly userSddl: string } | {});

/** A dynamic session: its filters vanish when it closes (or this process dies). */
export function openWfp(): Handle {
  const out = new BigUint64Array(1);
  check("FwpmEngineOpen0", "win32", windows().cordon_windows_wfp_open(out, out));
  return out[0]!;
}

export function closeWfp(engine: Handle): void {
  check("FwpmEngineClose0", "win32", windows().cordon_windows_wfp_close(engine));
}

export function addWfpFilter(engine: Handle, spec: WfpFilterSpec): bigint {
  const rec = new Uint8Array(32);
  const v = new DataView(rec.buffer);
  let data: Uint8Array | undefined;
  let condition = 0;
  if ("packageSid" in spec) {
    data = spec.packageSid;
    condition = 1;
  } else if ("userSddl" in spec) {
    data = Buffer.from(spec.userSddl + "\0", "utf16le");
    condition = 2;
  }
  v.setUint32(0, spec.layer, true);
  v.setUint32(4, spec.action === "block" ? 0 : 1, true);
  v.setUint32(8, spec.weight ?? 0xffffffff, true);
  v.setUint32(12, condition, true);
  v.setUint16(16, spec.remotePort ?? 0, true);
  v.setUint16(18, spec.localPort ?? 0, true);
  v.setUint8(20, spec.protocol ?? 0);
  v.setBigUint64(24, data ? BigInt(ptr(data)) : 0n, true);
  const id = new BigUint64Array(1);
  check("FwpmFilterAdd0", "win32", windows().cordon_windows_wfp_add_filter(engine, rec, rec, id, id));
  void data;
  return id[0]!;
}
