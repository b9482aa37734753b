//! The kernel's audit log, where landlock (ABI 7) writes its denials: the
//! audit status (AUDIT_GET), the enabled switch (AUDIT_SET), and readers of
//! the read-only multicast group (AUDIT_NLGRP_READLOG, CAP_AUDIT_READ). A
//! reader is a native thread that forwards landlock's records (types 1423 and
//! 1424) as framed bytes to a channel JavaScript reads on its own event
//! loop: nothing calls back into JavaScript. It never registers as the audit
//! daemon and never changes the log's rules: it only listens.
const std = @import("std");
const abi = @import("../abi.zig");
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const cordon_h = @import("../header.zig").c;
const linux = sys.linux;
const thread = @import("thread.zig");

const sock_raw: usize = 3;
const netlink_audit: usize = 9;
const audit_get: u16 = 1000;
const audit_set: u16 = 1001;
const nlmsg_error: u16 = 2;
const nlm_f_request: u16 = 1;
const nlm_f_ack: u16 = 4;
/// AUDIT_NLGRP_READLOG as a bind mask (group 1 is bit 0).
const readlog_groups: u32 = 1;
const audit_status_enabled: u32 = 1;
pub const landlock_access: u16 = cordon_h.CORDON_AUDIT_LANDLOCK_ACCESS;
pub const landlock_domain: u16 = cordon_h.CORDON_AUDIT_LANDLOCK_DOMAIN;
/// A frame of this type says the kernel dropped records for this reader (ENOBUFS).
pub const frame_lost: u16 = cordon_h.CORDON_AUDIT_FRAME_LOST;
/// Answers readerSync: every record the socket held when it was asked has been sent before it (payload: u32 requests answered).
pub const frame_sync: u16 = cordon_h.CORDON_AUDIT_FRAME_SYNC;

/// struct audit_status (linux/audit.h), as far as every kernel since 4.x fills it.
pub const Status = cordon_h.struct_cordon_linux_audit_status;

const NlHdr = extern struct { len: u32, type: u16, flags: u16, seq: u32, pid: u32 };
const SockaddrNl = extern struct { family: u16 = uapi.af_netlink, pad: u16 = 0, pid: u32 = 0, groups: u32 = 0 };

fn openSocket(groups: u32) usize {
    const fd = linux.syscall3(.socket, uapi.af_netlink, sock_raw | uapi.sock_cloexec, netlink_audit);
    if (sys.isError(fd)) return fd;
    const addr: SockaddrNl = .{ .groups = groups };
    const rc = linux.syscall3(.bind, fd, @intFromPtr(&addr), @sizeOf(SockaddrNl));
    if (sys.isError(rc)) {
        _ = linux.syscall1(.close, fd);
        return rc;
    }
    return fd;
}

/// Sends one request carrying `payload` and waits for the answer of `want`
/// type (or the kernel's NLMSG_ERROR), copied into `out`. Returns 0 or -errno.
fn request(kind: u16, flags: u16, payload: []const u8, want: u16, out: []u8) abi.Status {
    const fd = openSocket(0);
    if (sys.isError(fd)) return sys.status(fd);
    defer _ = linux.syscall1(.close, fd);
    var msg: [16 + @sizeOf(Status)]u8 align(4) = @splat(0);
    const hdr: *NlHdr = @ptrCast(&msg);
    hdr.* = .{ .len = @intCast(16 + payload.len), .type = kind, .flags = nlm_f_request | flags, .seq = 1, .pid = 0 };
    @memcpy(msg[16..][0..payload.len], payload);
    const kernel: SockaddrNl = .{};
    const sent = linux.syscall6(.sendto, fd, @intFromPtr(&msg), hdr.len, 0, @intFromPtr(&kernel), @sizeOf(SockaddrNl));
    if (sys.isError(sent)) return sys.status(sent);
    var buf: [8192]u8 align(4) = undefined;
    // A few answers at most: the reply, then (with NLM_F_ACK) the acknowledgement.
    for (0..4) |_| {
        const n = linux.syscall6(.recvfrom, fd, @intFromPtr(&buf), buf.len, 0, 0, 0);
        if (sys.isError(n)) return sys.status(n);
        if (n < 16) return abi.Error.invalid_argument.status();
        const got: *const NlHdr = @ptrCast(&buf);
        if (got.type == nlmsg_error) {
            const err = std.mem.readInt(i32, buf[16..20], .little);
            if (err != 0 or want == nlmsg_error) return err;
            continue;
        }
        if (got.type == want) {
            const len = @min(out.len, n - 16);
            @memcpy(out[0..len], buf[16..][0..len]);
            return 0;
        }
    }
    return abi.Error.invalid_argument.status();
}

