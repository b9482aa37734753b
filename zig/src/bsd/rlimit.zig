//! setrlimit(2) for the launchers and the BSD backends. Resource numbers are
//! the OS's own; the plan compilers carry the tables.
const std = @import("std");
const errno = @import("errno.zig");

pub fn set(resource: i32, soft: u64, hard: u64) i32 {
    // rlim_t is unsigned on macOS, signed on FreeBSD; both are 64 bits.
    const lim: std.c.rlimit = .{ .cur = @bitCast(soft), .max = @bitCast(hard) };
    return errno.status(std.c.setrlimit(@enumFromInt(resource), &lim));
}
