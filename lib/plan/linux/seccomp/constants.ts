// Argument values the presets compare against, from the kernel's headers
// (ffi/generated/linux-tables.ts, UAPI_SHARED: the same on x86_64 and
// aarch64, checked when generated): socket(2) families and types, netlink
// protocols, tty ioctls, mode bits and the open flags that create
// (O_DIRECTORY differs between the two arches, __O_TMPFILE does not).
import { UAPI_SHARED as K } from "../../../../ffi/generated/linux-tables.ts";

export const { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK } = K;

export const { SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_NONBLOCK, SOCK_CLOEXEC } = K;
/**
 * The type proper; SOCK_NONBLOCK and SOCK_CLOEXEC ride in the same argument.
 * Typed here: the kernel keeps SOCK_TYPE_MASK out of its uapi headers
 * (include/linux/net.h), and no flag may fall inside it.
 */
export const SOCK_TYPE_MASK = 0xf;

export const { IPPROTO_TCP, IPPROTO_SCTP, IPPROTO_MPTCP } = K;

export const { NETLINK_ROUTE, NETLINK_SOCK_DIAG } = K;

/** TIOCSTI pushes a byte into the terminal's input queue; TIOCLINUX is the virtual-console multiplexer, including selection paste (TIOCL_PASTESEL). */
export const { TIOCSTI, TIOCLINUX } = K;

/** Set-user-ID and set-group-ID mode bits. */
export const { S_ISUID, S_ISGID } = K;
/** open(2) flags under which the mode argument is used: a file is created. */
export const { O_CREAT } = K;
/** O_TMPFILE is __O_TMPFILE | O_DIRECTORY; __O_TMPFILE alone marks it. */
export const O_TMPFILE_BIT = K.__O_TMPFILE;
