//! The children the exit watcher owes a record: channel by pidfd number.
//! The epoll set alone cannot say so once its fd is gone (a caller closed it
//! by mistake): from this table a new set is filled, and a child is reported
//! exactly once, by whichever thread finds it here first. Callers hold the
//! watcher's lock.
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const linux = sys.linux;

/// Pidfd numbers with an entry (the kernel's default limit on fd numbers).
pub const slots: usize = 1 << 20;

/// u32[slots]: channel + 1, or 0 for none. Mapped on first use, never
/// unmapped; untouched pages cost nothing.
var table: ?[*]u32 = null;
/// One past the highest pidfd ever entered: the end of a walk.
var end: usize = 0;

fn entries() ?[*]u32 {
    if (table == null) {
        const mem = linux.syscall6(.mmap, 0, slots * 4, 0x3, 0x22 | uapi.map_noreserve, @bitCast(@as(isize, -1)), 0); // RW, PRIVATE|ANON
        if (!sys.isError(mem)) table = @ptrFromInt(mem);
    }
    return table;
}

/// Enters `pidfd` → `channel`; false if there is no room (pidfd beyond slots, no memory).
pub fn put(pidfd: u32, channel: u32) bool {
    if (pidfd >= slots or channel == 0xffff_ffff) return false;
    const t = entries() orelse return false;
    t[pidfd] = channel + 1;
    end = @max(end, @as(usize, pidfd) + 1);
    return true;
}

/// The channel of `pidfd`, if it is watched.
pub fn get(pidfd: u32) ?u32 {
    const t = table orelse return null;
    if (pidfd >= end or t[pidfd] == 0) return null;
    return t[pidfd] - 1;
}

pub fn remove(pidfd: u32) void {
    const t = table orelse return;
    if (pidfd < end) t[pidfd] = 0;
}

/// Calls `f(pidfd, channel)` for every entry.
pub fn each(ctx: anytype, comptime f: fn (@TypeOf(ctx), u32, u32) void) void {
    const t = table orelse return;
    for (0..end) |i| if (t[i] != 0) f(ctx, @intCast(i), t[i] - 1);
}

test "entries come back until removed, and a walk sees each once" {
    const std = @import("std");
    try std.testing.expect(put(7, 3));
    try std.testing.expect(put(9, 0));
    try std.testing.expect(!put(slots, 1));
    try std.testing.expectEqual(@as(?u32, 3), get(7));
    try std.testing.expectEqual(@as(?u32, 0), get(9));
    try std.testing.expectEqual(@as(?u32, null), get(8));
    var sum: u32 = 0;
    each(&sum, struct {
        fn f(s: *u32, pidfd: u32, channel: u32) void {
            s.* += pidfd * 10 + channel;
        }
    }.f);
    try std.testing.expectEqual(@as(u32, 73 + 90), sum);
    remove(7);
    remove(9);
    try std.testing.expectEqual(@as(?u32, null), get(7));
}