/// AUDIT_GET: the audit subsystem's status (any process may ask).
pub fn status(out: *Status) abi.Status {
    out.* = .{};
    return request(audit_get, 0, &.{}, audit_get, std.mem.asBytes(out));
}

/// AUDIT_SET of the `enabled` field alone (CAP_AUDIT_CONTROL): 0 or 1.
pub fn setEnabled(enabled: u32) abi.Status {
    if (enabled > 1) return abi.Error.invalid_argument.status();
    const s: Status = .{ .mask = audit_status_enabled, .enabled = enabled };
    return request(audit_set, nlm_f_ack, std.mem.asBytes(&s), nlmsg_error, &.{});
}

const max_readers = 8;
const buffer_size = 16 * 1024;

const Reader = struct {
    slot: thread.Slot = .{},
    sock: i32 = -1,
    stop: i32 = -1,
    sync: i32 = -1,
    channel: i32 = -1,
    in_use: bool = false,
};

var readers: [max_readers]Reader = @splat(.{});
var lock_word: u32 = 0;

fn lock() void {
    while (@cmpxchgWeak(u32, &lock_word, 0, 1, .acquire, .monotonic) != null) _ = linux.syscall0(.sched_yield);
}

fn unlock() void {
    @atomicStore(u32, &lock_word, 0, .release);
}

/// Subscribes a new reader to the audit log; its records go to `channel`
/// (the write end of a stream socket pair, owned by the reader from now on:
/// closed when it stops). Returns a handle (>= 0) for readerStop, or -errno:
/// EPERM without CAP_AUDIT_READ, EBUSY with every reader in use.
pub fn readerStart(channel: i32) abi.Status {
    if (channel < 0) return abi.Error.invalid_argument.status();
    lock();
    defer unlock();
    const index = for (&readers, 0..) |*r, i| {
        if (!r.in_use and !r.slot.busy()) break i;
    } else return -16; // EBUSY
    const sock = openSocket(readlog_groups);
    if (sys.isError(sock)) return sys.status(sock);
    // A deeper socket buffer than the default: a burst of denials waits there, not lost.
    const size: i32 = 4 * 1024 * 1024;
    if (sys.isError(linux.syscall5(.setsockopt, sock, 1, 33, @intFromPtr(&size), 4))) // SOL_SOCKET, SO_RCVBUFFORCE
        _ = linux.syscall5(.setsockopt, sock, 1, 8, @intFromPtr(&size), 4); // SO_RCVBUF (capped by rmem_max)
    const stop = linux.syscall2(.eventfd2, 0, uapi.sock_cloexec);
    const sync = linux.syscall2(.eventfd2, 0, uapi.sock_cloexec);
    if (sys.isError(stop) or sys.isError(sync)) {
        for ([_]usize{ sock, stop, sync }) |fd| if (!sys.isError(fd)) {
            _ = linux.syscall1(.close, fd);
        };
        return sys.status(if (sys.isError(stop)) stop else sync);
    }
    const r = &readers[index];
    r.* = .{ .slot = r.slot, .sock = @intCast(sock), .stop = @intCast(stop), .sync = @intCast(sync), .channel = channel, .in_use = true };
    const rc = r.slot.start(&loop, index);
    if (rc < 0) {
        for ([_]usize{ sock, stop, sync }) |fd| _ = linux.syscall1(.close, fd);
        r.* = .{ .slot = r.slot };
        return rc;
    }
    return @intCast(index);
}

/// Tells a reader to stop: it unsubscribes, closes its channel end and
/// exits. Returns at once; the handle may be reused once the thread is gone.
pub fn readerStop(handle: i32) abi.Status {
    return signal(handle, .stop);
}

/// Asks a reader to send everything its socket holds, then a SYNC frame (returns at once).
pub fn readerSync(handle: i32) abi.Status {
    return signal(handle, .sync);
}

/// One count on a reader's stop or sync eventfd.
fn signal(handle: i32, which: enum { stop, sync }) abi.Status {
    if (handle < 0 or handle >= max_readers) return abi.Error.invalid_argument.status();
    lock();
    defer unlock();
    const r = &readers[@intCast(handle)];
    if (!r.in_use) return abi.Error.invalid_argument.status();
    const one: u64 = 1;
    const fd = if (which == .stop) r.stop else r.sync;
    return sys.status(linux.syscall3(.write, @as(u32, @bitCast(fd)), @intFromPtr(&one), 8));
}

