//! Brings lo up in the calling thread's network namespace: what a new
//! namespace needs before even 127.0.0.1 answers. Used by the spawn's child
//! (LOOPBACK_UP) and by the namespace pool's thread (its loopback-up kind).
//! Raw syscalls only: the child may call it between clone3 and execve.
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const linux = sys.linux;

const siocsifflags: usize = 0x8914;

/// SIOCSIFFLAGS lo IFF_UP, through a throwaway socket (any socket's ioctl
/// reaches the device). 0, or a raw error (needs CAP_NET_ADMIN over the
/// namespace).
pub fn up() usize {
    const sock = linux.syscall3(.socket, uapi.af_inet, 2 | uapi.sock_cloexec, 0); // SOCK_DGRAM
    if (sys.isError(sock)) return sock;
    var ifr: [40]u8 = @splat(0); // struct ifreq: name[16], then flags
    ifr[0] = 'l';
    ifr[1] = 'o';
    ifr[16] = 1; // IFF_UP
    const rc = linux.syscall3(.ioctl, sock, siocsifflags, @intFromPtr(&ifr));
    _ = linux.syscall1(.close, sock);
    return rc;
}
