// Where a newer landlock does the work that seccomp or a mount namespace
// stands in for on older kernels: pathname unix sockets (ABI 9) and UDP
// (ABI 10). Pure: the sandbox plan asks, per ABI, which mechanism closes what.
import type { ResolvedPolicy } from "../../../policy/types.ts";
import { abiOf } from "./rights.ts";

const RESOLVE_UNIX_ABI = abiOf("fs.resolve_unix");
const ABSTRACT_SCOPE_ABI = abiOf("scope.abstract_unix_socket");
const UDP_ABI = abiOf("net.bind_udp");

export const PRIVATE_ROOT_UNIX = "private root: no socket path outside the grants exists";

/**
 * What keeps unix sockets made outside the sandbox out of reach while
 * socket(AF_UNIX) stays allowed: from ABI 9 landlock alone (pathname sockets
 * resolve only beneath write grants, abstract ones are scoped); from ABI 6 a
 * private root (no outside path exists) with the abstract scope. undefined:
 * nothing here does, so seccomp has to refuse AF_UNIX sockets.
 */
export function unixClosedWithoutSeccomp(abi: number, privateRoot: boolean): string[] | undefined {
  const scope = `landlock abi ${abi} abstract-socket scope`;
  if (abi >= RESOLVE_UNIX_ABI) return [...(privateRoot ? [PRIVATE_ROOT_UNIX] : []), `landlock abi ${abi}: pathname sockets made outside resolve only beneath write grants`, scope];
  if (privateRoot && abi >= ABSTRACT_SCOPE_ABI) return [PRIVATE_ROOT_UNIX, scope];
  return undefined;
}

/**
 * Landlock's share in closing UDP: from ABI 10 no UDP socket can bind,
 * connect or send to an address, since no UDP port is ever granted. Plain UDP
 * only (the kernel checks IPPROTO_UDP datagram sockets): UDP-Lite, ICMP echo
 * and raw sockets stay seccomp's.
 */
export function udpByLandlock(abi: number): string[] {
  return abi >= UDP_ABI ? [`landlock abi ${abi}: UDP bind, connect and addressed send denied`] : [];
}

/**
 * The ABI 9-10 rights another mechanism of the sandbox covers on an older
 * kernel, so that hard mode does not refuse it for them: UDP when seccomp
 * refuses UDP sockets (every net mode but "all"), pathname sockets when
 * seccomp refuses AF_UNIX or a private root leaves no outside path.
 */
export function newerRightsCovered(net: ResolvedPolicy["net"], unix: { readonly refusedBySeccomp: boolean; readonly privateRoot: boolean }): Record<string, string> {
  const covered: Record<string, string> = {};
  if (net !== "all") {
    covered["net.bind_udp"] = "seccomp refuses UDP sockets";
    covered["net.connect_send_udp"] = "seccomp refuses UDP sockets";
  }
  if (unix.refusedBySeccomp) covered["fs.resolve_unix"] = "seccomp refuses AF_UNIX sockets";
  else if (unix.privateRoot) covered["fs.resolve_unix"] = PRIVATE_ROOT_UNIX;
  return covered;
}
