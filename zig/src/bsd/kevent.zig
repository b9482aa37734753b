//! kqueue(2) process watching, shared by macOS and FreeBSD: register
//! EVFILT_PROC on a pid, then drain what happened without blocking. JS polls
//! the drain (no callbacks from native code).
const std = @import("std");
const c = std.c;
const errno = @import("errno.zig");

/// What the drain writes per event: pid, fflags that fired, and the filter's data
/// (exit status for NOTE_EXIT, the child's pid for NOTE_CHILD on FreeBSD).
pub const Record = extern struct { pid: i32, fflags: u32, data: i64 };

comptime {
    std.debug.assert(@sizeOf(Record) == 16);
}

pub fn open() i32 {
    const kq = c.kqueue();
    if (kq < 0) return errno.last();
    // Not inherited across exec: the sandboxed program must not hold it.
    _ = c.fcntl(kq, c.F.SETFD, @as(c_int, c.FD_CLOEXEC));
    return kq;
}

/// EV_ADD an EVFILT_PROC filter for `pid` with the NOTE_* flags in `fflags`.
pub fn watch(kq: i32, pid: i32, fflags: u32) i32 {
    var change = std.mem.zeroes(c.Kevent);
    change.ident = @intCast(pid);
    change.filter = c.EVFILT.PROC;
    change.flags = c.EV.ADD | c.EV.RECEIPT;
    change.fflags = fflags;
    var result = std.mem.zeroes(c.Kevent);
    const zero: c.timespec = .{ .sec = 0, .nsec = 0 };
    const n = c.kevent(kq, @ptrCast(&change), 1, @ptrCast(&result), 1, &zero);
    if (n < 0) return errno.last();
    // EV_RECEIPT: the registration's own error comes back in `data`.
    if (n == 1 and result.flags & c.EV.ERROR != 0 and result.data != 0) return -@as(i32, @intCast(result.data));
    return 0;
}

/// Writes up to `out.len` records of pending events; returns how many.
pub fn drain(kq: i32, out: []Record) i32 {
    var events: [64]c.Kevent = undefined;
    const want: usize = @min(out.len, events.len);
    const zero: c.timespec = .{ .sec = 0, .nsec = 0 };
    const n = c.kevent(kq, &events, 0, &events, @intCast(want), &zero);
    if (n < 0) return errno.last();
    for (events[0..@intCast(n)], out[0..@intCast(n)]) |ev, *rec| {
        rec.* = .{ .pid = @intCast(ev.ident), .fflags = ev.fflags, .data = @intCast(ev.data) };
    }
    return n;
}
