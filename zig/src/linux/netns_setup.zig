//! Egress set-up in the spawn child, inside its new network namespace with
//! `lo` already up, while it still holds its capabilities there: addresses
//! added to `lo` (so that connects to them stay local and reach a listener),
//! then the sockets cordon's relay owns, made here because a socket belongs to
//! the namespace it was created in and nothing outside can create one in it
//! (setns needs CAP_SYS_ADMIN in the caller's own user namespace, which an
//! unprivileged caller lacks). They leave on the caller's channel with
//! SCM_RIGHTS and are closed here: the command never holds them.
//! Like the rest of the child: raw syscalls, no allocation, stack only.
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const cordon_h = @import("../header.zig").c;
const linux = sys.linux;

pub const Setup = cordon_h.struct_cordon_linux_netns_setup;
pub const Addr = cordon_h.struct_cordon_linux_netns_addr;
pub const Socket = cordon_h.struct_cordon_linux_netns_socket;

pub const max_addrs: u32 = 64;
pub const max_sockets: u32 = 64;
pub const kind_stream: u8 = cordon_h.CORDON_NETNS_STREAM;
pub const kind_dgram: u8 = cordon_h.CORDON_NETNS_DGRAM;
/// Socket.flags and Addr.flags: one that cannot be made (IPv6 disabled here) is skipped, not fatal.
pub const flag_optional: u32 = cordon_h.CORDON_NETNS_OPTIONAL;
/// Socket.flags: IPV6_V6ONLY (an IPv4 socket on the same port serves IPv4).
pub const flag_v6only: u32 = cordon_h.CORDON_NETNS_V6ONLY;
pub const flags_all: u32 = flag_optional | flag_v6only;

/// Whether the records are well-formed (checked before cloning).
pub fn valid(addrs: []const Addr, sockets: []const Socket) bool {
    for (addrs) |a| {
        if (a.flags & ~@as(u16, flag_optional) != 0) return false;
        if (!((a.family == uapi.af_inet and a.prefix <= 32) or (a.family == uapi.af_inet6 and a.prefix <= 128))) return false;
    }
    for (sockets) |s| {
        if (s.family != uapi.af_inet and s.family != uapi.af_inet6) return false;
        if (s.kind != kind_stream and s.kind != kind_dgram) return false;
        if (s.flags & ~flags_all != 0 or (s.flags & flag_v6only != 0 and s.family != uapi.af_inet6)) return false;
    }
    return true;
}


/// The address records, then the sockets; 0 or a raw error.
pub fn run(channel: i32, addrs: []const Addr, sockets: []const Socket) usize {
    if (addrs.len > 0) {
        const nl = linux.syscall3(.socket, 16, 3 | uapi.sock_cloexec, 0); // AF_NETLINK, SOCK_RAW, NETLINK_ROUTE
        if (sys.isError(nl)) return nl;
        defer _ = linux.syscall1(.close, nl);
        for (addrs, 0..) |*a, i| {
            const rc = addAddress(nl, a, @intCast(i + 1));
            if (sys.isError(rc) and a.flags & flag_optional == 0) return rc;
        }
    }
    var fds: [max_sockets]i32 = undefined;
    var made: [max_sockets]u8 = @splat(0);
    var n: usize = 0;
    defer for (fds[0..n]) |fd| {
        _ = linux.syscall1(.close, @as(u32, @bitCast(fd)));
    };
    for (sockets, 0..) |*s, i| {
        const fd = listener(s);
        if (sys.isError(fd)) {
            if (s.flags & flag_optional != 0) continue;
            return fd;
        }
        fds[n] = @intCast(fd);
        n += 1;
        made[i] = 1;
    }
    return send(channel, made[0..sockets.len], fds[0..n]);
}

/// struct sockaddr_in / sockaddr_in6 of a record's address and port.
pub const SockAddr = extern struct { family: u16, port_be: u16, a: [24]u8 };