/// Writes `bytes` whole to the channel (a blocking stream socket). False when the reader's side is gone.
fn writeAll(channel: i32, bytes: []const u8) bool {
    var done: usize = 0;
    while (done < bytes.len) {
        const rc = linux.syscall6(.sendto, @as(u32, @bitCast(channel)), @intFromPtr(bytes.ptr + done), bytes.len - done, 0x4000, 0, 0); // MSG_NOSIGNAL
        if (sys.isError(rc)) {
            if (sys.status(rc) == -uapi.e.INTR) continue;
            return false;
        }
        done += rc;
    }
    return true;
}

/// One frame: u32 payload length, u16 record type, u16 0, then the record's text.
fn post(channel: i32, kind: u16, payload: []const u8) bool {
    var head: [8]u8 = undefined;
    std.mem.writeInt(u32, head[0..4], @intCast(payload.len), .little);
    std.mem.writeInt(u16, head[4..6], kind, .little);
    std.mem.writeInt(u16, head[6..8], 0, .little);
    return writeAll(channel, &head) and writeAll(channel, payload);
}

fn loop(index: usize) callconv(.c) u8 {
    const r = &readers[index];
    var buf: [buffer_size]u8 align(4) = undefined;
    var fds = [3]linux.pollfd{
        .{ .fd = r.sock, .events = 1, .revents = 0 },
        .{ .fd = r.stop, .events = 1, .revents = 0 },
        .{ .fd = r.sync, .events = 1, .revents = 0 },
    };
    serve: while (true) {
        const p = linux.syscall5(.ppoll, @intFromPtr(&fds), 3, 0, 0, 8);
        if (sys.isError(p)) {
            if (sys.status(p) == -uapi.e.INTR) continue;
            break;
        }
        if (fds[1].revents != 0) break;
        if (fds[0].revents != 0) {
            if (!forward(r, &buf)) break;
        }
        if (fds[2].revents != 0) {
            var asked: u64 = 0;
            _ = linux.syscall3(.read, @as(u32, @bitCast(r.sync)), @intFromPtr(&asked), 8);
            // Everything the socket holds goes out before the answer.
            while (true) {
                const more = linux.syscall5(.ppoll, @intFromPtr(&fds), 1, @intFromPtr(&zero_time), 0, 8);
                if (sys.isError(more) or more == 0) break;
                if (!forward(r, &buf)) break :serve;
            }
            var count: [4]u8 = undefined;
            std.mem.writeInt(u32, &count, @intCast(@min(asked, 0xffff_ffff)), .little);
            if (!post(r.channel, frame_sync, &count)) break;
        }
    }
    lock();
    for ([_]i32{ r.sock, r.stop, r.sync, r.channel }) |fd| _ = linux.syscall1(.close, @as(u32, @bitCast(fd)));
    r.* = .{ .slot = r.slot };
    unlock();
    return 0;
}

const zero_time: linux.kernel_timespec = .{ .sec = 0, .nsec = 0 };

/// One receive from the socket, its landlock records forwarded. False when the reader must stop (the channel or socket is gone).
fn forward(r: *Reader, buf: *[buffer_size]u8) bool {
    const n = linux.syscall6(.recvfrom, @as(u32, @bitCast(r.sock)), @intFromPtr(buf), buf.len, 0x40, 0, 0); // MSG_DONTWAIT
    if (sys.isError(n)) {
        const e = sys.status(n);
        // ENOBUFS: the kernel dropped records for this socket.
        if (e == -uapi.e.NOBUFS) return post(r.channel, frame_lost, &.{});
        return e == -uapi.e.AGAIN or e == -uapi.e.INTR;
    }
    var at: usize = 0;
    while (at + 16 <= n) {
        const hdr: *align(1) const NlHdr = @ptrCast(buf[at..].ptr);
        if (hdr.len < 16 or at + hdr.len > n) break;
        if (hdr.type == landlock_access or hdr.type == landlock_domain) {
            var text = buf[at + 16 .. at + hdr.len];
            while (text.len > 0 and text[text.len - 1] == 0) text = text[0 .. text.len - 1];
            if (!post(r.channel, hdr.type, text)) return false;
        }
        at += (hdr.len + 3) & ~@as(usize, 3);
    }
    return true;
}

test "the audit status answers without privilege beyond a netlink socket" {
    var s: Status = .{};
    const rc = status(&s);
    // EPERM/EPROTONOSUPPORT where audit is absent or refused; otherwise the status came back.
    if (rc == 0) try std.testing.expect(s.backlog_limit > 0 or s.enabled <= 2);
}
