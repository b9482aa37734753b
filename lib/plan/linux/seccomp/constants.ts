// Argument values the presets compare against. Identical on x86_64 and
// aarch64: socket(2) families and types (linux/socket.h, linux/net.h),
// netlink protocols (linux/netlink.h), tty ioctls (asm-generic/ioctls.h).

export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;

export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
/** The type proper; SOCK_NONBLOCK (0o4000) and SOCK_CLOEXEC (0o2000000) ride in the same argument. */
export const SOCK_TYPE_MASK = 0xf;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;

export const IPPROTO_TCP = 6;
export const IPPROTO_SCTP = 132;
export const IPPROTO_MPTCP = 262;

export const NETLINK_ROUTE = 0;
export const NETLINK_SOCK_DIAG = 4;

/** Push a byte into the terminal's input queue. */
export const TIOCSTI = 0x5412;
/** Virtual-console multiplexer, including selection paste (TIOCL_PASTESEL). */
export const TIOCLINUX = 0x541c;