pub fn sockAddr(family: u8, addr: *const [16]u8, port: u16) struct { sa: SockAddr, len: u32 } {
    var sa: SockAddr = .{ .family = family, .port_be = @byteSwap(port), .a = @splat(0) };
    if (family == uapi.af_inet) {
        @memcpy(sa.a[0..4], addr[0..4]);
        return .{ .sa = sa, .len = 16 };
    }
    @memcpy(sa.a[4..20], addr); // after sin6_flowinfo
    return .{ .sa = sa, .len = 28 };
}

fn setInt(fd: usize, level: usize, name: usize, value: i32) usize {
    return linux.syscall5(.setsockopt, fd, level, name, @intFromPtr(&value), 4);
}

/// A bound (and, for TCP, listening) socket, non-blocking; the fd or a raw error.
fn listener(s: *const Socket) usize {
    const fd = linux.syscall3(.socket, s.family, @as(usize, s.kind) | uapi.sock_cloexec | uapi.sock_nonblock, 0);
    if (sys.isError(fd)) return fd;
    var rc = setInt(fd, 1, 2, 1); // SOL_SOCKET, SO_REUSEADDR
    if (!sys.isError(rc) and s.family == uapi.af_inet6) rc = setInt(fd, 41, 26, @intFromBool(s.flags & flag_v6only != 0)); // IPPROTO_IPV6, IPV6_V6ONLY
    const a = sockAddr(s.family, &s.addr, s.port);
    if (!sys.isError(rc)) rc = linux.syscall3(.bind, fd, @intFromPtr(&a.sa), a.len);
    if (!sys.isError(rc) and s.kind == kind_stream) rc = linux.syscall2(.listen, fd, 1024);
    if (sys.isError(rc)) {
        _ = linux.syscall1(.close, fd);
        return rc;
    }
    return fd;
}

/// RTM_NEWADDR on lo (ifindex 1 in every new namespace), without duplicate
/// address detection, and its acknowledgement.
fn addAddress(nl: usize, a: *const Addr, seq: u32) usize {
    const alen: usize = if (a.family == uapi.af_inet) 4 else 16;
    var msg: [64]u8 align(4) = @splat(0);
    const len: usize = 16 + 8 + 2 * (4 + alen);
    put32(&msg, 0, @intCast(len));
    put16(&msg, 4, 20); // RTM_NEWADDR
    put16(&msg, 6, 0x1 | 0x4 | 0x400 | 0x200); // NLM_F_REQUEST | ACK | CREATE | EXCL
    put32(&msg, 8, seq);
    msg[16] = a.family;
    msg[17] = a.prefix;
    msg[18] = 0x02; // IFA_F_NODAD
    msg[19] = 0; // RT_SCOPE_UNIVERSE
    put32(&msg, 20, 1); // lo
    var at: usize = 24;
    for ([_]u16{ 2, 1 }) |kind| { // IFA_LOCAL, IFA_ADDRESS
        put16(&msg, at, @intCast(4 + alen));
        put16(&msg, at + 2, kind);
        @memcpy(msg[at + 4 .. at + 4 + alen], a.addr[0..alen]);
        at += 4 + alen;
    }
    const sent = linux.syscall6(.sendto, nl, @intFromPtr(&msg), len, 0, 0, 0);
    if (sys.isError(sent)) return sent;
    var reply: [256]u8 align(4) = undefined;
    const got = linux.syscall6(.recvfrom, nl, @intFromPtr(&reply), reply.len, 0, 0, 0);
    if (sys.isError(got)) return got;
    // NLMSG_ERROR (2) carries the result: 0, or -errno.
    if (got < 20 or get16(&reply, 4) != 2) return @bitCast(@as(isize, -71)); // EPROTO
    const err: i32 = @bitCast(get32(&reply, 16));
    return @bitCast(@as(isize, err));
}

