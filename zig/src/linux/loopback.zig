//! Brings lo up in the calling thread's network namespace: what a new
//! namespace needs before even 127.0.0.1 answers. Used by the spawn's child
//! (LOOPBACK_UP) and by the namespace pool's thread (its loopback-up kind).
//! Raw syscalls only: the child may call it between clone3 and execve.
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const linux = sys.linux;

const siocgifflags: usize = 0x8913;
const siocsifflags: usize = 0x8914;

/// One ifreq ioctl on lo (struct ifreq: name[16], then flags) through a
/// throwaway socket (any socket's ioctl reaches the device): the flags it
/// left in the record, or a raw error.
fn ifreq(request: usize, set: u8) usize {
    const sock = linux.syscall3(.socket, uapi.af_inet, 2 | uapi.sock_cloexec, 0); // SOCK_DGRAM
    if (sys.isError(sock)) return sock;
    var ifr: [40]u8 = @splat(0);
    ifr[0] = 'l';
    ifr[1] = 'o';
    ifr[16] = set;
    const rc = linux.syscall3(.ioctl, sock, request, @intFromPtr(&ifr));
    _ = linux.syscall1(.close, sock);
    return if (sys.isError(rc)) rc else ifr[16];
}

/// SIOCSIFFLAGS lo IFF_UP: 0, or a raw error (needs CAP_NET_ADMIN over the namespace).
pub fn up() usize {
    const rc = ifreq(siocsifflags, 1); // IFF_UP
    return if (sys.isError(rc)) rc else 0;
}

/// lo's flags (their low byte: IFF_UP is bit 0), or a raw error.
pub fn flags() usize {
    return ifreq(siocgifflags, 0);
}
