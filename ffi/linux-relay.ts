// The egress relay's two calls (cordon_linux_relay.h): start a relay thread
// over listening sockets, and receive the sockets a spawn child sent.
import { linux } from "./linux.ts";
import { check } from "./status.ts";
import { fdArg, intArg } from "./common.ts";

/** CORDON_RELAY_*: what a listener serves. */
export const RELAY_LISTENER = { dnsUdp: 1, dnsTcp: 2, transparent: 3, proxy: 4 } as const;
/** CORDON_RELAY_EV_* and _CMD_*. */
export const RELAY_RECORD = { dns: 1, accept: 2, head: 3, connected: 4, closed: 5, dnsReply: 101, connect: 102, refuse: 103 } as const;
export const RELAY_HEADER_SIZE = 16;

export type RelayListener = { readonly fd: number; readonly kind: keyof typeof RELAY_LISTENER; readonly tag: number };

/** Starts the relay thread; on success it owns `control` and every listener fd. */
export function relayStart(control: number, listeners: readonly RelayListener[]): void {
  const table = new Uint32Array(Math.max(1, listeners.length * 3));
  listeners.forEach((l, i) => {
    table[3 * i] = fdArg(l.fd, "listener fd");
    table[3 * i + 1] = RELAY_LISTENER[l.kind];
    table[3 * i + 2] = intArg(l.tag, "listener tag", 0, 0xffff_ffff);
  });
  const bytes = new Uint8Array(table.buffer, 0, listeners.length * 12);
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