/// One message: a byte per socket record (1 made, 0 skipped), the made fds as SCM_RIGHTS.
fn send(channel: i32, made: []const u8, fds: []const i32) usize {
    const Iovec = extern struct { base: usize, len: usize };
    const Msghdr = extern struct { name: usize = 0, namelen: u32 = 0, pad: u32 = 0, iov: usize, iovlen: usize, control: usize, controllen: usize, flags: i32 = 0, pad2: u32 = 0 };
    var control: [16 + 4 * max_sockets]u8 align(8) = @splat(0);
    const cmsg_len: usize = 16 + 4 * fds.len;
    put64(&control, 0, cmsg_len);
    put32(&control, 8, 1); // SOL_SOCKET
    put32(&control, 12, 1); // SCM_RIGHTS
    for (fds, 0..) |fd, i| put32(&control, 16 + 4 * i, @bitCast(fd));
    const one: u8 = 0; // a message needs one byte of data even when no socket was asked for
    const iov: Iovec = if (made.len > 0) .{ .base = @intFromPtr(made.ptr), .len = made.len } else .{ .base = @intFromPtr(&one), .len = 1 };
    const msg: Msghdr = .{ .iov = @intFromPtr(&iov), .iovlen = 1, .control = if (fds.len > 0) @intFromPtr(&control) else 0, .controllen = if (fds.len > 0) (cmsg_len + 7) & ~@as(usize, 7) else 0 };
    return linux.syscall3(.sendmsg, @as(u32, @bitCast(channel)), @intFromPtr(&msg), 0x4000); // MSG_NOSIGNAL
}

fn put16(b: []u8, at: usize, v: u16) void {
    @memcpy(b[at .. at + 2], &@as([2]u8, @bitCast(v)));
}
fn put32(b: []u8, at: usize, v: u32) void {
    @memcpy(b[at .. at + 4], &@as([4]u8, @bitCast(v)));
}
fn put64(b: []u8, at: usize, v: u64) void {
    @memcpy(b[at .. at + 8], &@as([8]u8, @bitCast(v)));
}
fn get16(b: []const u8, at: usize) u16 {
    return @bitCast(b[at..][0..2].*);
}
fn get32(b: []const u8, at: usize) u32 {
    return @bitCast(b[at..][0..4].*);
}

/// The caller's side of `send`: one message from `sock` (non-blocking), its
/// data into `data` and its fds (close-on-exec) into `fds`, the rest of which
/// is set to -1. Returns the data length, or a raw error (then no fd is kept:
/// a truncated set is closed, never half-delivered).
pub fn receive(sock: i32, data: []u8, fds: []i32) usize {
    const Iovec = extern struct { base: usize, len: usize };
    const Msghdr = extern struct { name: usize = 0, namelen: u32 = 0, pad: u32 = 0, iov: usize, iovlen: usize, control: usize, controllen: usize, flags: i32 = 0, pad2: u32 = 0 };
    var control: [16 + 4 * max_sockets]u8 align(8) = @splat(0);
    const iov: Iovec = .{ .base = @intFromPtr(data.ptr), .len = data.len };
    var msg: Msghdr = .{ .iov = @intFromPtr(&iov), .iovlen = 1, .control = @intFromPtr(&control), .controllen = control.len };
    for (fds) |*f| f.* = -1;
    const n = linux.syscall3(.recvmsg, @as(u32, @bitCast(sock)), @intFromPtr(&msg), uapi.msg_dontwait | uapi.msg_cmsg_cloexec);
    if (sys.isError(n)) return n;
    var count: usize = 0;
    if (msg.controllen >= 16 and get32(&control, 8) == 1 and get32(&control, 12) == 1) {
        const clen: usize = @intCast(@as(u64, @bitCast(control[0..8].*)));
        count = @min((@max(clen, 16) - 16) / 4, max_sockets);
    }
    const fail = msg.flags & 0x8 != 0 or count > fds.len; // MSG_CTRUNC, or more than the caller has room for
    for (0..count) |i| {
        const fd: i32 = @bitCast(get32(&control, 16 + 4 * i));
        if (fail) _ = linux.syscall1(.close, @as(u32, @bitCast(fd))) else fds[i] = fd;
    }
    if (fail) return @bitCast(@as(isize, -90)); // EMSGSIZE
    return n;
}
