// The egress relay's two calls (cordon_linux_relay.h): start a relay thread
// over listening sockets, and receive the sockets a spawn child sent.
import { linux } from "./linux.ts";
import { check } from "./status.ts";
import { fdArg, intArg } from "./common.ts";
import * as H from "./generated/linux-layouts.ts";

/** CORDON_RELAY_*: what a listener serves. */
export const RELAY_LISTENER = { dnsUdp: H.CORDON_RELAY_DNS_UDP, dnsTcp: H.CORDON_RELAY_DNS_TCP, transparent: H.CORDON_RELAY_TRANSPARENT, proxy: H.CORDON_RELAY_PROXY } as const;
/** CORDON_RELAY_EV_* and _CMD_*. */
export const RELAY_RECORD = {
  dns: H.CORDON_RELAY_EV_DNS, accept: H.CORDON_RELAY_EV_ACCEPT, head: H.CORDON_RELAY_EV_HEAD, connected: H.CORDON_RELAY_EV_CONNECTED, closed: H.CORDON_RELAY_EV_CLOSED,
  dnsReply: H.CORDON_RELAY_CMD_DNS_REPLY, connect: H.CORDON_RELAY_CMD_CONNECT, refuse: H.CORDON_RELAY_CMD_REFUSE,
} as const;
/** struct cordon_linux_relay_header: its size, and its fields' byte offsets. */
export const RELAY_HEADER_SIZE = H.cordon_linux_relay_header.size;
export const RELAY_HEADER_OFFSET = H.cordon_linux_relay_header.offset;
const LISTENER = H.cordon_linux_relay_listener;

export type RelayListener = { readonly fd: number; readonly kind: keyof typeof RELAY_LISTENER; readonly tag: number };

/** Starts the relay thread; on success it owns `control` and every listener fd. */
export function relayStart(control: number, listeners: readonly RelayListener[]): void {
  const table = new Uint32Array(Math.max(1, (listeners.length * LISTENER.size) / 4));
  listeners.forEach((l, i) => {
    const at = (i * LISTENER.size) / 4;
    table[at + LISTENER.offset.fd / 4] = fdArg(l.fd, "listener fd");
    table[at + LISTENER.offset.kind / 4] = RELAY_LISTENER[l.kind];
    table[at + LISTENER.offset.tag / 4] = intArg(l.tag, "listener tag", 0, 0xffff_ffff);
  });
  const bytes = new Uint8Array(table.buffer, 0, listeners.length * LISTENER.size);
  check("cordon_linux_relay_start", "errno", linux().cordon_linux_relay_start(fdArg(control, "control"), bytes, bytes));
}

/** One message's data and fds from `sock` (non-blocking; EAGAIN when there is none). */
export function recvFds(sock: number, maxData: number, maxFds: number): { data: Uint8Array; fds: number[] } {
  const data = new Uint8Array(Math.max(1, maxData));
  const fds = new Int32Array(Math.max(1, maxFds));
  const fdBytes = new Uint8Array(fds.buffer);
  const n = check("cordon_linux_recv_fds", "errno", linux().cordon_linux_recv_fds(fdArg(sock, "sock"), data, data, fdBytes, fdBytes));
  return { data: data.subarray(0, n), fds: [...fds].filter((fd) => fd >= 0) };
}

/** A listening TCP socket on 127.0.0.1 at a kernel-picked port: { fd, port }. */
export function listenLoopback(): { fd: number; port: number } {
  const port = new Uint16Array(1);
  const bytes = new Uint8Array(port.buffer);
  const fd = check("cordon_linux_relay_listen_loopback", "errno", linux().cordon_linux_relay_listen_loopback(bytes, bytes));
  return { fd, port: port[0]! };
}
