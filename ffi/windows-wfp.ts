// Windows Filtering Platform filters in a dynamic session, and the
// firewall's AppContainer loopback exemption (cordon_windows_wfp.h). The
// filter record is laid out from the header (ffi/generated/windows-layouts.ts).
import { ptr } from "bun:ffi";
import { windows, type Handle } from "./windows.ts";
import { check } from "./status.ts";
import { CORDON_WINDOWS_WFP_REMOTE_ANY, CORDON_WINDOWS_WFP_REMOTE_LOOPBACK, cordon_windows_wfp_filter as REC } from "./generated/windows-layouts.ts";

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
  /** Match only the layer family's loopback address (127.0.0.1 or ::1, exactly); connect and accept layers. */
  readonly remoteLoopback?: boolean;
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

/** The cordon_windows_wfp_filter record, and the SID or SDDL buffer it points to (keep it alive for the call). */
export function wfpFilterRecord(spec: WfpFilterSpec, address: (data: Uint8Array) => number = ptr): { record: Uint8Array; data?: Uint8Array } {
  const rec = new Uint8Array(REC.size);
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
  const o = REC.offset;
  v.setUint32(o.layer, spec.layer, true);
  v.setUint32(o.action, spec.action === "block" ? 0 : 1, true);
  v.setUint32(o.weight, spec.weight ?? 0xffffffff, true);
  v.setUint32(o.condition, condition, true);
  v.setUint16(o.remote_port, spec.remotePort ?? 0, true);
  v.setUint16(o.local_port, spec.localPort ?? 0, true);
  v.setUint8(o.protocol, spec.protocol ?? 0);
  v.setUint8(o.remote_address, spec.remoteLoopback ? CORDON_WINDOWS_WFP_REMOTE_LOOPBACK : CORDON_WINDOWS_WFP_REMOTE_ANY);
  v.setBigUint64(o.condition_data, data ? BigInt(address(data)) : 0n, true);
  return data ? { record: rec, data } : { record: rec };
}

export function addWfpFilter(engine: Handle, spec: WfpFilterSpec): bigint {
  const { record, data } = wfpFilterRecord(spec);
  const id = new BigUint64Array(1);
  check("FwpmFilterAdd0", "win32", windows().cordon_windows_wfp_add_filter(engine, record, record, id, id));
  void data;
  return id[0]!;
}

/** Puts the package SID on the global AppContainer loopback exemption list; true when it was already there. */
export function exemptLoopback(packageSid: Uint8Array): boolean {
  return check("NetworkIsolationSetAppContainerConfig", "win32", windows().cordon_windows_loopback_exempt(packageSid, packageSid)) === 1;
}

/** Takes the package SID off that list, keeping every other entry; returns how many entries were removed. */
export function unexemptLoopback(packageSid: Uint8Array): number {
  return check("NetworkIsolationSetAppContainerConfig", "win32", windows().cordon_windows_loopback_unexempt(packageSid, packageSid));
}
