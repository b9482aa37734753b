// Argument values the presets compare against. Identical on x86_64 and
// aarch64: socket(2) families and types (linux/socket.h, linux/net.h),
// netlink protocols (linux/netlink.h), tty ioctls (asm-generic/ioctls.h),
// mode bits (linux/stat.h) and the open flags that create (asm-generic/fcntl.h;
// O_DIRECTORY differs between the two arches, __O_TMPFILE does not).

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

/** Set-user-ID and set-group-ID mode bits. */
export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
/** open(2) flags under which the mode argument is used: a file is created. */
export const O_CREAT = 0o100;
/** O_TMPFILE is __O_TMPFILE | O_DIRECTORY; __O_TMPFILE alone marks it. */
export const O_TMPFILE_BIT = 0o20000000;
